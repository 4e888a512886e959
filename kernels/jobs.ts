// The job table every thread holds (a job's id is its index here), and a worker's entry point.

import { CONV_JOB } from './conv.js';
import { GEMM_JOB } from './gemm.js';
import { WINOGRAD_JOB } from './winograd.js';
import { CONV_TRANSPOSE_JOB } from './conv_transpose.js';
import { POOL_JOB } from './pool.js';
import { UNARY_JOB } from './unary_parallel.js';
import { workerLoop, type Job, type WorkerInit } from './parallel.js';
import { instantiateSimd } from './wasm/simd.js';

export const JOBS: readonly Job[] = (() => {
  const t: Job[] = [];
  for (const j of [CONV_JOB, GEMM_JOB, WINOGRAD_JOB, UNARY_JOB, CONV_TRANSPOSE_JOB, POOL_JOB]) {
    if (t[j.id]) throw new Error(`job id ${j.id} is taken`);
    t[j.id] = j;
  }
  return t;
})();

/** A worker thread's main: instantiate the SIMD module on the shared memory and serve jobs until told to quit. */
export function startWorker(init: WorkerInit): void {
  workerLoop(init, init.simd ? instantiateSimd(init.simd, init.memory) : null, JOBS);
}
