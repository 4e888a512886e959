// Worker threads for the kernel engine (kernels/engine.ts), Node's edge: each worker runs
// threads_worker.js, which joins the shared WebAssembly memory and serves jobs. Workers are
// unref'd: an idle pool never keeps the process alive.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SpawnWorker } from '../../kernels/engine.js';

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
