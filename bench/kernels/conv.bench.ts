// Conv GFLOP/s on every distinct convolution of the R50-FPN Mask R-CNN at 800x1344 (bench/shapes.ts):
// every kernel variant (plain TS, SIMD, on 1 and N threads; filter packed beforehand, as the
// planner does) against onnxruntime-web (WASM SIMD) and onnxruntime-node at the same thread
// counts (each peer in its own child process, see peers/ort.ts). One thread in CPU time, N in
// wall time. The plain kernels run on a spatial crop of each shape (a rate is a rate: the full
// model takes minutes on them). SIMD runs the op's path: Winograd for 3x3 stride-1 convs (its
// GFLOP/s are effective: direct-conv FLOPs over time).
// usage: node .build/<you>/bench/kernels/conv.bench.js [shape-regex]   (BENCH_VARIANTS, see variants.ts)

import { conv, convExec, convPackedWeightsSize, convScratchSize, packConvWeights } from '../../kernels/conv.js';
import { convWinogradExec, packWinogradWeights, winogradEligible, winogradWeightsSize } from '../../kernels/winograd.js';
import {
  convTranspose, convTransposeExec, convTransposePackedWeightsSize, convTransposeScratchSize, isDepthwiseTranspose, packConvTransposeWeights,
} from '../../kernels/conv_transpose.js';
import { getEngine } from '../../kernels/engine.js';
import { convGeom, type ConvGeom } from '../../kernels/geometry.js';
import { defaultThreads } from '../../src/node/threads.js';
import { convModel } from '../peers/onnx_model.js';
import { loadPeers, type Peer } from '../peers/ort.js';
import { checkAgainstManifest, convFlops, convOut, MASK_RCNN_CONVS, type ConvShape } from '../shapes.js';
import { bestMs, filterFromArgs, fmt, gflops, seeded, table } from './bench_util.js';
import { closeEngine, heapAlloc, heapCopy, ourVariants, type OurVariant } from './variants.js';

function geomOf(s: ConvShape): ConvGeom {
  const [oh, ow] = convOut(s);
  // ConvTranspose geometry: its X has the filter's first dim as channels (g.M), Y has g.C
  return s.transpose
    ? convGeom(s.N, s.M, s.C, 1, [s.H, s.W], [oh, ow], [s.k, s.k], [s.s, s.s], [1, 1], [s.p, s.p])
    : convGeom(s.N, s.C, s.M, 1, [s.H, s.W], [oh, ow], [s.k, s.k], [s.s, s.s], [1, 1], [s.p, s.p]);
}

/** The same channels and kernel on a smaller image (one image), about `target` flops. */
function crop(s: ConvShape, target: number): ConvShape {
  const one = { ...s, N: 1 };
  const f = convFlops(one);
  if (f <= target) return one;
  const r = Math.sqrt(target / f);
  return { ...one, H: Math.max(s.k + s.s, Math.round(s.H * r)), W: Math.max(s.k + s.s, Math.round(s.W * r)) };
}

