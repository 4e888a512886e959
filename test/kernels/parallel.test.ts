// The job dispatcher over the shared engine memory: workers really run tasks (the caller is told
// to stay out), results equal the single-thread kernels, and many tiny jobs back to back (the
// claim protocol's sequence check) all complete with the right results.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Exec, getEngine, setFma } from '../../kernels/engine.js';
import { simdFeatures } from '../../kernels/wasm/simd.js';
import { BIAS_COL, MR, NR, gemmPacked, gemmPackedExec, packPanels, packedSize } from '../../kernels/gemm.js';
import { seededFloats } from '../helpers/arb.js';
import { freeHeap, fromHeap, kernelVariants, toHeap } from '../helpers/variants.js';

function packedOperands(M: number, N: number, K: number, seed: number): { ap: Float32Array; bp: Float32Array; bias: Float32Array } {
  const a = seededFloats(M * K, seed), b = seededFloats(K * N, seed + 1);
  const ap = new Float32Array(packedSize(M, K, MR)), bp = new Float32Array(packedSize(N, K, NR));
  packPanels(ap, 0, a, 0, K, 1, M, K, MR);
  packPanels(bp, 0, b, 0, 1, N, N, K, NR);
  return { ap, bp, bias: seededFloats(N, seed + 2) };
}

test('a threaded GEMM with the caller staying out is done by the worker, bit for bit as on one thread', () => {
  kernelVariants();
  const engine = getEngine(), d = engine.dispatcher!;
  assert.ok(engine.workers >= 1, 'a worker is attached');
  const M = 37, N = 70, K = 300;
  const { ap, bp, bias } = packedOperands(M, N, K, 3);
  for (const simd of [true, false]) {
    const one = new Float32Array(M * N);
    gemmPacked(one, 0, N, M, N, K, ap, 0, bp, 0, bias, 0, BIAS_COL);
    const ex1 = new Exec(engine, simd, 1), ex2 = new Exec(engine, simd, 2);
    const hA = toHeap(ap), hB = toHeap(bp), hBias = toHeap(bias), hC = toHeap(new Float32Array(M * N).fill(NaN));
    gemmPackedExec(ex1, hC, N, M, N, K, hA, hB, hBias, BIAS_COL);
    const single = fromHeap(hC, M * N);
    const before = d.workerTasks();
    d.callerWorks = false;
    try {
      gemmPackedExec(ex2, hC, N, M, N, K, hA, hB, hBias, BIAS_COL);
    } finally {
      d.callerWorks = true;
    }
    const threaded = fromHeap(hC, M * N);
    assert.ok(d.workerTasks() - before >= 2, `the worker ran the tasks (${d.workerTasks() - before})`);
    assert.equal(threaded, single, `simd=${simd}: threads split rows or columns without changing any sum`);
    if (!simd) assert.equal(single, one, 'plain kernels on the engine equal plain kernels on arrays');
    freeHeap([hA, ap.length], [hB, bp.length], [hBias, bias.length], [hC, M * N]);
  }
});

test('2000 tiny jobs back to back on two threads all complete with the right results', () => {
  const v = kernelVariants().find((x) => x.name === 'simd-threads')!;
  const M = 9, N = 17, K = 5;
  const { ap, bp, bias } = packedOperands(M, N, K, 11);
  const want = new Float32Array(M * N);
  gemmPacked(want, 0, N, M, N, K, ap, 0, bp, 0, bias, 0, BIAS_COL);
  const hA = toHeap(ap), hB = toHeap(bp), hBias = toHeap(bias), hC = toHeap(new Float32Array(M * N));
  const f = getEngine().arena;
  let bad = 0;
  for (let r = 0; r < 2000; r++) {
    f.f32().fill(NaN, hC / 4, hC / 4 + M * N);
    gemmPackedExec(v.exec!, hC, N, M, N, K, hA, hB, hBias, BIAS_COL);
    const got = fromHeap(hC, M * N);
    for (let i = 0; i < got.length; i++) if (Math.abs(got[i]! - want[i]!) > 1e-5) { bad++; break; }
  }
  freeHeap([hA, ap.length], [hB, bp.length], [hBias, bias.length], [hC, M * N]);
  assert.is(bad, 0);
});

test('setFma after the engine started: its own setting is accepted, the other refused by name', () => {
  const e = getEngine(), relaxed = simdFeatures().relaxed;
  assert.is(setFma(e.fma), e.fma);
  if (relaxed && e.module) {
    assert.throws(() => setFma(!e.fma), new RegExp(`setFma\\(${!e.fma}\\): the kernel engine already started ${e.fma ? 'with' : 'without'} FMA; call it before loading the first model`));
  } else {
    // no relaxed SIMD here: asking for FMA changes nothing, so it is no conflict
    assert.is(setFma(true), false);
  }
  setFma(e.fma);
});

test.run();
