// Caffe2 TensorProto <-> Tensor, following caffe2/core/blob_serialization.cc (DeserializeTensor,
// TensorSerializer::Serialize). Every data field's element count is checked against the chunk
// size before anything is allocated, so the allocation is bounded by the bytes in the file.

import { CAFFE2_DTYPE, allocStorage, bytesPerElement, dtypeFromCaffe2, dtypeToCaffe2, type DType } from '../core/dtype.js';
import { InputError, ModelFormatError, NotSupportedError, shapeStr, type Where } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { decodeTensorProtos, emptyMessage, encodeTensorProtos, type TensorProto } from '../proto/caffe2.js';

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(CAFFE2_DTYPE).map(([k, v]) => [v, k]));
const FMT_PROTOBUF = 0, FMT_BFLOAT16 = 1;

function typeName(n: number): string { return NAMES[n] ?? `data type ${n}`; }

/** Dims of a proto as numbers, each checked to be a non-negative safe integer, with their product. */
export function protoDims(p: Pick<TensorProto, 'dims'>, where: Where = {}): { shape: number[]; numel: number } {
  const shape: number[] = [];
  let numel = 1;
  for (const d of p.dims) {
    if (d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ModelFormatError(`dims [${Array.from(p.dims).join(', ')}] hold an invalid dim ${d}`, where);
    }
    shape.push(Number(d));
    numel *= Number(d);
  }
  if (!Number.isSafeInteger(numel)) throw new ModelFormatError(`dims ${shapeStr(shape)} have ${numel} elements, more than any tensor can hold`, where);
  return { shape, numel };
}

/** The chunk [begin, end) a proto carries: its segment, or the whole tensor. */
function chunkOf(p: TensorProto, numel: number, where: Where): { begin: number; end: number } {
  if (!p.segment) return { begin: 0, end: numel };
  const b = p.segment.begin ?? 0n, e = p.segment.end ?? 0n;
  if (!(0n <= b && b <= e && e <= BigInt(numel))) {
    throw new ModelFormatError(`segment [${b}, ${e}) is not within the ${numel} elements of dims`, where);
  }
  return { begin: Number(b), end: Number(e) };
}

function dtypeOf(p: TensorProto, where: Where): DType {
  if (p.data_type === undefined) throw new ModelFormatError('tensor has no data_type', where);
  const d = dtypeFromCaffe2(p.data_type);
  if (!d) throw new NotSupportedError(`cannot read a ${typeName(p.data_type)} tensor`, where);
  return d;
}

function sizeError(p: TensorProto, field: string, want: number, got: number, unit: string, where: Where): never {
  throw new ModelFormatError(`${typeName(p.data_type ?? 1)} tensor ${field} holds ${got} ${unit}, expected ${want}`, where);
}

/**
 * Writes the chunk a proto carries into `dest` (the whole tensor's storage) at `begin`, or returns
 * the proto's own array when it is the whole tensor already (no copy).
 */
