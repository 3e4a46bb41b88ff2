// numpy's .npy format (version 1.0) for one float32 array, so that numpy.load reads what the
// engine computed with no other library: the magic "\x93NUMPY", the version, a u16 header length,
// a Python-literal header padded with spaces and a newline to a multiple of 64, then the data.

/** Returns the .npy bytes of a little-endian float32 array of the given shape (row-major); changes nothing. */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`npy: shape [${shape.join(', ')}] holds ${n} values, the data has ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + dict.length + 1; // magic 6, version 2, length 2, dict, newline
  const header = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + 4 * n);
  const view = new DataView(out.buffer);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  for (let i = 0; i < n; i++) view.setFloat32(10 + header.length + 4 * i, data[i] as number, true);
  return out;
}
