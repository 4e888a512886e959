// ONNX TensorProtos as Tensors: raw_data (little-endian) or the typed field of each element type,
// or external data read through a caller-supplied loader (so the core stays browser-safe). Every
// count and byte length is checked against the dims before anything is allocated.

import { ModelFormatError, NotSupportedError, type Where } from '../core/errors.js';
import type { DType } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import { decodeMessage } from '../proto/codec.js';
import { onnxSchema } from '../proto/schema.js';

export interface RawTensor {
  dims: BigInt64Array;
  data_type?: number;
  segment?: { begin?: bigint; end?: bigint };
  float_data: Float32Array;
  int32_data: Int32Array;
  string_data: Uint8Array[];
  int64_data: BigInt64Array;
  name?: string;
  raw_data?: Uint8Array;
  external_data: { key?: string; value?: string }[];
  data_location?: number;
  double_data: Float64Array;
  uint64_data: BigUint64Array;
}

/** ONNX TensorProto.DataType numbers and names. */
export const ONNX_TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED', 1: 'FLOAT', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64',
  8: 'STRING', 9: 'BOOL', 10: 'FLOAT16', 11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 14: 'COMPLEX64',
  15: 'COMPLEX128', 16: 'BFLOAT16', 17: 'FLOAT8E4M3FN', 18: 'FLOAT8E4M3FNUZ', 19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ', 21: 'UINT4', 22: 'INT4', 23: 'FLOAT4E2M1', 24: 'FLOAT8E8M0', 25: 'UINT2', 26: 'INT2',
};

/** The ONNX element types a Caffe2 tensor can hold, as our dtypes. */
export const ONNX_TO_DTYPE: Readonly<Record<number, DType>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64',
};

export function onnxTypeName(t: number): string { return ONNX_TYPE_NAMES[t] ?? `type ${t}`; }

/** Reads the bytes of an external data file (`location` is relative to the model file). */
export type ExternalDataLoader = (location: string) => Uint8Array;

export interface TensorOptions {
  externalData?: ExternalDataLoader;
  where?: Where;
}

