// ONNX model files (onnx/onnx.proto, IR versions 3 to 11+) read on our own schema: the graph as
// plain nodes with typed attributes; tensors are converted on demand by tensor.ts.

import { ModelFormatError, NotSupportedError, type Where } from '../core/errors.js';
import type { DType } from '../core/dtype.js';
import { decodeMessage } from '../proto/codec.js';
import { onnxSchema } from '../proto/schema.js';
import { decodeUtf8 } from '../proto/wire.js';
import { ONNX_TO_DTYPE, type RawTensor } from './tensor.js';

export * from './tensor.js';

// ------------------------------------------------------------------ decoded messages

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

/** The string value of a STRING attribute. */
export function attrString(a: OnnxAttr): string { return str(a.s); }
export function attrStrings(a: OnnxAttr): string[] { return a.strings.map(str); }