/** GFLOP/s of one variant on shape s (the plain kernels on plain arrays; the engine's as the ops call them). */
async function rate(v: OurVariant, s0: ConvShape): Promise<number> {
  const s = v.exec ? s0 : crop(s0, 1.5e9);
  const g = geomOf(s), [oh, ow] = convOut(s), flops = convFlops(s);
  const x = seeded(s.N * s.C * s.H * s.W, 1), w = seeded(s.M * s.C * s.k * s.k, 2, 0.1), b = seeded(s.M, 3);
  const ny = s.N * s.M * oh * ow;
  if (!v.exec || (s.transpose && isDepthwiseTranspose(g))) {
    const y = new Float32Array(ny);
    const packed = new Float32Array(s.transpose ? convTransposePackedWeightsSize(g) : convPackedWeightsSize(g));
    if (s.transpose) packConvTransposeWeights(packed, w, g); else packConvWeights(packed, w, g);
    const scratch = new Float32Array(s.transpose ? convTransposeScratchSize(g) : convScratchSize(g));
    const run = s.transpose ? convTranspose : conv;
    return gflops(flops, await bestMs(() => run(y, x, w, packed, b, g, scratch), 1000, 1, 5));
  }
  const ex = v.exec, arena = getEngine().arena;
  if (s.transpose) {
    const size = convTransposePackedWeightsSize(g), hw = heapAlloc(size);
    packConvTransposeWeights(arena.f32(), w, g, hw / 4);
    const hx = heapCopy(x), hb = heapCopy(b), hy = heapAlloc(ny);
    const ms = await bestMs(() => convTransposeExec(ex, hy, hx, hw, hb, g), 1500, 2, 8, v.threads > 1);
    arena.free(hw, size * 4); arena.free(hx, x.byteLength); arena.free(hb, b.byteLength); arena.free(hy, ny * 4);
    return gflops(flops, ms);
  }
  // the op's choice: Winograd F(2x2,3x3) for 3x3 stride-1 convs with SIMD, else im2col / 1x1 GEMM
  const wino = ex.simd && winogradEligible(g);
  const size = wino ? winogradWeightsSize(g.M, g.C) : convPackedWeightsSize(g);
  const hw = heapAlloc(size);
  if (wino) packWinogradWeights(arena.f32(), hw / 4, w, g.M, g.C); else packConvWeights(arena.f32(), w, g, hw / 4);
  const hx = heapCopy(x), hb = heapCopy(b), hy = heapAlloc(ny);
  const ms = await bestMs(() => (wino ? convWinogradExec : convExec)(ex, hy, hx, hw, hb, g), 1500, 2, 8, v.threads > 1);
  arena.free(hw, size * 4); arena.free(hx, x.byteLength); arena.free(hb, b.byteLength); arena.free(hy, ny * 4);
  return gflops(flops, ms);
}

async function main(peers: Peer[]): Promise<void> {
  const only = filterFromArgs();
  const variants = ourVariants();
  const nt = Math.max(2, defaultThreads());
  console.log(checkAgainstManifest());
  const rows: string[][] = [];
  const names = [...variants.map((v) => v.name), ...peers.map((p) => p.name)];
  const total: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let totalFlops = 0;
  for (const s of MASK_RCNN_CONVS) {
    if (!only.test(s.name)) continue;
    const flops = convFlops(s);
    const r: Record<string, number | undefined> = {};
    for (const v of variants) r[v.name] = await rate(v, s);
    const g = geomOf(s), w = seeded(s.M * s.C * s.k * s.k, 2, 0.1), b = seeded(s.M, 3);
    for (const peer of peers) {
      try {
        r[peer.name] = gflops(flops, await peer.time({ model: convModel(s, [s.N, s.M, ...convOut(s)], w, b), input: 'x', dims: [s.N, s.C, s.H, s.W], budgetMs: 1500, min: 2, max: 8 }));
      } catch (e) {
        console.log(`${peer.name} failed on ${s.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    void g;
    totalFlops += flops * s.count;
    for (const n of names) total[n]! += r[n] ? (flops * s.count) / r[n]! / 1e6 : NaN;
    const ratio = (a: string, c: string): string => fmt(r[a] && r[c] && r[a]! / r[c]!, 2);
    rows.push([`${s.name} x${s.count}`, fmt(flops / 1e9), ...names.map((n) => fmt(r[n])),
      ratio('simd 1t', 'ort-web 1t'), ratio(`simd ${nt}t`, `ort-web ${nt}t`), ratio('simd 1t', 'ort-node 1t'), ratio(`simd ${nt}t`, `ort-node ${nt}t`)]);
    console.log(rows[rows.length - 1]!.join('  '));
  }
  console.log();
  table(['conv (count in model)', 'GFLOP', ...names.map((n) => `${n} GF/s`), 'simd/web 1t', `simd/web ${nt}t`, 'simd/node 1t', `simd/node ${nt}t`], rows);
  console.log();
  console.log(`all convs of the model, weighted by count (${fmt(totalFlops / 1e9, 0)} GFLOP):`);
  for (const n of names) console.log(`  ${n.padEnd(14)} ${fmt(total[n]! / 1000, 1).padStart(7)} s  (${fmt(gflops(totalFlops, total[n]!))} GFLOP/s)`);
}

const peersOpen = loadPeers([1, Math.max(2, defaultThreads())]);
try { await main(peersOpen); } finally { for (const p of peersOpen) p.close(); closeEngine(); }
