// Pooling in the R50-FPN Mask R-CNN at 800x1344: the stem's 3x3/2 max pool and FPN's P6 1x1/2
// subsampling, plus a 3x3/1 average pool and a global average pool on the same map (common in
// other backbones). Fast vs reference vs onnxruntime-web/node, CPU time, one thread, ns/output.
// usage: node .build/<you>/bench/kernels/pool.bench.js

import { convGeom } from '../../kernels/geometry.js';
import { avgPool, globalAvgPool, maxPool } from '../../kernels/pool.js';
import * as ref from '../../kernels/reference/pool.js';
import { encodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';
import { loadPeers } from '../peers/ort.js';
import { bestMs, fmt, seeded, table } from './bench_util.js';

interface PoolCase { name: string; C: number; H: number; W: number; k: number; s: number; p: number; op: 'MaxPool' | 'AveragePool' | 'GlobalAveragePool' }

const CASES: PoolCase[] = [
  { name: 'stem max 3x3/2 p1 [1,64,400,672]', C: 64, H: 400, W: 672, k: 3, s: 2, p: 1, op: 'MaxPool' },
  { name: 'P6 max 1x1/2 [1,256,25,42]', C: 256, H: 25, W: 42, k: 1, s: 2, p: 0, op: 'MaxPool' },
  { name: 'avg 3x3/1 p1 [1,256,100,168]', C: 256, H: 100, W: 168, k: 3, s: 1, p: 1, op: 'AveragePool' },
  { name: 'global avg [1,2048,25,42]', C: 2048, H: 25, W: 42, k: 0, s: 1, p: 0, op: 'GlobalAveragePool' },
];

function poolModel(c: PoolCase, out: number[]): Uint8Array {
  const ints = (name: string, v: number[]): unknown => ({ name, type: 7, ints: BigInt64Array.from(v.map(BigInt)) });
  const attrs = c.op === 'GlobalAveragePool' ? [] : [ints('kernel_shape', [c.k, c.k]), ints('strides', [c.s, c.s]), ints('pads', [c.p, c.p, c.p, c.p])];
  const vi = (name: string, d: number[]): unknown => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: d.map((v) => ({ dim_value: BigInt(v) })) } } } });
  const m = {
    ir_version: 8n, opset_import: [{ domain: '', version: 13n }],
    graph: { name: 'pool', node: [{ op_type: c.op, input: ['x'], output: ['y'], attribute: attrs }], input: [vi('x', [1, c.C, c.H, c.W])], output: [vi('y', out)] },
  };
  return encodeMessage(onnxSchema().message('onnx.ModelProto'), m as never);
}

const peers = loadPeers();
try {
  const rows: string[][] = [];
  for (const c of CASES) {
    const global = c.op === 'GlobalAveragePool';
    const oh = global ? 1 : Math.floor((c.H + 2 * c.p - c.k) / c.s) + 1, ow = global ? 1 : Math.floor((c.W + 2 * c.p - c.k) / c.s) + 1;
    const g = convGeom(1, c.C, c.C, 1, [c.H, c.W], [oh, ow], [c.k, c.k], [c.s, c.s], [1, 1], [c.p, c.p]);
    const x = seeded(c.C * c.H * c.W, 1), y = new Float32Array(c.C * oh * ow), outs = y.length;
    const fast = global ? () => globalAvgPool(y, x, c.C, c.H * c.W) : c.op === 'MaxPool' ? () => maxPool(y, x, g) : () => avgPool(y, x, g, false);
    const slow = global ? () => ref.globalAvgPool(y, x, c.C, c.H * c.W) : c.op === 'MaxPool' ? () => ref.maxPool(y, x, g) : () => ref.avgPool(y, x, g, false);
    const f = await bestMs(fast, 500, 3, 50), r = await bestMs(slow, 500, 2, 20);
    const ns = (ms: number): string => fmt((ms * 1e6) / outs, 2);
    const peerMs: number[] = [];
    for (const p of peers) peerMs.push(await p.time({ model: poolModel(c, [1, c.C, oh, ow]), input: 'x', dims: [1, c.C, c.H, c.W], budgetMs: 500, min: 3, max: 50 }));
    rows.push([c.name, ns(f), ns(r), fmt(r / f, 1), ...peerMs.flatMap((m) => [ns(m), fmt(f / m, 1)])]);
  }
  table(['pool', 'fast ns/out', 'ref ns/out', 'fast/ref speed', ...peers.flatMap((p) => [`${p.name.split(' ')[0]} ns/out`, 'speed vs fast'])], rows);
} finally {
  for (const p of peers) p.close();
}
