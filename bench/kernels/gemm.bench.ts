// GEMM GFLOP/s, CPU time, one thread each: the square 512^3 problem (fast, packing both operands
// every run; reference; the peers' MatMul with B as an initializer), then the box head's FC layers
// on 1000 RoIs (W packed beforehand, as the planner does; peers get W as an initializer). The
// reference runs on the first 64 rows of each FC (a rate is a rate).
// usage: node .build/<you>/bench/kernels/gemm.bench.js [shape-regex]

import { BIAS_COL, MR, NR, gemm, gemmPacked, gemmParams, gemmScratchSize, packPanels, packedSize } from '../../kernels/gemm.js';
import { gemm as gemmRef } from '../../kernels/reference/gemm.js';
import { fcModel, matmulModel } from '../peers/onnx_model.js';
import { loadPeers, type Peer } from '../peers/ort.js';
import { GEMMS } from '../shapes.js';
import { bestMs, filterFromArgs, fmt, gflops, seeded, table } from './bench_util.js';

async function square(n: number, peers: Peer[]): Promise<void> {
  const a = seeded(n * n, 1), b = seeded(n * n, 2), c = new Float32Array(n * n);
  const p = gemmParams(n, n, n), scratch = new Float32Array(gemmScratchSize(n, n, n));
  const flops = 2 * n * n * n;
  const fast = await bestMs(() => gemm(c, a, b, null, p, scratch), 1500, 5, 30);
  const ref = await bestMs(() => gemmRef(c, a, b, null, p), 1500, 1, 3);
  const rows = [['fast gemm (packs A and B every run)', fmt(gflops(flops, fast)), '1.0'], ['reference triple loop', fmt(gflops(flops, ref)), fmt(fast / ref, 2)]];
  for (const peer of peers) {
    const ms = await peer.time({ model: matmulModel(n, n, n, b), input: 'a', dims: [n, n], budgetMs: 1500, min: 5, max: 30 });
    rows.push([peer.name, fmt(gflops(flops, ms)), fmt(fast / ms, 1)]);
  }
  table([`GEMM ${n}^3`, 'GFLOP/s', 'speed vs fast'], rows);
}

async function fcs(peers: Peer[]): Promise<void> {
  const only = filterFromArgs();
  const rows: string[][] = [];
  for (const s of GEMMS) {
    if (!only.test(s.name)) continue;
    const { M, K, N } = s, flops = 2 * M * N * K;
    const x = seeded(M * K, 1), w = seeded(N * K, 2, 0.05), bias = seeded(N, 3), y = new Float32Array(M * N);
    // FC: W [N, K] packed once as the B operand; X packed per run
    const wp = new Float32Array(packedSize(N, K, NR)), xp = new Float32Array(packedSize(M, K, MR));
    packPanels(wp, 0, w, 0, K, 1, N, K, NR);
    const fastMs = await bestMs(() => {
      packPanels(xp, 0, x, 0, K, 1, M, K, MR);
      gemmPacked(y, 0, N, M, N, K, xp, 0, wp, 0, bias, 0, BIAS_COL);
    }, 1500, 2, 10);
    const m = Math.min(M, 64), p = gemmParams(m, N, K, false, true);
    p.biasMode = BIAS_COL;
    const refMs = await bestMs(() => gemmRef(y, x, w, bias, p), 500, 1, 3);
    const refRate = gflops(2 * m * N * K, refMs), fastRate = gflops(flops, fastMs);
    const peerRates: (number | undefined)[] = [];
    for (const peer of peers) {
      peerRates.push(gflops(flops, await peer.time({ model: fcModel(M, K, N, w, bias), input: 'x', dims: [M, K], budgetMs: 1500, min: 2, max: 10 })));
    }
    rows.push([s.name, fmt(flops / 1e9), fmt(fastRate), fmt(refRate), fmt(fastRate / refRate, 1),
      ...peerRates.flatMap((r) => [fmt(r), fmt(r && r / fastRate, 1)])]);
  }
  table(['FC / GEMM (Y = X·Wᵀ + b)', 'GFLOP', 'fast GF/s', 'ref GF/s', 'fast/ref', ...peers.flatMap((p) => [`${p.name.split(' ')[0]} GF/s`, 'speed vs fast'])], rows);
}

const peers = loadPeers();
try {
  await square(512, peers);
  console.log();
  await fcs(peers);
} finally {
  for (const p of peers) p.close();
}
