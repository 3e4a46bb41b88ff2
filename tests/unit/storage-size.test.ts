// The storage panel's sizes: worked out by hand for each kind of value.
import { describe, expect, it } from 'vitest';
import { approxBytes, formatBytes } from '../../src/app/storage/size';

describe('approxBytes', () => {
  it('counts text, numbers, binary data and keys', () => {
    expect(approxBytes('abcd')).toBe(4);
    expect(approxBytes(3.5)).toBe(8);
    expect(approxBytes(true)).toBe(1);
    expect(approxBytes(null)).toBe(0);
    expect(approxBytes(new Float32Array(10))).toBe(40);
    expect(approxBytes(new ArrayBuffer(7))).toBe(7);
    // keys "a" (1) + "bc" (2), values 8 and 3 ("xyz"), and a list of two numbers (16) under "d" (1).
    expect(approxBytes({ a: 1, bc: 'xyz', d: [1, 2] })).toBe(1 + 8 + 2 + 3 + 1 + 16);
  });
});

describe('formatBytes', () => {
  it('says bytes, kilobytes and megabytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 2)).toBe('5.0 MB');
  });
});
