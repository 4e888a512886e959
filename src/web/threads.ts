// Kernel worker threads in browsers: Web Workers on the engine's shared WebAssembly memory, the
// counterpart of src/node/threads.ts. They need a cross-origin isolated page (COOP/COEP headers)
// for SharedArrayBuffer; elsewhere the engine stays on the calling thread. Workers may start
// workers (Chrome, Firefox, Safari 15+), so a model loaded inside a Web Worker can use them too.

import type { SpawnWorker } from '../../kernels/engine.js';
import { startWorker } from '../../kernels/jobs.js';
import type { WorkerInit } from '../../kernels/parallel.js';

/**
 * A spawner for LoadOptions.spawnWorker: each worker is the module script at `url`, which must
 * call startKernelWorker with its first message, e.g. a file holding
 * `import { startKernelWorker } from './caffe2-ts.js'; onmessage = (e) => startKernelWorker(e.data);`.
 */
export function webWorkerSpawner(url: string | URL): SpawnWorker {
  return (init) => {
    const w = new Worker(url, { type: 'module', name: `caffe2-ts kernels ${init.index}` });
    w.postMessage(init);
    return w;
  };
}

/** A kernel worker's main: joins the shared memory and serves engine jobs until told to quit (never returns before). */
export function startKernelWorker(init: WorkerInit): void {
  startWorker(init);
}

/**
 * Threads a page can use for the kernels: the logical cores when the page is cross-origin
 * isolated (SharedArrayBuffer available), otherwise 1.
 */
export function browserThreads(): number {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (!g.crossOriginIsolated || typeof SharedArrayBuffer !== 'function') return 1;
  return Math.max(1, g.navigator?.hardwareConcurrency ?? 1);
}