function readChunk(p: TensorProto, dtype: DType, dest: Tensor['data'] | undefined, begin: number, size: number, where: Where): Tensor['data'] {
  const format = p.data_format ?? FMT_PROTOBUF;
  const code = p.data_type!;
  if (format !== FMT_PROTOBUF && !(format === FMT_BFLOAT16 && dtype === 'float32')) {
    throw new NotSupportedError(`serialization format ${format} is not supported for a ${typeName(code)} tensor`, where);
  }
  const place = <T extends Tensor['data']>(src: T): Tensor['data'] => {
    if (!dest) return src;
    if (Array.isArray(dest)) for (let i = 0; i < size; i++) dest[begin + i] = (src as Uint8Array[])[i]!;
    else (dest as Float32Array).set(src as Float32Array, begin);
    return dest;
  };
  switch (dtype) {
    case 'float32': {
      if (format === FMT_BFLOAT16) {
        const raw = p.raw_data ?? new Uint8Array(0);
        if (raw.length !== 2 * size) sizeError(p, 'raw_data (bfloat16)', 2 * size, raw.length, 'bytes', where);
        const out = new Float32Array(size), bits = new Uint32Array(out.buffer);
        // bfloat16 is the high half of a float32: widen by shifting into the top 16 bits
        for (let i = 0; i < size; i++) bits[i] = (raw[2 * i]! | (raw[2 * i + 1]! << 8)) << 16;
        return place(out);
      }
      if (p.float_data.length !== size) sizeError(p, 'float_data', size, p.float_data.length, 'values', where);
      return place(p.float_data);
    }
    case 'float64':
      if (p.double_data.length !== size) sizeError(p, 'double_data', size, p.double_data.length, 'values', where);
      return place(p.double_data);
    case 'int32':
      if (p.int32_data.length !== size) sizeError(p, 'int32_data', size, p.int32_data.length, 'values', where);
      return place(p.int32_data);
    case 'int64':
      if (p.int64_data.length !== size) sizeError(p, 'int64_data', size, p.int64_data.length, 'values', where);
      return place(p.int64_data);
    case 'string':
      if (p.string_data.length !== size) sizeError(p, 'string_data', size, p.string_data.length, 'strings', where);
      return place(p.string_data.slice());
    default: {
      // BOOL, UINT8, INT8, UINT16, INT16, FLOAT16 (bits); BYTE is a literal copy into uint8
      const width = bytesPerElement(dtype);
      if (p.byte_data !== undefined || code === CAFFE2_DTYPE.BYTE) {
        const b = p.byte_data ?? new Uint8Array(0);
        // Caffe2 skips this check for UINT8 with a segment; we never read past the field
        if (b.length !== width * size) sizeError(p, 'byte_data', width * size, b.length, 'bytes', where);
        const out = new Uint8Array(b.length);
        out.set(b);
        const typed = new (ctorOf(dtype))(out.buffer, 0, size) as Tensor['data'];
        if (dtype === 'bool') for (let i = 0; i < size; i++) out[i] = out[i] ? 1 : 0;
        return place(typed);
      }
      if (p.int32_data.length !== size) sizeError(p, 'int32_data', size, p.int32_data.length, 'values', where);
      const out = new (ctorOf(dtype))(size) as Uint8Array;
      const src = p.int32_data;
      // a C cast of each int32 to the element type (bool: nonzero -> 1)
      if (dtype === 'bool') for (let i = 0; i < size; i++) out[i] = src[i] ? 1 : 0;
      else (out as unknown as Int32Array).set(src);
      return place(out);
    }
  }
}

function ctorOf(d: DType): { new (n: number): unknown; new (b: ArrayBufferLike, o: number, n: number): unknown } {
  switch (d) {
    case 'int8': return Int8Array;
    case 'int16': return Int16Array;
    case 'uint16': case 'float16': return Uint16Array;
    default: return Uint8Array;
  }
}

/**
 * A Tensor from one TensorProto holding the whole tensor (no segment, or a segment covering all
 * elements). `where` names the file and blob for errors.
 */
export function tensorFromProto(p: TensorProto, where: Where = {}): Tensor {
  const w: Where = { ...(p.name ? { blob: p.name } : {}), ...where };
  const { shape, numel } = protoDims(p, w);
  if (p.data_type === 0) {
    if (numel === 0) return new Tensor('float32', [0]);
    throw new NotSupportedError('UNDEFINED tensors (serialized sub-blobs) are not supported', w);
  }
  const dtype = dtypeOf(p, w);
  const { begin, end } = chunkOf(p, numel, w);
  if (end - begin !== numel) {
    throw new ModelFormatError(`segment [${begin}, ${end}) holds only part of the ${numel} elements of dims ${shapeStr(shape)}; the other chunks are missing`, w);
  }
  return new Tensor(dtype, shape, readChunk(p, dtype, undefined, 0, numel, w) as never);
}

/**
 * Tensors from a list of TensorProtos (a TensorProtos blob dump). Protos with the same name are
 * chunks of one tensor (Caffe2 writes large tensors in segments); they must agree on dims and
 * type and cover every element exactly once. Unnamed protos are named by their index.
 */
