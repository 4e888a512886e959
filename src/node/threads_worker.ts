// A kernel worker thread (see threads.ts): serves engine jobs until told to quit or terminated.
import { workerData } from 'node:worker_threads';
import { startWorker } from '../../kernels/jobs.js';
import type { WorkerInit } from '../../kernels/parallel.js';

startWorker(workerData as WorkerInit);
