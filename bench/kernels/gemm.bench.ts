// GEMM GFLOP/s of every kernel variant (plain TS, SIMD, on 1 and N threads) against onnxruntime-web
// and onnxruntime-node at the same thread counts: the square 512^3 problem (B prepacked, as the
// peers prepack their MatMul initializer; A packed every run), then the box head's FC layers on
// 1000 RoIs (W packed beforehand, as the planner does). One thread in CPU time, N in wall time.
// usage: node .build/<you>/bench/kernels/gemm.bench.js [shape-regex]   (BENCH_VARIANTS, see variants.ts)

import { BIAS_COL, BIAS_NONE, MR, NR, gemmPacked, gemmPackedExec, packPanels, packedSize } from '../../kernels/gemm.js';
import { getEngine } from '../../kernels/engine.js';
import { defaultThreads } from '../../src/node/threads.js';
import { fcModel, matmulModel } from '../peers/onnx_model.js';
import { loadPeers, type Peer } from '../peers/ort.js';
import { GEMMS } from '../shapes.js';
import { bestMs, filterFromArgs, fmt, gflops, seeded, table } from './bench_util.js';
import { closeEngine, heapAlloc, heapCopy, ourVariants, type OurVariant } from './variants.js';

interface Problem { name: string; M: number; K: number; N: number; a: Float32Array; w: Float32Array; wT: boolean; bias: Float32Array | null; model: Uint8Array; input: string }

/** Best ms of one variant: A packed per run, B (the weight) packed once. */
async function ours(v: OurVariant, p: Problem): Promise<number> {
  const { M, K, N } = p;
  const wp = new Float32Array(packedSize(N, K, NR));
  if (p.wT) packPanels(wp, 0, p.w, 0, K, 1, N, K, NR); else packPanels(wp, 0, p.w, 0, 1, N, N, K, NR);
  const mode = p.bias ? BIAS_COL : BIAS_NONE, wall = v.threads > 1, budget = v.exec ? 1500 : 800;
  if (!v.exec) {
    const ap = new Float32Array(packedSize(M, K, MR)), c = new Float32Array(M * N);
    return bestMs(() => { packPanels(ap, 0, p.a, 0, K, 1, M, K, MR); gemmPacked(c, 0, N, M, N, K, ap, 0, wp, 0, p.bias, 0, mode); }, budget, 1, 10);
  }
  const arena = getEngine().arena, ex = v.exec;
  const hW = heapCopy(wp), hA = heapAlloc(packedSize(M, K, MR)), hC = heapAlloc(M * N), hBias = p.bias ? heapCopy(p.bias) : 0;
  const ms = await bestMs(() => {
    packPanels(arena.f32(), hA / 4, p.a, 0, K, 1, M, K, MR);
    gemmPackedExec(ex, hC, N, M, N, K, hA, hW, hBias, mode);
  }, budget, 2, 20, wall);
  arena.free(hW, wp.byteLength); arena.free(hA, packedSize(M, K, MR) * 4); arena.free(hC, M * N * 4);
  if (p.bias) arena.free(hBias, p.bias.byteLength);
  return ms;
}

async function main(peers: Peer[]): Promise<void> {
  const only = filterFromArgs();
  const variants = ourVariants();
  const problems: Problem[] = [];
  const n = 512, b = seeded(n * n, 2);
  problems.push({ name: 'GEMM 512^3', M: n, K: n, N: n, a: seeded(n * n, 1), w: b, wT: false, bias: null, model: matmulModel(n, n, n, b), input: 'a' });
  for (const s of GEMMS.filter((g) => !g.name.startsWith('square'))) {
    const w = seeded(s.N * s.K, 2, 0.05), bias = seeded(s.N, 3);
    problems.push({ name: s.name, M: s.M, K: s.K, N: s.N, a: seeded(s.M * s.K, 1), w, wT: true, bias, model: fcModel(s.M, s.K, s.N, w, bias), input: 'x' });
  }
  const rows: string[][] = [];
  const nt = Math.max(2, defaultThreads());
  for (const p of problems) {
    if (!only.test(p.name)) continue;
    const flops = 2 * p.M * p.N * p.K;
    const rate: Record<string, number | undefined> = {};
    for (const v of variants) rate[v.name] = gflops(flops, await ours(v, p));
    for (const peer of peers) {
      try {
        rate[peer.name] = gflops(flops, await peer.time({ model: p.model, input: p.input, dims: [p.M, p.K], budgetMs: 1500, min: 2, max: 20 }));
      } catch (e) {
        console.log(`${peer.name} failed on ${p.name}: ${(e as Error).message}`);
      }
    }
    const ratio = (a: string, b: string): string => fmt(rate[a] && rate[b] && rate[a]! / rate[b]!, 2);
    rows.push([p.name, fmt(flops / 1e9), ...variants.map((v) => fmt(rate[v.name])), ...peers.map((q) => fmt(rate[q.name])),
      ratio('simd 1t', 'ort-web 1t'), ratio(`simd ${nt}t`, `ort-web ${nt}t`), ratio('simd 1t', 'ort-node 1t'), ratio(`simd ${nt}t`, `ort-node ${nt}t`)]);
    console.log(rows[rows.length - 1]!.join('  '));
  }
  console.log();
  table(['GEMM / FC', 'GFLOP', ...variants.map((v) => `${v.name} GF/s`), ...peers.map((q) => `${q.name} GF/s`),
    'simd/web 1t', `simd/web ${nt}t`, 'simd/node 1t', `simd/node ${nt}t`], rows);
}

const peers = loadPeers([1, Math.max(2, defaultThreads())]);
try {
  await main(peers);
} finally {
  for (const p of peers) p.close();
  closeEngine();
}