export function tensorsFromProtos(protos: readonly TensorProto[], file?: string): Map<string, Tensor> {
  const groups = new Map<string, { p: TensorProto; i: number }[]>();
  protos.forEach((p, i) => {
    const name = p.name ?? String(i);
    const g = groups.get(name);
    if (g) g.push({ p, i }); else groups.set(name, [{ p, i }]);
  });
  const out = new Map<string, Tensor>();
  for (const [name, chunks] of groups) {
    const where: Where = { ...(file ? { file } : {}), blob: name };
    if (chunks.length === 1) { out.set(name, tensorFromProto(chunks[0]!.p, where)); continue; }
    const first = chunks[0]!.p;
    const { shape, numel } = protoDims(first, where);
    const dtype = dtypeOf(first, where);
    const spans = chunks.map(({ p, i }) => {
      const w = { ...where, path: `protos[${i}]` };
      const d = protoDims(p, w);
      if (!d.shape.every((x, k) => x === shape[k]) || d.shape.length !== shape.length) {
        throw new ModelFormatError(`chunk dims ${shapeStr(d.shape)} differ from the first chunk's ${shapeStr(shape)}`, w);
      }
      if (p.data_type !== first.data_type) throw new ModelFormatError(`chunk is ${typeName(p.data_type ?? 1)}, the first chunk ${typeName(first.data_type!)}`, w);
      return { p, w, ...chunkOf(p, numel, w) };
    }).sort((a, b) => a.begin - b.begin);
    let at = 0;
    for (const s of spans) {
      if (s.begin !== at) throw new ModelFormatError(`chunks ${s.begin < at ? 'overlap' : 'leave a gap'} at element ${Math.min(at, s.begin)} of ${numel}`, s.w);
      at = s.end;
    }
    if (at !== numel) throw new ModelFormatError(`chunks cover ${at} of the ${numel} elements`, where);
    // every chunk's data was checked against its size, so this allocation is what the file holds
    const data = allocStorage(dtype, numel);
    for (const s of spans) readChunk(s.p, dtype, data, s.begin, s.end - s.begin, s.w);
    out.set(name, new Tensor(dtype, shape, data as never));
  }
  return out;
}

export interface ToProtoOptions {
  name?: string;
  /** Small integer types, bool and float16 go to `byte_data` instead of `int32_data`. */
  bytes?: boolean;
  /** float32 as bfloat16 in `raw_data` (rounded to nearest even; lossy). */
  bfloat16?: boolean;
}

/** A TensorProto as Caffe2's TensorSerializer writes it: dims, data_type, a whole-tensor segment. */
export function tensorToProto(t: Tensor, opts: ToProtoOptions = {}): TensorProto {
  const p = emptyMessage<TensorProto>('TensorProto', {
    dims: BigInt64Array.from(t.shape, BigInt),
    data_type: dtypeToCaffe2(t.dtype),
    segment: { begin: 0n, end: BigInt(t.size) },
    ...(opts.name !== undefined ? { name: opts.name } : {}),
  });
  switch (t.dtype) {
    case 'float32':
      if (opts.bfloat16) {
        p.data_format = FMT_BFLOAT16;
        p.raw_data = toBfloat16(t.data as Float32Array);
      } else p.float_data = (t.data as Float32Array).slice();
      break;
    case 'float64': p.double_data = (t.data as Float64Array).slice(); break;
    case 'int32': p.int32_data = (t.data as Int32Array).slice(); break;
    case 'int64': p.int64_data = (t.data as BigInt64Array).slice(); break;
    case 'string': p.string_data = (t.data as Uint8Array[]).slice(); break;
    default: {
      const d = t.data as Uint8Array;
      if (opts.bytes) p.byte_data = new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
      else p.int32_data = Int32Array.from(d);
    }
  }
  return p;
}

function toBfloat16(src: Float32Array): Uint8Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint8Array(2 * src.length);
  for (let i = 0; i < src.length; i++) {
    const x = bits[i]!;
    let h: number;
    if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) h = (x >>> 16) | 0x40; // keep NaN a NaN
    else h = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16; // round to nearest even
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = (h >>> 8) & 0xff;
  }
  return out;
}

/** Reads a TensorProtos file (a blob dump) into named tensors. */
export function readTensorProtos(bytes: Uint8Array, file = 'tensors.pb'): Map<string, Tensor> {
  return tensorsFromProtos(decodeTensorProtos(bytes, { file }).protos, file);
}

/** Writes named tensors as a TensorProtos file. */
export function writeTensorProtos(tensors: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>, opts: Omit<ToProtoOptions, 'name'> = {}): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [name, t] of entries) if (!(t instanceof Tensor)) throw new InputError(`'${name}' is not a Tensor`);
  return encodeTensorProtos({ protos: entries.map(([name, t]) => tensorToProto(t, { ...opts, name })) });
}
