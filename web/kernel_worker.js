// A kernel thread: the demo's worker (worker.js) starts one per extra core; each joins the
// engine's shared WebAssembly memory with its first message and then serves kernel jobs.
import { startKernelWorker } from './caffe2-ts.js';

self.onmessage = (e) => startKernelWorker(e.data);
