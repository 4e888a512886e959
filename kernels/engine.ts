// Where the fast kernels run: one WebAssembly.Memory per process (shared when the platform has
// SharedArrayBuffer) managed by an Arena, the generated SIMD module instantiated on it, and the
// Dispatcher that hands jobs to worker threads attached to the same memory. An Exec is one
// model's choice on it: SIMD on or off, and how many threads (the caller included).

import { Arena, createMemory } from './wasm/arena.js';
import { CONTROL_BYTES, Dispatcher, HDR, ThreadCtx, USE_SIMD, type Job, type WorkerInit } from './parallel.js';
import { instantiateSimd, simdFeatures, simdModule, type SimdExports } from './wasm/simd.js';

export { HDR, USE_SIMD };

/** A started worker thread (worker_threads in Node, a Web Worker in a browser). */
export interface WorkerHandle { terminate(): unknown }
/** Starts one worker that calls startWorker(init) (kernels/jobs.ts) with this message. */
export type SpawnWorker = (init: WorkerInit) => WorkerHandle;

export class Engine {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  readonly arena: Arena;
  /** The SIMD module (null: no SIMD128 here) and the caller's instance of it. */
  readonly module: WebAssembly.Module | null;
  /** The module's GEMM uses relaxed-SIMD fused multiply-add. */
  readonly fma: boolean;
  readonly main: ThreadCtx;
  readonly dispatcher: Dispatcher | null;
  private readonly handles: WorkerHandle[] = [];
  private scratchPtr = 0;
  private scratchBytes = 0;

  constructor(shared = typeof SharedArrayBuffer === 'function') {
    let memory: WebAssembly.Memory;
    try {
      memory = createMemory(shared);
    } catch {
      shared = false;
      memory = createMemory(false);
    }
    this.memory = memory;
    this.shared = shared;
    this.arena = new Arena(memory, shared, CONTROL_BYTES);
    const f = simdFeatures(), fma = f.relaxed && fmaWanted;
    this.module = f.simd ? simdModule(shared, fma) : null;
    this.fma = !!this.module && fma;
    this.main = new ThreadCtx(0, memory, this.module ? instantiateSimd(this.module, memory) : null);
    this.dispatcher = shared ? new Dispatcher(memory, 0) : null;
  }

  /** Worker threads attached. */
  get workers(): number { return this.handles.length; }

  /** Starts workers until `count` are attached (needs a shared memory). */
  attachWorkers(count: number, spawn: SpawnWorker): void {
    if (!this.dispatcher) return;
    while (this.handles.length < count) {
      this.handles.push(spawn({ memory: this.memory, control: 0, index: this.handles.length + 1, simd: this.module }));
      this.dispatcher.workers = this.handles.length;
    }
  }

  /** Stops every worker (the engine keeps working on the calling thread). */
  detachWorkers(): void {
    this.dispatcher?.quit();
    for (const h of this.handles.splice(0)) h.terminate();
    if (this.dispatcher) this.dispatcher.workers = 0;
  }

  private readonly staging: { ptr: number; bytes: number }[] = [];

  /** Staging region `slot` of at least `bytes` (for operands that live outside the memory). */
  stagingRegion(slot: number, bytes: number): number {
    let r = this.staging[slot];
    if (!r || r.bytes < bytes) {
      if (r) this.arena.free(r.ptr, r.bytes);
      r = { ptr: this.arena.alloc(Math.max(bytes, 64)), bytes: Math.max(bytes, 64) };
      this.staging[slot] = r;
    }
    return r.ptr;
  }

  /** Per-thread scratch of `bytes` each for `threads` threads: [base, stride]. Reused by every op. */
  threadScratch(bytes: number, threads: number): [number, number] {
    const stride = Math.ceil(Math.max(bytes, 64) / 64) * 64, total = stride * threads;
    if (total > this.scratchBytes) {
      if (this.scratchBytes) this.arena.free(this.scratchPtr, this.scratchBytes);
      this.scratchBytes = Math.max(total, this.scratchBytes * 2);
      this.scratchPtr = this.arena.alloc(this.scratchBytes);
    }
    return [this.scratchPtr, stride];
  }
}

