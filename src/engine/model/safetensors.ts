// The safetensors file format, float32 only, with no TensorFlow.js: what Hugging Face's `safetensors`
// and a few lines of numpy read. The layout:
//
//   offset 0   N                 u64 little-endian: the header's length in bytes
//          8   header (UTF-8)    JSON {name: {dtype: "F32", shape, data_offsets: [begin, end]},
//                                "__metadata__": {string: string}}, padded with spaces so that
//                                8 + N is a multiple of 8
//          8+N tensor bytes      float32 little-endian, each tensor row-major, in header order;
//                                data_offsets count from here

/** One named tensor: its shape and its values, row-major. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** What a safetensors file holds: the tensors in file order and the string-to-string metadata. */
export interface SafetensorsContent {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

const METADATA = '__metadata__';
/** Refuse headers past this size (the reference implementation's limit) before decoding them. */
const MAX_HEADER_BYTES = 100_000_000;

const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Returns the bytes of a safetensors file holding `tensors` in the order given, with `metadata`; changes nothing. */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header[METADATA] = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA || t.name in header) throw new Error(`safetensors: tensor name '${t.name}' is used twice or is reserved`);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`safetensors: tensor '${t.name}' has shape [${t.shape.join(', ')}], not whole non-negative sizes`);
    if (elements(t.shape) !== t.data.length) throw new Error(`safetensors: tensor '${t.name}' has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = json.length + ((8 - ((8 + json.length) % 8)) % 8);
  const out = new Uint8Array(8 + headerBytes + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes), true);
  out.fill(0x20, 8, 8 + headerBytes);
  out.set(json, 8);
  let at = 8 + headerBytes;
  for (const t of tensors) {
    // DataView writes little-endian whatever the machine's byte order.
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i] as number, true);
  }
  return out;
}

/**
 * Reads a safetensors file of float32 tensors: returns them (copies, in file order) and the metadata.
 * Throws an Error naming what is wrong: a short file, a header that is not JSON, a dtype other
 * than F32, offsets that do not fit the shape, leave gaps or overlap, or bytes left over.
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContent {
  if (bytes.length < 8) throw new Error(`safetensors: the file has ${bytes.length} bytes, fewer than the 8 of its header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) throw new Error(`safetensors: header length ${n} runs past the file's ${bytes.length} bytes`);
  const headerBytes = Number(n);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerBytes))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`safetensors: the header is not UTF-8 JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('safetensors: the header is not a JSON object');
  const start = 8 + headerBytes;
  const dataBytes = bytes.length - start;
  const metadata: Record<string, string> = {};
  const entries: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new Error(`safetensors: metadata '${k}' is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (info?.dtype !== 'F32') throw new Error(`safetensors: tensor '${name}' has dtype ${JSON.stringify(info?.dtype)}; only F32 is read`);
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`safetensors: tensor '${name}' has no valid shape`);
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) throw new Error(`safetensors: tensor '${name}' has no valid data_offsets`);
    const [begin, end] = offsets as [number, number];
    if (end - begin !== 4 * elements(shape as number[])) throw new Error(`safetensors: tensor '${name}' spans ${end - begin} bytes, its shape [${shape.join(', ')}] needs ${4 * elements(shape as number[])}`);
    entries.push({ name, shape: shape as number[], begin, end });
  }
  // Every byte after the header belongs to exactly one tensor.
  let covered = 0;
  for (const e of [...entries].sort((a, b) => a.begin - b.begin)) {
    if (e.begin !== covered) throw new Error(`safetensors: tensor '${e.name}' starts at byte ${e.begin} of the data, expected ${covered} (a gap or an overlap)`);
    covered = e.end;
  }
  if (covered !== dataBytes) throw new Error(`safetensors: the tensors cover ${covered} bytes of data, the file holds ${dataBytes}`);
  const tensors = entries.map((e) => {
    const data = new Float32Array((e.end - e.begin) / 4);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(start + e.begin + 4 * i, true);
    return { name: e.name, shape: e.shape, data };
  });
  return { tensors, metadata };
}
