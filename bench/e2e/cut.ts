// The part of a detectron2 Caffe2-style Mask R-CNN export that onnxruntime can run: normalisation,
// backbone, FPN and RPN head. The graph is cut before the first GenerateProposals (outputs: every
// level's objectness logits and anchor deltas, and the FPN features the RoI heads read), its two
// `_caffe2` ops are replaced (AliasWithName by Identity, ResizeNearest by ONNX-9 Upsample nearest,
// which is the same floor(y / scale) mapping), external weights are inlined, and initializers leave
// the graph inputs (ORT treats initializers listed as inputs as overridable and folds less).
// Written with our own ONNX schema and codec.

import { decodeMessage, encodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';

const CAFFE2 = 'org.pytorch._caffe2';
const FLOAT = 1, ATTR_STRING = 3;

interface Attr { name?: string; type?: number; s?: Uint8Array; f?: number; i?: bigint; floats: Float32Array; ints: BigInt64Array; [k: string]: unknown }
interface Node { input: string[]; output: string[]; name?: string; op_type?: string; domain?: string; attribute: Attr[]; [k: string]: unknown }
interface Tensor { name?: string; dims: BigInt64Array; data_type?: number; raw_data?: Uint8Array; external_data: { key?: string; value?: string }[]; data_location?: number; [k: string]: unknown }
interface ValueInfo { name?: string; type?: unknown; [k: string]: unknown }
interface Graph { node: Node[]; initializer: Tensor[]; input: ValueInfo[]; output: ValueInfo[]; value_info: ValueInfo[]; [k: string]: unknown }
interface Model { ir_version?: bigint; opset_import: { domain?: string; version?: bigint }[]; graph?: Graph; [k: string]: unknown }

export interface CutModel {
  /** The ONNX model bytes (weights inline). */
  bytes: Uint8Array;
  /** The graph's data input (the raw BGR image, before normalisation). */
  input: string;
  /** Objectness logits and anchor deltas per level, as GenerateProposals reads them. */
  rpnOutputs: string[];
  /** FPN features the heads read (P2..P5 for RoIAlign; P6 is only the RPN's). */
  features: string[];
  nodes: number;
  /** Nodes of the original graph that the cut keeps / drops. */
  dropped: number;
  replaced: { aliasWithName: number; resizeNearest: number };
  /** Bytes of the inlined weights. */
  weightBytes: number;
}

const utf8 = new TextEncoder();
const str = (b: Uint8Array | undefined): string => (b ? new TextDecoder().decode(b) : '');

/** Reads an initializer's external data through `load(location)`. */
function inline(t: Tensor, load: (location: string) => Uint8Array): void {
  if (t.data_location !== 1) return;
  const kv = new Map(t.external_data.map((e) => [e.key ?? '', e.value ?? '']));
  const file = load(kv.get('location') ?? '');
  const offset = Number(kv.get('offset') ?? 0);
  const length = kv.has('length') ? Number(kv.get('length')) : file.length - offset;
  if (offset + length > file.length) throw new Error(`${t.name}: external data [${offset}, ${offset + length}) is past the end of ${kv.get('location')}`);
  t.raw_data = file.subarray(offset, offset + length);
  t.external_data = [];
  delete t.data_location;
}

/**
 * Cuts a detectron2 R-CNN export (ONNX with `_caffe2` nodes) before its first GenerateProposals.
 * `loadExternal` returns an external data file's bytes by its location (next to the model).
 */
export function cutBeforeProposals(modelBytes: Uint8Array, loadExternal: (location: string) => Uint8Array = () => { throw new Error('model has external data'); }): CutModel {
  const desc = onnxSchema().message('onnx.ModelProto');
  const m = decodeMessage<Model>(desc, modelBytes);
  const g = m.graph;
  if (!g) throw new Error('model has no graph');
  const gps = g.node.filter((n) => n.domain === CAFFE2 && n.op_type === 'GenerateProposals');
  if (!gps.length) throw new Error('no GenerateProposals node: not an R-CNN export');
  const rpnOutputs = gps.flatMap((n) => [n.input[0]!, n.input[1]!]);
  // the FPN features: the RoIAlign inputs (P2..P5) and whatever feeds the RPN head on the last level (P6)
  const features = [...new Set(g.node.filter((n) => n.domain === CAFFE2 && n.op_type === 'RoIAlign').map((n) => n.input[0]!))];
  const producer = new Map<string, Node>();
  for (const n of g.node) for (const o of n.output) producer.set(o, n);
  const rpnConvIn = (blob: string): string | undefined => {
    // logits <- Conv <- Relu <- Conv(rpn_head.conv) <- feature
    let n = producer.get(blob);
    for (let hops = 0; n && hops < 3; hops++) n = producer.get(n.input[0]!);
    return n ? n.output[0] : undefined;
  };
  for (const gp of gps) { const f = rpnConvIn(gp.input[0]!); if (f && !features.includes(f)) features.push(f); }

  // every node the outputs depend on
  const keep = new Set<Node>();
  const stack = [...rpnOutputs, ...features];
  while (stack.length) {
    const n = producer.get(stack.pop()!);
    if (!n || keep.has(n)) continue;
    keep.add(n);
    for (const i of n.input) if (i) stack.push(i);
  }
  const nodes = g.node.filter((n) => keep.has(n));
  const extra: Tensor[] = [];
  const replaced = { aliasWithName: 0, resizeNearest: 0 };
  for (const n of nodes) {
    if (n.domain !== CAFFE2) continue;
    if (n.op_type === 'AliasWithName') {
      n.op_type = 'Identity'; n.domain = ''; n.attribute = [];
      replaced.aliasWithName++;
    } else if (n.op_type === 'ResizeNearest') {
      const a = new Map(n.attribute.map((x) => [x.name ?? '', x]));
      const order = a.get('order');
      if (order && str(order.s) !== 'NCHW') throw new Error(`ResizeNearest order ${str(order.s)}`);
      const scales = Float32Array.of(1, 1, a.get('height_scale')?.f ?? 1, a.get('width_scale')?.f ?? 1);
      const name = `${n.output[0]}__scales`;
      extra.push(emptyTensor(name, [4], new Uint8Array(scales.buffer)));
      n.op_type = 'Upsample'; n.domain = ''; n.input = [n.input[0]!, name];
      n.attribute = [{ name: 'mode', type: ATTR_STRING, s: utf8.encode('nearest'), floats: new Float32Array(0), ints: new BigInt64Array(0), strings: [], tensors: [], graphs: [], sparse_tensors: [], type_protos: [] }];
      replaced.resizeNearest++;
    } else {
      throw new Error(`_caffe2 node ${n.op_type} before the first GenerateProposals`);
    }
  }
  const used = new Set(nodes.flatMap((n) => n.input));
  const inits = g.initializer.filter((t) => used.has(t.name ?? ''));
  for (const t of inits) inline(t, loadExternal);
  inits.push(...extra);
  const initNames = new Set(inits.map((t) => t.name));
  const inputs = g.input.filter((i) => used.has(i.name ?? '') && !initNames.has(i.name));
  if (inputs.length !== 1) throw new Error(`expected one data input, got ${inputs.map((i) => i.name).join(', ')}`);
  const out: Model = {
    ...m,
    ir_version: 8n,
    opset_import: m.opset_import.filter((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx'),
    graph: {
      ...g, node: nodes, initializer: inits, input: inputs, value_info: [],
      output: [...rpnOutputs, ...features].map((name) => ({ name, type: { tensor_type: { elem_type: FLOAT } }, metadata_props: [] })),
    },
  };
  return {
    bytes: encodeMessage(desc, out as never),
    input: inputs[0]!.name!, rpnOutputs, features, nodes: nodes.length, dropped: g.node.length - nodes.length, replaced,
    weightBytes: inits.reduce((s, t) => s + (t.raw_data?.length ?? 0), 0),
  };
}

function emptyTensor(name: string, dims: number[], raw: Uint8Array): Tensor {
  return {
    name, dims: BigInt64Array.from(dims.map(BigInt)), data_type: FLOAT, raw_data: raw, external_data: [],
    float_data: new Float32Array(0), int32_data: new Int32Array(0), string_data: [], int64_data: new BigInt64Array(0),
    double_data: new Float64Array(0), uint64_data: new BigUint64Array(0), metadata_props: [],
  };
}
