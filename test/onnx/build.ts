// Building small ONNX models in tests: plain objects encoded with our own ONNX schema, so every
// reader and lowering case is written out here, not taken from a generator.
import { Tensor } from '../../src/core/tensor.js';
import type { DType } from '../../src/core/dtype.js';
import { encodeMessage, type Message } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';

const enc = new TextEncoder();
export const T = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16 } as const;
const DTYPE_CODE: Record<string, number> = { float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9, float16: 10, float64: 11 };

export type AttrIn = number | bigint | string | number[] | bigint[] | string[] | { f: number } | { floats: number[] } | { t: Message } | { untyped: Message };

/** An AttributeProto: integers -> INT, other numbers -> FLOAT, strings -> STRING, lists alike. */
export function attr(name: string, v: AttrIn): Message {
  if (typeof v === 'bigint') return { name, type: 2, i: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: 2, i: BigInt(v) } : { name, type: 1, f: v };
  if (typeof v === 'string') return { name, type: 3, s: enc.encode(v) };
  if (Array.isArray(v)) {
    if (v.length && typeof v[0] === 'string') return { name, type: 8, strings: (v as string[]).map((s) => enc.encode(s)) };
    if (v.every((x) => typeof x === 'bigint' || Number.isInteger(x))) return { name, type: 7, ints: BigInt64Array.from((v as (number | bigint)[]).map((x) => BigInt(x))) };
    return { name, type: 6, floats: Float32Array.from(v as number[]) };
  }
  if ('f' in v) return { name, type: 1, f: v.f };
  if ('floats' in v) return { name, type: 6, floats: Float32Array.from(v.floats) };
  if ('t' in v) return { name, type: 4, t: v.t };
  return { name, ...v.untyped };
}

export function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrIn> = {}, extra: { name?: string; domain?: string } = {}): Message {
  return { op_type: op, input: inputs, output: outputs, attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)), ...extra };
}

/** A TensorProto in raw_data (default) or in its typed field. */
export function tensor(name: string, t: Tensor, form: 'raw' | 'typed' = 'raw'): Message {
  const m: Message = { name, dims: BigInt64Array.from(t.shape, BigInt), data_type: DTYPE_CODE[t.dtype]! };
  if (form === 'raw' && t.dtype !== 'string') {
    const d = t.data as Uint8Array;
    m['raw_data'] = new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
    return m;
  }
  switch (t.dtype) {
    case 'float32': m['float_data'] = (t.data as Float32Array).slice(); break;
    case 'float64': m['double_data'] = (t.data as Float64Array).slice(); break;
    case 'int64': m['int64_data'] = (t.data as BigInt64Array).slice(); break;
    case 'string': m['string_data'] = (t.data as Uint8Array[]).slice(); break;
    default: m['int32_data'] = Int32Array.from(t.data as ArrayLike<number>);
  }
  return m;
}

export function f32(shape: number[], values: number[]): Tensor { return Tensor.from('float32', shape, values); }
export function i64(shape: number[], values: (number | bigint)[]): Tensor { return Tensor.from('int64', shape, values); }

export interface ValueIn { name: string; type?: number; shape?: (number | string)[] }

export function valueInfo(v: ValueIn): Message {
  const tt: Message = { elem_type: v.type ?? T.FLOAT };
  if (v.shape) tt['shape'] = { dim: v.shape.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: BigInt(d) })) };
  return { name: v.name, type: { tensor_type: tt } };
}

export interface ModelIn {
  nodes: Message[];
  inputs: ValueIn[];
  outputs: ValueIn[];
  initializers?: [string, Tensor][];
  valueInfo?: ValueIn[];
  opset?: number;
  ir?: number;
  extraOpsets?: [string, number][];
  name?: string;
  functions?: Message[];
}

export function modelMessage(m: ModelIn): Message {
  return {
    ir_version: BigInt(m.ir ?? 7),
    opset_import: [{ domain: '', version: BigInt(m.opset ?? 13) }, ...(m.extraOpsets ?? []).map(([domain, v]) => ({ domain, version: BigInt(v) }))],
    producer_name: 'caffe2-ts test',
    graph: {
      name: m.name ?? 'g',
      node: m.nodes,
      initializer: (m.initializers ?? []).map(([n, t]) => tensor(n, t)),
      input: m.inputs.map(valueInfo),
      output: m.outputs.map(valueInfo),
      value_info: (m.valueInfo ?? []).map(valueInfo),
    },
    ...(m.functions ? { functions: m.functions } : {}),
  };
}

export function encodeModel(m: ModelIn | Message): Uint8Array {
  const msg = 'nodes' in m ? modelMessage(m as ModelIn) : (m as Message);
  return encodeMessage(onnxSchema().message('onnx.ModelProto'), msg);
}

export function encodeTensor(name: string, t: Tensor, form: 'raw' | 'typed' = 'raw'): Uint8Array {
  return encodeMessage(onnxSchema().message('onnx.TensorProto'), tensor(name, t, form));
}

export type { DType };
