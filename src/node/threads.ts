// Worker threads for the kernel engine (kernels/engine.ts), Node's edge: each worker runs
// threads_worker.js, which joins the shared WebAssembly memory and serves jobs. Workers are
// unref'd: an idle pool never keeps the process alive.

import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { engineStarted, type SpawnWorker } from '../../kernels/engine.js';
import { resetSimdFeatures, simdFeatures } from '../../kernels/wasm/simd.js';

/** Starts workers with worker_threads (pass as LoadOptions.spawnWorker). */
export const nodeWorkerSpawner: SpawnWorker = (init) => {
  const w = new Worker(new URL('./threads_worker.js', import.meta.url), { workerData: init });
  w.unref();
  return w;
};

/** Threads the CLI and loadModel use by default: every core this process may run on. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Turns on V8's relaxed SIMD in Node 20 (browsers have it since Chrome 114), so the GEMM uses
 * f32x4.relaxed_madd (fused multiply-add: ~1.5x its speed here, one rounding per step instead of
 * two). Must run before the first model is loaded (the kernel module is compiled once per
 * process); returns whether relaxed SIMD is on. The flag only adds WebAssembly features.
 */
export function enableRelaxedSimd(): boolean {
  if (!simdFeatures().relaxed && !engineStarted()) {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    resetSimdFeatures();
  }
  return simdFeatures().relaxed;
}
