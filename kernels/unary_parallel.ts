// The compute-bound float32 unary maps (Sigmoid, Tanh, Exp, Log: a libm call per value) split over
// the engine's threads in contiguous ranges; each thread runs the same plain kernel on its range,
// so the output is bit-identical to one thread's.

import type { Exec } from './engine.js';
import { HDR, type Job, type ThreadCtx } from './parallel.js';
import { expF32, logF32, sigmoidF32, tanhF32 } from './activation.js';

/** The kernels a task can run, by index (the args carry the index, not the function). */
export const PARALLEL_UNARY = [sigmoidF32, tanhF32, expF32, logF32] as const;

/** Fewest values worth a split (below it the hand-off costs more than it saves). */
export const PARALLEL_UNARY_MIN = 1 << 15;

const A_X = HDR, A_Y = HDR + 1, A_N = HDR + 2, A_PER = HDR + 3, A_K = HDR + 4;
const args = new Float64Array(HDR + 5);

function unaryTask(t: ThreadCtx, a: Float64Array, task: number): void {
  const n = a[A_N]!, per = a[A_PER]!, s = task * per, len = Math.min(per, n - s), buf = t.f32.buffer;
  PARALLEL_UNARY[a[A_K]!]!(new Float32Array(buf, a[A_Y]! + s * 4, len), new Float32Array(buf, a[A_X]! + s * 4, len));
}

export const UNARY_JOB: Job = { id: 4, run: unaryTask };

/** PARALLEL_UNARY[kernel] over n floats at byte offsets x -> y of the engine's memory (y may be x). */
export function unaryExec(ex: Exec, kernel: number, y: number, x: number, n: number): void {
  const tasks = Math.min(2 * ex.threads, Math.ceil(n / 4096)), per = Math.ceil(n / tasks);
  ex.header(args, 0);
  args[A_X] = x; args[A_Y] = y; args[A_N] = n; args[A_PER] = per; args[A_K] = kernel;
  ex.run(UNARY_JOB, args, Math.ceil(n / per));
}
