// Conv GFLOP/s on every distinct convolution of the R50-FPN Mask R-CNN at 800x1344 (bench/shapes.ts):
// our fast kernel (filter packed beforehand, as the planner does) against our reference kernel
// (on a spatial crop of the same shape: it is too slow for the full size; a rate is a rate) and
// against onnxruntime-web (WASM SIMD) and onnxruntime-node, one thread each, in the same run
// (each peer in its own child process, see peers/ort.ts), all timed in CPU time.
// usage: node .build/<you>/bench/kernels/conv.bench.js [shape-regex]   (BENCH_NO_REF=1 skips the reference)

import { conv, convPackedWeightsSize, convScratchSize, packConvWeights } from '../../kernels/conv.js';
import {
  convTranspose, convTransposePackedWeightsSize, convTransposeScratchSize, packConvTransposeWeights,
} from '../../kernels/conv_transpose.js';
import { convGeom, type ConvGeom } from '../../kernels/geometry.js';
import { conv as convRef } from '../../kernels/reference/conv.js';
import { convTranspose as convTransposeRef } from '../../kernels/reference/conv_transpose.js';
import { convModel } from '../peers/onnx_model.js';
import { loadPeers, type Peer } from '../peers/ort.js';
import { checkAgainstManifest, convFlops, convOut, MASK_RCNN_CONVS, type ConvShape } from '../shapes.js';
import { bestMs, filterFromArgs, fmt, gflops, seeded, table } from './bench_util.js';

type Kernel = (y: Float32Array, x: Float32Array, w: Float32Array, packed: Float32Array, b: Float32Array | null, g: ConvGeom, scratch: Float32Array) => void;

interface Prepared { g: ConvGeom; x: Float32Array; w: Float32Array; b: Float32Array; y: Float32Array; packed: Float32Array; scratch: Float32Array }

function prepare(s: ConvShape, fast: boolean): Prepared {
  const [oh, ow] = convOut(s);
  // ConvTranspose geometry: its X has the filter's first dim as channels (g.M), Y has g.C
  const g = s.transpose
    ? convGeom(s.N, s.M, s.C, 1, [s.H, s.W], [oh, ow], [s.k, s.k], [s.s, s.s], [1, 1], [s.p, s.p])
    : convGeom(s.N, s.C, s.M, 1, [s.H, s.W], [oh, ow], [s.k, s.k], [s.s, s.s], [1, 1], [s.p, s.p]);
  const x = seeded(s.N * s.C * s.H * s.W, 1), w = seeded(s.M * s.C * s.k * s.k, 2, 0.1), b = seeded(s.M, 3);
  const y = new Float32Array(s.N * s.M * oh * ow);
  let packed = new Float32Array(0), scratch = new Float32Array(0);
  if (fast) {
    packed = new Float32Array(s.transpose ? convTransposePackedWeightsSize(g) : convPackedWeightsSize(g));
    if (s.transpose) packConvTransposeWeights(packed, w, g); else packConvWeights(packed, w, g);
    scratch = new Float32Array(s.transpose ? convTransposeScratchSize(g) : convScratchSize(g));
  }
  return { g, x, w, b, y, packed, scratch };
}

/** The same channels and kernel on a smaller image (one image), about `target` flops. */
function crop(s: ConvShape, target: number): ConvShape {
  const one = { ...s, N: 1 };
  const f = convFlops(one);
  if (f <= target) return one;
  const r = Math.sqrt(target / f);
  return { ...one, H: Math.max(s.k + s.s, Math.round(s.H * r)), W: Math.max(s.k + s.s, Math.round(s.W * r)) };
}

async function main(peers: Peer[]): Promise<void> {
  const only = filterFromArgs();
  const withRef = !process.env['BENCH_NO_REF'];
  console.log(checkAgainstManifest());
  const rows: string[][] = [];
  const total = { flops: 0, fast: 0, ref: 0, peers: peers.map(() => 0) };
  for (const s of MASK_RCNN_CONVS) {
    if (!only.test(s.name)) continue;
    const flops = convFlops(s);
    const kern: Kernel = s.transpose ? convTranspose : conv;
    const p = prepare(s, true);
    const fastMs = await bestMs(() => kern(p.y, p.x, p.w, p.packed, p.b, p.g, p.scratch), 1500, 1, 5);
    let refRate: number | undefined;
    if (withRef) {
      const c = crop(s, 1.5e8), q = prepare(c, false);
      const refKern: Kernel = c.transpose ? convTransposeRef : convRef;
      refRate = gflops(convFlops(c), await bestMs(() => refKern(q.y, q.x, q.w, q.packed, q.b, q.g, q.scratch), 500, 1, 3));
    }
    const peerMs: (number | undefined)[] = [];
    for (const peer of peers) {
      try {
        peerMs.push(await peer.time({ model: convModel(s, [s.N, s.M, ...convOut(s)], p.w, p.b), input: 'x', dims: [s.N, s.C, s.H, s.W], budgetMs: 1500, min: 1, max: 8 }));
      } catch (e) {
        console.log(`${peer.name} failed on ${s.name}: ${(e as Error).message.split('\n')[0]}`);
        peerMs.push(undefined);
      }
    }
    total.flops += flops * s.count;
    total.fast += fastMs * s.count;
    if (refRate) total.ref += (flops * s.count) / refRate / 1e6;
    peerMs.forEach((m, i) => { total.peers[i]! += (m ?? NaN) * s.count; });
    const fastRate = gflops(flops, fastMs);
    rows.push([
      `${s.name} x${s.count}`, fmt(flops / 1e9), fmt(fastRate), fmt(refRate), fmt(refRate && fastRate / refRate, 1),
      ...peerMs.flatMap((m) => [fmt(m && gflops(flops, m)), fmt(m && fastMs / m, 1)]),
    ]);
    console.log(rows[rows.length - 1]!.join('  '));
  }
  console.log();
  table(['conv (count in model)', 'GFLOP', 'fast GF/s', 'ref GF/s', 'fast/ref', ...peers.flatMap((p) => [`${p.name.split(' ')[0]} GF/s`, 'speed vs fast'])], rows);
  console.log();
  const tr = (ms: number): string => `${fmt(ms / 1000, 1)} s (${fmt(gflops(total.flops, ms))} GFLOP/s)`;
  console.log(`all convs of the model, weighted by count (${fmt(total.flops / 1e9, 0)} GFLOP): fast ${tr(total.fast)}`
    + (withRef ? `; reference ${tr(total.ref)} = ${fmt(total.ref / total.fast, 1)}x slower` : '')
    + peers.map((p, i) => `; ${p.name} ${tr(total.peers[i]!)} = ${fmt(total.fast / total.peers[i]!, 1)}x the speed of fast`).join(''));
}

const peersOpen = loadPeers();
try { await main(peersOpen); } finally { for (const p of peersOpen) p.close(); }
