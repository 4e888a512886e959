// Elementwise, activation, softmax, norm and resize kernels on R50-FPN Mask R-CNN shapes at
// 800x1344: fast vs reference (one mitata summary per group -> ratios), a plain copy of the same
// bytes as the memory floor, and onnxruntime-node (1 thread) when bench/node_modules has it.
// The reference twins index per element and are slow, so their groups use P4-sized tensors
// ([1,256,50,84], 1.1M elements); the fast-vs-floor-vs-ORT groups use full P2 size.
// Run: npm run bench -- elementwise   (one run; figures are for this machine only)
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import { createRequire } from 'node:module';
import { planNumpyBroadcast } from '../../kernels/broadcast.js';
import * as fe from '../../kernels/elementwise.js';
import * as re from '../../kernels/reference/elementwise.js';
import * as fa from '../../kernels/activation.js';
import * as ra from '../../kernels/reference/activation.js';
import * as fs from '../../kernels/softmax.js';
import * as rs from '../../kernels/reference/softmax.js';
import * as fn from '../../kernels/norm.js';
import * as rn from '../../kernels/reference/norm.js';
import * as fr from '../../kernels/resize.js';
import * as rr from '../../kernels/reference/resize.js';
import { encodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
function data(n: number, seed = 1): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = s / 4294967296 * 8 - 4; }
  return x;
}

// ------------------------------------------------------------------ onnxruntime-node peers
type OrtSession = { run(f: object): Promise<unknown> };
type Ort = { InferenceSession: { create(b: Uint8Array, o: object): Promise<OrtSession> }; Tensor: new (t: string, d: Float32Array, s: readonly number[]) => unknown };
let ort: Ort | undefined;
try { ort = createRequire(`${process.cwd()}/bench/package.json`)('onnxruntime-node') as Ort; } catch { ort = undefined; }

