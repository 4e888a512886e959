// ONNX model files (onnx/onnx.proto, IR versions 3 to 11+) read on our own schema: the graph as
// plain nodes with typed attributes, tensors as Tensors. Browser-safe: external data files are
// passed in as bytes by a loader the caller supplies (the CLI reads them from disk).

import { ModelFormatError, NotSupportedError, type Where } from '../core/errors.js';
import type { DType } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import { decodeMessage } from '../proto/codec.js';
import { onnxSchema } from '../proto/schema.js';
import { decodeUtf8 } from '../proto/wire.js';

// ------------------------------------------------------------------ decoded messages

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

interface RawAttribute {
  name?: string;
  ref_attr_name?: string;
  type?: number;
  f?: number;
  i?: bigint;
  s?: Uint8Array;
  t?: RawTensor;
  g?: RawGraph;
  sparse_tensor?: unknown;
  tp?: unknown;
  floats: Float32Array;
  ints: BigInt64Array;
  strings: Uint8Array[];
  tensors: RawTensor[];
  graphs: RawGraph[];
  sparse_tensors: unknown[];
  type_protos: unknown[];
}

interface RawNode {
  input: string[];
  output: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute: RawAttribute[];
}

interface RawDim { dim_value?: bigint; dim_param?: string }
interface RawType {
  tensor_type?: { elem_type?: number; shape?: { dim: RawDim[] } };
  sequence_type?: unknown;
  map_type?: unknown;
  optional_type?: unknown;
  sparse_tensor_type?: unknown;
}
interface RawValueInfo { name?: string; type?: RawType }

interface RawGraph {
  node: RawNode[];
  name?: string;
  initializer: RawTensor[];
  sparse_initializer: unknown[];
  input: RawValueInfo[];
  output: RawValueInfo[];
  value_info: RawValueInfo[];
}

interface RawFunction {
  name?: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: string[];
  attribute_proto: RawAttribute[];
  node: RawNode[];
  opset_import: { domain?: string; version?: bigint }[];
}

interface RawModel {
  ir_version?: bigint;
  opset_import: { domain?: string; version?: bigint }[];
  producer_name?: string;
  producer_version?: string;
  graph?: RawGraph;
  metadata_props: { key?: string; value?: string }[];
  functions: RawFunction[];
}

// ------------------------------------------------------------------ public model

/** ONNX AttributeProto.AttributeType names. */
export type AttrType =
  | 'float' | 'int' | 'string' | 'tensor' | 'graph' | 'floats' | 'ints' | 'strings' | 'tensors'
  | 'graphs' | 'sparse_tensor' | 'sparse_tensors' | 'type_proto' | 'type_protos';

const ATTR_TYPES: Record<number, AttrType> = {
  1: 'float', 2: 'int', 3: 'string', 4: 'tensor', 5: 'graph', 6: 'floats', 7: 'ints', 8: 'strings',
  9: 'tensors', 10: 'graphs', 11: 'sparse_tensor', 12: 'sparse_tensors', 13: 'type_proto', 14: 'type_protos',
};

export interface OnnxAttr {
  readonly name: string;
  readonly type: AttrType;
  readonly f: number;
  readonly i: bigint;
  readonly s: Uint8Array;
  readonly t: RawTensor | undefined;
  readonly floats: Float32Array;
  readonly ints: BigInt64Array;
  readonly strings: readonly Uint8Array[];
  /** Set inside function bodies: the attribute takes the caller's attribute of this name. */
  readonly refAttrName?: string;
}

export interface OnnxNode {
  /** Position in the graph's node list. */
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  /** "" for the default ONNX domain ("ai.onnx" is normalised to ""). */
  readonly domain: string;
  /** "" marks an absent optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttr>;
  /** Opset of the node's domain when it differs from the model's (nodes inlined from a function). */
  readonly opset?: number;
}

export interface OnnxValueInfo {
  readonly name: string;
  /** Our dtype, or undefined for element types we cannot hold (reported when used). */
  readonly dtype: DType | undefined;
  /** ONNX elem_type number (0 when the type is absent or not a tensor). */
  readonly elemType: number;
  /** Dims; -1 for symbolic or unknown dims; undefined when the rank is unknown. */
  readonly shape: number[] | undefined;
  /** A sequence/map/optional/sparse type rather than a dense tensor. */
  readonly nonTensor?: string;
}

export interface OnnxFunction {
  readonly name: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly string[];
  readonly attributeDefaults: ReadonlyMap<string, OnnxAttr>;
  readonly nodes: readonly OnnxNode[];
  readonly opsets: ReadonlyMap<string, number>;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly RawTensor[];
  /** Every graph input, including initializers listed as inputs (IR < 4 and keep_initializers_as_inputs). */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly valueInfo: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly irVersion: number;
  /** domain -> opset version; the default domain is "". */
  readonly opsets: ReadonlyMap<string, number>;
  readonly producer: string;
  readonly graph: OnnxGraph;
  readonly functions: readonly OnnxFunction[];
  readonly metadata: ReadonlyMap<string, string>;
  readonly file: string | undefined;
}

export function normDomain(d: string | undefined): string {
  return !d || d === 'ai.onnx' ? '' : d;
}

function str(b: Uint8Array): string { return decodeUtf8(b, 0, b.length); }