let defaultEngine: Engine | undefined;
let fmaWanted = true;

/**
 * Whether the GEMM may use relaxed SIMD's fused multiply-add where the platform has it (default:
 * yes; Chrome has it, Node with enableRelaxedSimd()). FMA rounds once per step instead of twice,
 * so results differ from a platform without it in the last bits; turn it off to get the same bits
 * everywhere. Decided before the process-wide engine starts (the first model load); returns
 * whether the engine uses FMA, or will where the platform has it.
 */
export function setFma(on: boolean): boolean {
  if (defaultEngine && defaultEngine.fma !== (on && !!defaultEngine.module && simdFeatures().relaxed)) {
    throw new Error(`setFma(${on}): the kernel engine already started ${defaultEngine.fma ? 'with' : 'without'} FMA; call it before loading the first model`);
  }
  fmaWanted = on;
  return on && simdFeatures().relaxed;
}

/** True once the process-wide engine exists (its SIMD module is compiled then). */
export function engineStarted(): boolean {
  return defaultEngine !== undefined;
}

/** The process-wide engine (created on first use). */
export function getEngine(): Engine {
  defaultEngine ??= new Engine();
  return defaultEngine;
}

/** One model's use of the engine. */
export class Exec {
  /** Threads a job may use (1: the caller only). */
  readonly threads: number;
  /** SIMD kernels (false also when the platform has none). */
  readonly simd: boolean;
  /** Fewest output columns a conv task takes when a layer is split across threads. */
  grain = 32;
  constructor(readonly engine: Engine, simd: boolean, threads: number) {
    this.threads = Math.max(1, Math.min(threads, 1 + engine.workers));
    this.simd = simd && !!engine.module;
  }

  get arena(): Arena { return this.engine.arena; }
  get wasm(): SimdExports | null { return this.simd ? this.engine.main.simd : null; }

  /** Byte offset of `v` in the engine memory; copied into staging slot `slot` when it lives elsewhere. */
  stageIn(v: Float32Array, slot: number): number {
    const p = this.arena.ptrOf(v);
    if (p >= 0) return p;
    const q = this.engine.stagingRegion(slot, v.byteLength);
    this.arena.f32().set(v, q / 4);
    return q;
  }

  /** Where a kernel may write `v`: in place, or staging slot `slot` (then stageOut copies it back). */
  outPtr(v: Float32Array, slot: number): number {
    const p = this.arena.ptrOf(v);
    return p >= 0 ? p : this.engine.stagingRegion(slot, v.byteLength);
  }

  stageOut(v: Float32Array, ptr: number): void {
    if (this.arena.ptrOf(v) < 0) v.set(this.arena.f32().subarray(ptr / 4, ptr / 4 + v.length));
  }

  /** Fills the job header (flags, per-thread scratch of `scratchBytes`) of `args`. */
  header(args: Float64Array, scratchBytes: number, threads = this.threads): void {
    const [base, stride] = this.engine.threadScratch(scratchBytes, threads);
    args[0] = this.simd ? USE_SIMD : 0;
    args[1] = base;
    args[2] = stride;
  }

  /** Runs tasks [0, tasks) of `job`: on the workers too when there are several tasks and threads. */
  run(job: Job, args: Float64Array, tasks: number, threads = this.threads): void {
    const d = this.engine.dispatcher;
    if (threads > 1 && tasks > 1 && d && d.workers > 0) {
      d.run(job, args, tasks, Math.min(threads, 1 + d.workers), this.engine.main);
      return;
    }
    const t = this.engine.main;
    t.refresh();
    for (let i = 0; i < tasks; i++) job.run(t, args, i);
  }
}