function dimsOf(t: RawTensor, where: Where): { shape: number[]; numel: number } {
  const shape: number[] = [];
  let numel = 1;
  for (const d of t.dims) {
    if (d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelFormatError(`tensor dims [${Array.from(t.dims).join(', ')}] hold an invalid dim ${d}`, where);
    shape.push(Number(d));
    numel *= Number(d);
  }
  if (!Number.isSafeInteger(numel)) throw new ModelFormatError(`tensor dims [${shape.join(', ')}] have more elements than any tensor can hold`, where);
  return { shape, numel };
}

const WIDTH: Partial<Record<DType, number>> = {
  float32: 4, float64: 8, float16: 2, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, bool: 1,
};

function externalBytes(t: RawTensor, load: ExternalDataLoader | undefined, want: number, where: Where): Uint8Array {
  const kv = new Map(t.external_data.map((e) => [e.key ?? '', e.value ?? '']));
  const location = kv.get('location');
  if (!location) throw new ModelFormatError("external data has no 'location'", where);
  if (!load) throw new NotSupportedError(`tensor data is in the external file '${location}', and no external data loader was given`, where);
  const num = (k: string): number | undefined => {
    const v = kv.get(k);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new ModelFormatError(`external data '${k}' is '${v}', not a non-negative integer`, where);
    return Number(v);
  };
  const file = load(location);
  const offset = num('offset') ?? 0;
  const length = num('length') ?? file.length - offset;
  if (offset + length > file.length) {
    throw new ModelFormatError(`external data '${location}' [${offset}, ${offset + length}) runs past the end of the file (${file.length} bytes)`, where);
  }
  if (length !== want) throw new ModelFormatError(`external data '${location}' holds ${length} bytes, expected ${want}`, where);
  return file.subarray(offset, offset + length);
}

/** Little-endian bytes -> typed storage (copied, so the result is aligned and owned). */
function fromBytes(dtype: DType, b: Uint8Array, numel: number): Tensor['data'] {
  // Uint8Array.prototype.slice, not b.slice(): on a Node Buffer slice() is a view into a shared pool
  const copy = Uint8Array.prototype.slice.call(b);
  switch (dtype) {
    case 'float32': return new Float32Array(copy.buffer, 0, numel);
    case 'float64': return new Float64Array(copy.buffer, 0, numel);
    case 'float16': case 'uint16': return new Uint16Array(copy.buffer, 0, numel);
    case 'int8': return new Int8Array(copy.buffer, 0, numel);
    case 'int16': return new Int16Array(copy.buffer, 0, numel);
    case 'int32': return new Int32Array(copy.buffer, 0, numel);
    case 'int64': return new BigInt64Array(copy.buffer, 0, numel);
    case 'uint8': return copy;
    case 'bool': { for (let i = 0; i < numel; i++) copy[i] = copy[i] ? 1 : 0; return copy; }
    default: throw new Error(`internal: no byte layout for ${dtype}`);
  }
}

/** Converts an ONNX TensorProto (raw_data, typed fields or external data) to a Tensor. */
export function onnxTensor(t: RawTensor, opts: TensorOptions = {}): Tensor {
  const where: Where = { ...(t.name ? { blob: t.name } : {}), ...opts.where };
  const code = t.data_type ?? 0;
  const dtype = ONNX_TO_DTYPE[code];
  if (!dtype) {
    throw new NotSupportedError(`${onnxTypeName(code)} tensors have no Caffe2 equivalent (Caffe2 holds FLOAT, DOUBLE, FLOAT16, INT8/16/32/64, UINT8/16, BOOL, STRING)`, where);
  }
  if (t.segment) throw new NotSupportedError('segmented ONNX tensors are not supported', where);
  const { shape, numel } = dimsOf(t, where);
  const count = (got: number, field: string): void => {
    if (got !== numel) throw new ModelFormatError(`${onnxTypeName(code)} tensor ${field} holds ${got} values, dims [${shape.join(', ')}] need ${numel}`, where);
  };
  if (t.data_location === 1 || (t.external_data.length && t.raw_data === undefined)) {
    if (dtype === 'string') throw new NotSupportedError('STRING tensors cannot be stored externally', where);
    const b = externalBytes(t, opts.externalData, numel * WIDTH[dtype]!, where);
    return new Tensor(dtype, shape, fromBytes(dtype, b, numel) as never);
  }
  if (t.raw_data !== undefined) {
    if (dtype === 'string') throw new ModelFormatError('STRING tensors cannot use raw_data', where);
    const want = numel * WIDTH[dtype]!;
    if (t.raw_data.length !== want) throw new ModelFormatError(`${onnxTypeName(code)} tensor raw_data holds ${t.raw_data.length} bytes, dims [${shape.join(', ')}] need ${want}`, where);
    return new Tensor(dtype, shape, fromBytes(dtype, t.raw_data, numel) as never);
  }
  switch (dtype) {
    case 'float32': count(t.float_data.length, 'float_data'); return new Tensor(dtype, shape, t.float_data.slice());
    case 'float64': count(t.double_data.length, 'double_data'); return new Tensor(dtype, shape, t.double_data.slice());
    case 'int64': count(t.int64_data.length, 'int64_data'); return new Tensor(dtype, shape, t.int64_data.slice());
    case 'string': count(t.string_data.length, 'string_data'); return new Tensor(dtype, shape, t.string_data.slice());
    default: {
      // the small integer types, bool and fp16 bit patterns live in int32_data
      count(t.int32_data.length, 'int32_data');
      const out = new Tensor(dtype, shape);
      const d = out.data as Int32Array;
      const src = t.int32_data;
      if (dtype === 'bool') for (let i = 0; i < numel; i++) d[i] = src[i] ? 1 : 0;
      else for (let i = 0; i < numel; i++) d[i] = src[i]!;
      return out;
    }
  }
}

/** Decodes a serialized ONNX TensorProto (the input_N.pb / output_N.pb of ONNX test data). */
export function readOnnxTensor(bytes: Uint8Array, opts: TensorOptions & { file?: string } = {}): { name: string; tensor: Tensor } {
  const raw = decodeMessage<RawTensor>(onnxSchema().message('onnx.TensorProto'), bytes, opts.file ? { file: opts.file } : {});
  return { name: raw.name ?? '', tensor: onnxTensor(raw, { ...opts, where: { ...(opts.file ? { file: opts.file } : {}), ...opts.where } }) };
}