/** Attribute kind from its `type`, or for old files without `type`, from which field is set. */
function attrType(a: RawAttribute, where: Where): AttrType {
  if (a.type) {
    const t = ATTR_TYPES[a.type];
    if (!t) throw new ModelFormatError(`attribute '${a.name ?? ''}' has unknown type ${a.type}`, where);
    return t;
  }
  if (a.f !== undefined) return 'float';
  if (a.i !== undefined) return 'int';
  if (a.s !== undefined) return 'string';
  if (a.t !== undefined) return 'tensor';
  if (a.g !== undefined) return 'graph';
  if (a.floats.length) return 'floats';
  if (a.ints.length) return 'ints';
  if (a.strings.length) return 'strings';
  if (a.tensors.length) return 'tensors';
  if (a.graphs.length) return 'graphs';
  if (a.sparse_tensor !== undefined) return 'sparse_tensor';
  // an empty list written without a type: the reader cannot tell which kind, ints is harmless
  return 'ints';
}

function readAttr(a: RawAttribute, where: Where): OnnxAttr {
  const name = a.name ?? '';
  return {
    name,
    type: attrType(a, { ...where, arg: name }),
    f: a.f ?? 0,
    i: a.i ?? 0n,
    s: a.s ?? new Uint8Array(0),
    t: a.t,
    floats: a.floats,
    ints: a.ints,
    strings: a.strings,
    ...(a.ref_attr_name ? { refAttrName: a.ref_attr_name } : {}),
  };
}

function readNode(n: RawNode, index: number, file: string | undefined): OnnxNode {
  const where: Where = { file, opIndex: index, opType: n.op_type ?? '?', ...(n.output[0] ? { blob: n.output[0] } : {}) };
  if (!n.op_type) throw new ModelFormatError('node has no op_type', where);
  const attrs = new Map<string, OnnxAttr>();
  for (const a of n.attribute) {
    const at = readAttr(a, where);
    if (attrs.has(at.name)) throw new ModelFormatError('attribute given twice', { ...where, arg: at.name });
    attrs.set(at.name, at);
  }
  return {
    index, name: n.name ?? '', opType: n.op_type, domain: normDomain(n.domain),
    inputs: n.input, outputs: n.output, attrs,
  };
}

function readValueInfo(v: RawValueInfo): OnnxValueInfo {
  const name = v.name ?? '';
  const t = v.type;
  if (!t || !t.tensor_type) {
    const nonTensor = t?.sequence_type ? 'sequence' : t?.map_type ? 'map' : t?.optional_type ? 'optional' : t?.sparse_tensor_type ? 'sparse tensor' : undefined;
    return { name, dtype: undefined, elemType: 0, shape: undefined, ...(nonTensor ? { nonTensor } : {}) };
  }
  const elemType = t.tensor_type.elem_type ?? 0;
  const shape = t.tensor_type.shape ? t.tensor_type.shape.dim.map((d) => {
    if (d.dim_value === undefined) return -1;
    const x = Number(d.dim_value);
    return Number.isSafeInteger(x) && x >= 0 ? x : -1;
  }) : undefined;
  return { name, dtype: ONNX_TO_DTYPE[elemType], elemType, shape };
}

function opsetMap(list: { domain?: string; version?: bigint }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of list) m.set(normDomain(o.domain), Number(o.version ?? 1n));
  return m;
}

export interface ReadOptions {
  /** File name for messages. */
  file?: string;
  onProgress?: (done: number, total: number) => void;
}

/** Decodes an ONNX ModelProto. Structure only; tensors are converted on demand (`onnxTensor`). */
export function readOnnxModel(bytes: Uint8Array, opts: ReadOptions = {}): OnnxModel {
  const file = opts.file;
  const raw = decodeMessage<RawModel>(onnxSchema().message('onnx.ModelProto'), bytes, {
    ...(file ? { file } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  if (!raw.graph) throw new ModelFormatError('not an ONNX model: ModelProto has no graph', { file });
  const irVersion = Number(raw.ir_version ?? 0n);
  if (irVersion < 1) throw new ModelFormatError('not an ONNX model: ModelProto has no ir_version', { file });
  const opsets = opsetMap(raw.opset_import);
  // IR version 1-2 files predate opset_import; they mean opset 1 of the default domain
  if (!opsets.has('')) opsets.set('', 1);
  const g = raw.graph;
  const graph: OnnxGraph = {
    name: g.name ?? '',
    nodes: g.node.map((n, i) => readNode(n, i, file)),
    initializers: g.initializer,
    inputs: g.input.map(readValueInfo),
    outputs: g.output.map(readValueInfo),
    valueInfo: g.value_info.map(readValueInfo),
  };
  if (g.sparse_initializer.length) {
    throw new NotSupportedError(`the graph has ${g.sparse_initializer.length} sparse initializers; Caffe2 has no sparse tensors`, { file });
  }
  const functions: OnnxFunction[] = raw.functions.map((f) => ({
    name: f.name ?? '',
    domain: normDomain(f.domain),
    inputs: f.input,
    outputs: f.output,
    attributes: f.attribute,
    attributeDefaults: new Map(f.attribute_proto.map((a) => { const x = readAttr(a, { file }); return [x.name, x]; })),
    nodes: f.node.map((n, i) => readNode(n, i, file)),
    opsets: opsetMap(f.opset_import),
  }));
  const metadata = new Map<string, string>();
  for (const p of raw.metadata_props) if (p.key) metadata.set(p.key, p.value ?? '');
  return {
    irVersion, opsets, producer: [raw.producer_name, raw.producer_version].filter(Boolean).join(' '),
    graph, functions, metadata, file,
  };
}

// ------------------------------------------------------------------ tensors

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

/** The string value of a STRING attribute. */
export function attrString(a: OnnxAttr): string { return str(a.s); }
export function attrStrings(a: OnnxAttr): string[] { return a.strings.map(str); }
