// Running one kernel's tasks on several threads that share a WebAssembly.Memory. A job is a
// function of (thread, args, task index) known to every thread by its id; the caller writes the
// job id, task count and up to ARGS float64 arguments into a control block at the bottom of the
// shared memory, wakes the workers, takes tasks itself, and waits (Atomics.wait) until every
// task is done. Tasks are claimed one at a time with a compare-and-swap on a word holding the
// job's sequence number and the next task index, so a worker still finishing the previous job
// can never claim a task of the next one with stale arguments.

import type { SimdExports } from './wasm/simd.js';

/** One thread's view of the shared memory and its own WASM instance. */
export class ThreadCtx {
  f32: Float32Array;
  i32: Int32Array;
  constructor(readonly index: number, readonly memory: { readonly buffer: ArrayBufferLike }, readonly simd: SimdExports | null) {
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }
  /** Renews the views after the memory grew (cheap when it did not). */
  refresh(): Float32Array {
    const b = this.memory.buffer;
    if (this.f32.buffer !== b) {
      this.f32 = new Float32Array(b);
      this.i32 = new Int32Array(b);
    }
    return this.f32;
  }
}

/** Args every job starts with: flags (bit 0: use SIMD), per-thread scratch base and stride (bytes). */
export const HDR = 3;
export const USE_SIMD = 1;

export interface Job {
  /** Index in the job table every thread holds (kernels/jobs.ts). */
  readonly id: number;
  run(t: ThreadCtx, args: Float64Array, task: number): void;
}

// control block: int32 words, then float64 args
const SEQ = 0, NEXT = 1, DONE = 2, TASKS = 3, JOB = 4, ACTIVE = 5, QUIT = 6, BY_WORKERS = 7;
export const ARGS = 48;
const ARGS_BYTE = 64;
/** Bytes the control block takes at its offset. */
export const CONTROL_BYTES = ARGS_BYTE + ARGS * 8;
const SEQ_SHIFT = 20, IDX_MASK = (1 << SEQ_SHIFT) - 1, SEQ_MASK = 0x7ff;
/** Most tasks one job may have. */
export const MAX_TASKS = IDX_MASK;

/** What a worker needs to join: the memory, where the control block is, its index, the SIMD module. */
export interface WorkerInit {
  readonly memory: WebAssembly.Memory;
  readonly control: number;
  readonly index: number;
  readonly simd: WebAssembly.Module | null;
}

function claim(ctl: Int32Array, seq: number): number {
  for (;;) {
    const cur = Atomics.load(ctl, NEXT);
    if (cur >>> SEQ_SHIFT !== seq) return -1;
    const idx = cur & IDX_MASK;
    if (idx >= Atomics.load(ctl, TASKS)) return -1;
    if (Atomics.compareExchange(ctl, NEXT, cur, cur + 1) !== cur) continue;
    // the claimed task pins this job (the caller waits for it), so TASKS and JOB are its own now
    return idx < Atomics.load(ctl, TASKS) ? idx : -1;
  }
}

function work(ctl: Int32Array, args: Float64Array, seq: number, t: ThreadCtx, job: (id: number) => Job): void {
  for (;;) {
    const idx = claim(ctl, seq);
    if (idx < 0) return;
    job(Atomics.load(ctl, JOB)).run(t, args, idx);
    if (t.index > 0) Atomics.add(ctl, BY_WORKERS, 1);
    const tasks = Atomics.load(ctl, TASKS);
    if (Atomics.add(ctl, DONE, 1) + 1 === tasks) Atomics.notify(ctl, DONE);
  }
}

/** The calling side: owns the control block and hands out jobs. */
export class Dispatcher {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;
  /** Workers attached (they join jobs from the next one on). */
  workers = 0;
  /** The caller takes tasks too (tests turn it off to make the workers do everything). */
  callerWorks = true;

  constructor(readonly memory: WebAssembly.Memory, readonly control: number) {
    this.ctl = new Int32Array(memory.buffer, control, ARGS_BYTE / 4);
    this.args = new Float64Array(memory.buffer, control + ARGS_BYTE, ARGS);
  }

  /**
   * Runs tasks [0, tasks) of `job` on up to `threads` threads (the caller and threads - 1
   * workers) and returns when all are done. `args` (at most ARGS values) are copied for the workers.
   */
  run(job: Job, args: ArrayLike<number>, tasks: number, threads: number, self: ThreadCtx): void {
    if (tasks <= 0) return;
    if (tasks > MAX_TASKS) throw new RangeError(`a job has at most ${MAX_TASKS} tasks, got ${tasks}`);
    const ctl = this.ctl, a = this.args;
    for (let i = 0; i < args.length; i++) a[i] = args[i]!;
    Atomics.store(ctl, TASKS, tasks);
    Atomics.store(ctl, JOB, job.id);
    Atomics.store(ctl, ACTIVE, threads);
    Atomics.store(ctl, DONE, 0);
    this.seq = (this.seq + 1) & SEQ_MASK;
    Atomics.store(ctl, NEXT, this.seq << SEQ_SHIFT);
    Atomics.store(ctl, SEQ, this.seq);
    if (threads > 1 && this.workers > 0) Atomics.notify(ctl, SEQ);
    self.refresh();
    if (this.callerWorks || this.workers === 0) work(ctl, a, this.seq, self, () => job);
    for (;;) {
      const d = Atomics.load(ctl, DONE);
      if (d >= tasks) break;
      try { Atomics.wait(ctl, DONE, d, 50); } catch { /* a browser's main thread may not wait: spin */ }
    }
  }

  /** Tasks the workers have run so far (all jobs). */
  workerTasks(): number {
    return Atomics.load(this.ctl, BY_WORKERS);
  }

  /** Asks the workers to leave their loop (they also stop when terminated). */
  quit(): void {
    Atomics.store(this.ctl, QUIT, 1);
    Atomics.add(this.ctl, SEQ, 0);
    Atomics.notify(this.ctl, SEQ);
  }
}

/**
 * A worker's loop: waits for jobs and works on them until told to quit. Spins briefly before
 * sleeping (a conv net hands out jobs back to back) and sleeps in short waits, so a process
 * whose main thread has finished never waits long for an idle worker.
 */
export function workerLoop(init: WorkerInit, simd: SimdExports | null, table: readonly Job[]): void {
  const buf = init.memory.buffer;
  const ctl = new Int32Array(buf, init.control, ARGS_BYTE / 4);
  const args = new Float64Array(buf, init.control + ARGS_BYTE, ARGS);
  const t = new ThreadCtx(init.index, init.memory, simd);
  let seen = -1; // join a job already under way
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctl, SEQ) === seen) {
      if (Atomics.load(ctl, QUIT)) return;
      if (++spins < 4000) continue;
      Atomics.wait(ctl, SEQ, seen, 100);
    }
    if (Atomics.load(ctl, QUIT)) return;
    seen = Atomics.load(ctl, SEQ);
    if (init.index >= Atomics.load(ctl, ACTIVE)) continue;
    t.refresh();
    work(ctl, args, seen, t, (id) => table[id]!);
  }
}