interface Node { op: string; inputs: [string, number[]][]; out: number[]; attrs?: object[]; inits?: { name: string; dims: number[]; data: number[] }[]; opset?: number }
/** A one-node ONNX model; returns a runner, or undefined when onnxruntime is absent or refuses it. */
async function ortNode(n: Node): Promise<((feeds: Float32Array[]) => Promise<unknown>) | undefined> {
  if (!ort) return undefined;
  const vi = (name: string, d: readonly number[]) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: d.map((v) => ({ dim_value: BigInt(v) })) } } } });
  const initNames = (n.inits ?? []).map((i) => i.name);
  const bytes = encodeMessage(onnxSchema().message('onnx.ModelProto'), {
    ir_version: 8n, opset_import: [{ domain: '', version: BigInt(n.opset ?? 13) }],
    graph: {
      name: 'g',
      node: [{ op_type: n.op, input: [...n.inputs.map(([name]) => name), ...initNames], output: ['y'], attribute: n.attrs ?? [] }],
      initializer: (n.inits ?? []).map((i) => ({ name: i.name, dims: i.dims.map(BigInt), data_type: 1, float_data: Float32Array.from(i.data) })),
      input: n.inputs.map(([name, d]) => vi(name, d)), output: [vi('y', n.out)],
    },
  });
  try {
    const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    return (feeds) => s.run(Object.fromEntries(n.inputs.map(([name, d], i) => [name, new ort!.Tensor('float32', feeds[i]!, d)])));
  } catch (e) {
    console.log(`onnxruntime-node refused ${n.op}: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}
const str = (name: string, s: string) => ({ name, type: 3, s: new TextEncoder().encode(s) });
const int = (name: string, i: number) => ({ name, type: 2, i: BigInt(i) });

// ------------------------------------------------------------------ shapes
const P2 = [1, 256, 200, 336], P3 = [1, 256, 100, 168], P4 = [1, 256, 50, 84];
const mb = (n: number) => `${(n * 4 / 1e6).toFixed(0)} MB`;

// fast vs reference on P4
{
  const n = numel(P4), a = data(n), b = data(n, 2), ch = data(256, 3), y = new Float32Array(n);
  const same = planNumpyBroadcast(P4, P4), perC = planNumpyBroadcast(P4, [1, 256, 1, 1]);
  summary(() => {
    group(`Add same shape ${JSON.stringify(P4)}`, () => {
      bench('fast', () => fe.binaryF32(fe.ADD, y, a, b, same)).baseline(true);
      bench('reference', () => re.binaryF32(fe.ADD, y, a, b, same));
    });
  });
  summary(() => {
    group(`Add per-channel [1,256,1,1] broadcast on ${JSON.stringify(P4)}`, () => {
      bench('fast', () => fe.binaryF32(fe.ADD, y, a, ch, perC)).baseline(true);
      bench('reference', () => re.binaryF32(fe.ADD, y, a, ch, perC));
    });
  });
  summary(() => {
    group(`Relu ${JSON.stringify(P4)}`, () => {
      bench('fast', () => fa.reluF32(y, a)).baseline(true);
      bench('reference', () => ra.reluF32(y, a));
    });
  });
  summary(() => {
    group(`Sigmoid ${JSON.stringify(P4)}`, () => {
      bench('fast', () => fa.sigmoidF32(y, a)).baseline(true);
      bench('reference', () => ra.sigmoidF32(y, a));
    });
  });
  const gamma = data(256, 4), beta = data(256, 5), mean = new Float32Array(32), rstd = new Float32Array(32);
  summary(() => {
    group(`GroupNorm G=32 ${JSON.stringify(P4)}`, () => {
      bench('fast', () => fn.groupNormF32(y, a, gamma, beta, mean, rstd, 1, 256, 50 * 84, 32, Math.fround(1e-5))).baseline(true);
      bench('reference', () => rn.groupNormF32(y, a, gamma, beta, mean, rstd, 1, 256, 50 * 84, 32, Math.fround(1e-5)));
    });
  });
  const sm = data(1000 * 81, 6), smy = new Float32Array(sm.length);
  summary(() => {
    group('Softmax [1000, 81] (box head scores)', () => {
      bench('fast', () => fs.softmaxF32(smy, sm, 1000, 81)).baseline(true);
      bench('reference', () => rs.softmaxF32(smy, sm, 1000, 81));
    });
  });
  const up = new Float32Array(n * 4), idx = new Int32Array(168);
  summary(() => {
    group(`ResizeNearest 2x ${JSON.stringify(P4)} -> [1,256,100,168]`, () => {
      bench('fast', () => fr.resizeNearestNchw(up, a, 256, 50, 84, 100, 168, 2, 2, idx)).baseline(true);
      bench('reference', () => rr.resizeNearestNchw(up, a, 256, 50, 84, 100, 168, 2, 2, idx));
    });
  });
}

// full size: fast vs the memory floor and onnxruntime-node
{
  const n = numel(P2), a = data(n), b = data(n, 2), ch = data(256, 3), y = new Float32Array(n);
  const same = planNumpyBroadcast(P2, P2), perC = planNumpyBroadcast(P2, [1, 256, 1, 1]);
  const ortAdd = await ortNode({ op: 'Add', inputs: [['a', P2], ['b', P2]], out: P2 });
  const ortAddC = await ortNode({ op: 'Add', inputs: [['a', P2], ['b', [1, 256, 1, 1]]], out: P2 });
  const ortRelu = await ortNode({ op: 'Relu', inputs: [['x', P2]], out: P2 });
  const ortSig = await ortNode({ op: 'Sigmoid', inputs: [['x', P2]], out: P2 });
  summary(() => {
    group(`Add same shape ${JSON.stringify(P2)} (${mb(3 * n)} moved)`, () => {
      bench('fast', () => fe.binaryF32(fe.ADD, y, a, b, same)).baseline(true);
      bench('copy of one operand (floor: 2/3 of the bytes)', () => y.set(a));
      if (ortAdd) bench('onnxruntime-node (1 thread)', async () => do_not_optimize(await ortAdd([a, b])));
    });
  });
  summary(() => {
    group(`Add per-channel broadcast on ${JSON.stringify(P2)}`, () => {
      bench('fast', () => fe.binaryF32(fe.ADD, y, a, ch, perC)).baseline(true);
      bench('copy (floor)', () => y.set(a));
      if (ortAddC) bench('onnxruntime-node (1 thread)', async () => do_not_optimize(await ortAddC([a, ch])));
    });
  });
  summary(() => {
    group(`Relu ${JSON.stringify(P2)}`, () => {
      bench('fast', () => fa.reluF32(y, a)).baseline(true);
      bench('fast, in place', () => fa.reluF32(b, b));
      bench('copy (floor)', () => y.set(a));
      if (ortRelu) bench('onnxruntime-node (1 thread)', async () => do_not_optimize(await ortRelu([a])));
    });
  });
  summary(() => {
    group(`Sigmoid ${JSON.stringify(P2)}`, () => {
      bench('fast', () => fa.sigmoidF32(y, a)).baseline(true);
      if (ortSig) bench('onnxruntime-node (1 thread)', async () => do_not_optimize(await ortSig([a])));
    });
  });
  const gamma = data(256, 4), beta = data(256, 5), mean = new Float32Array(32), rstd = new Float32Array(32);
  const ortGn = await ortNode({
    op: 'GroupNormalization', opset: 18, inputs: [['x', P2]], out: P2, attrs: [int('num_groups', 32)],
    inits: [{ name: 'scale', dims: [32], data: Array.from(data(32, 4)) }, { name: 'bias', dims: [32], data: Array.from(data(32, 5)) }],
  });
  summary(() => {
    group(`GroupNorm G=32 ${JSON.stringify(P2)}`, () => {
      bench('fast', () => fn.groupNormF32(y, a, gamma, beta, mean, rstd, 1, 256, 200 * 336, 32, Math.fround(1e-5))).baseline(true);
      if (ortGn) bench('onnxruntime-node GroupNormalization-18 (1 thread)', async () => do_not_optimize(await ortGn([a])));
    });
  });
  const sm = data(1000 * 81, 6), smy = new Float32Array(sm.length);
  const ortSm = await ortNode({ op: 'Softmax', inputs: [['x', [1000, 81]]], out: [1000, 81], attrs: [int('axis', 1)] });
  summary(() => {
    group('Softmax [1000, 81]', () => {
      bench('fast', () => fs.softmaxF32(smy, sm, 1000, 81)).baseline(true);
      if (ortSm) bench('onnxruntime-node (1 thread)', async () => do_not_optimize(await ortSm([sm])));
    });
  });
  const p3 = data(numel(P3), 7), idx = new Int32Array(336);
  const ortRs = await ortNode({
    op: 'Resize', inputs: [['x', P3]], out: P2,
    attrs: [str('mode', 'nearest'), str('coordinate_transformation_mode', 'asymmetric'), str('nearest_mode', 'floor')],
    inits: [{ name: 'roi', dims: [0], data: [] }, { name: 'scales', dims: [4], data: [1, 1, 2, 2] }],
  });
  summary(() => {
    group(`ResizeNearest 2x ${JSON.stringify(P3)} -> ${JSON.stringify(P2)} (FPN top-down)`, () => {
      bench('fast', () => fr.resizeNearestNchw(y, p3, 256, 100, 168, 200, 336, 2, 2, idx)).baseline(true);
      bench('copy of the output bytes (floor)', () => y.set(a));
      if (ortRs) bench('onnxruntime-node Resize nearest asymmetric/floor (1 thread)', async () => do_not_optimize(await ortRs([p3])));
    });
  });
}

await run();
