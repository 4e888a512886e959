// A loaded Caffe2 model: the init net run once into a workspace of weights, the predict net
// compiled once (every unsupported op and bad arg reported at load), and a plan per input
// signature, run many times.

import { Caffe2Error, InputError, PlanError, UnsupportedOpsError, shapeStr, type UnsupportedOp } from '../core/errors.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import type { Argument, NetDef } from '../proto/caffe2.js';
import { decodeNetDef } from '../proto/caffe2.js';
import { decodeUtf8 } from '../proto/wire.js';
import type { OpRegistry } from '../ops/registry.js';
import { BufferPool, type BufferFactory } from './memory.js';
import { compileNet, planNet, checkFeeds, type CompiledNet, type Plan, type PlanOptions } from './planner.js';
import { PlanRuntime, runPlan, type RunOptions, type RunResult } from './runner.js';
import { Exec, getEngine, type SpawnWorker } from '../../kernels/engine.js';

export type MetaValue = number | string | number[] | string[];

/** Reads the predict net's args (detectron2 stores its meta info there) as plain values. */
export function readMeta(args: readonly Argument[]): Record<string, MetaValue> {
  const meta: Record<string, MetaValue> = {};
  for (const a of args) {
    if (!a.name) continue;
    if (a.s !== undefined) meta[a.name] = decodeUtf8(a.s, 0, a.s.length);
    else if (a.f !== undefined) meta[a.name] = a.f;
    else if (a.i !== undefined) meta[a.name] = Number(a.i);
    else if (a.floats.length) meta[a.name] = Array.from(a.floats);
    else if (a.ints.length) meta[a.name] = Array.from(a.ints, Number);
    else if (a.strings.length) meta[a.name] = a.strings.map((s) => decodeUtf8(s, 0, s.length));
  }
  return meta;
}

export interface LoadOptions {
  registry: OpRegistry;
  /** File names for error messages. */
  predictFile?: string;
  initFile?: string;
  /** Progress while decoding and running the init net: (done, total, phase). */
  onProgress?: (done: number, total: number, phase: 'decode' | 'init') => void;
  /** Allocator for intermediate buffers (SharedArrayBuffer for worker threads). */
  bufferFactory?: BufferFactory;
  /** Fill new outputs with NaN so kernels that skip elements show up (tests). */
  poison?: boolean;
  /** Blobs placed in the workspace before the init net runs (extra weights, test constants). */
  weights?: ReadonlyMap<string, Tensor>;
  /** Largest tensor a net may allocate, in bytes (default 4 GiB): a hostile shape fails cleanly. */
  maxTensorBytes?: number;
  /** Dense kernels as generated WebAssembly SIMD when the platform has it (default true); false: plain TypeScript. */
  simd?: boolean;
  /**
   * Threads for the big kernels, the calling thread included (default 1: no workers). More need
   * `spawnWorker` (or workers another model attached: all models share one pool).
   */
  threads?: number;
  /** Starts a worker thread on the shared kernel memory (src/node: nodeWorkerSpawner(); browsers: a Web Worker). */
  spawnWorker?: SpawnWorker;
}

/** The engine a model's options ask for: null runs the plain TypeScript kernels on this thread. */
export function execFor(opts: Pick<LoadOptions, 'simd' | 'threads' | 'spawnWorker'>): Exec | null {
  const threads = Math.max(1, Math.floor(opts.threads ?? 1));
  const simd = opts.simd !== false;
  if (!simd && threads <= 1) return null;
  const engine = getEngine();
  if (!engine.module && threads <= 1) return null;
  if (threads > 1 && opts.spawnWorker) engine.attachWorkers(threads - 1, opts.spawnWorker);
  const ex = new Exec(engine, simd, threads);
  return ex.simd || ex.threads > 1 ? ex : null;
}

// A collected model gives its heap buffers back to the shared engine memory.
const heapRelease = new FinalizationRegistry<BufferPool>((pool) => pool.releaseHeap());

/**
 * A loaded Caffe2 model: weights in a workspace, the predict net compiled once, and a plan per
 * input signature (names, dtypes, shapes), cached, so repeated runs only loop over kernels.
 */
export class Caffe2Model {
  readonly predictNet: NetDef;
  readonly initNet: NetDef | undefined;
  /** Blobs that exist before a run: everything the init net made. */
  readonly workspace = new Map<string, Tensor>();
  readonly compiled: CompiledNet;
  /** External inputs the init net does not create: what a caller feeds (e.g. data, im_info). */
  readonly inputNames: readonly string[];
  /** The predict net's external outputs, the names {@link Caffe2Model.run} returns. */
  readonly outputNames: readonly string[];
  /** The predict net's args as plain values (detectron2 stores meta_architecture, size_divisibility... there). */
  readonly meta: Readonly<Record<string, MetaValue>>;
  /** Intermediate buffers, reused across runs; `pool.peak` is the high-water mark in bytes. */
  readonly pool: BufferPool;
  private readonly plans = new Map<string, { plan: Plan; rt: PlanRuntime }>();
  /** The engine the dense kernels run on (SIMD, threads), or null for the plain kernels. */
  readonly exec: Exec | null;

  constructor(predictNet: NetDef, initNet: NetDef | undefined, readonly opts: LoadOptions) {
    this.predictNet = predictNet;
    this.initNet = initNet;
    this.exec = execFor(opts);
    // tensors live in the engine's memory when it is shared (kernels and workers address them in place)
    const heap = this.exec && this.exec.engine.shared ? this.exec.arena : null;
    this.pool = new BufferPool(opts.bufferFactory, heap);
    if (heap) heapRelease.register(this, this.pool);
    this.pool.poison = !!opts.poison;
    if (opts.maxTensorBytes !== undefined) this.pool.maxBytes = opts.maxTensorBytes;
    // Compile both nets before any weight work, so every unsupported op of the model is reported at once.
    const [compiled, initCompiled] = compileModel(predictNet, initNet, opts);
    this.compiled = compiled;
    for (const [n, t] of opts.weights ?? []) this.workspace.set(n, t);
    if (initCompiled) runCompiledInitNet(initCompiled, this.workspace, opts);
    const produced = new Set(this.workspace.keys());
    this.inputNames = predictNet.external_input.filter((n) => !produced.has(n));
    this.outputNames = predictNet.external_output.slice();
    this.meta = Object.freeze(readMeta(predictNet.arg));
  }

  static fromBytes(predict: Uint8Array, init: Uint8Array | undefined, opts: LoadOptions): Caffe2Model {
    const onProgress = opts.onProgress;
    const predictNet = decodeNetDef(predict, { file: opts.predictFile ?? 'model.pb' });
    const initNet = init
      ? decodeNetDef(init, { file: opts.initFile ?? 'model_init.pb', ...(onProgress ? { onProgress: (d, t) => onProgress(d, t, 'decode') } : {}) })
      : undefined;
    return new Caffe2Model(predictNet, initNet, { ...opts, predictFile: opts.predictFile ?? 'model.pb', initFile: opts.initFile ?? 'model_init.pb' });
  }

  /** Plans the predict net for inputs of these dtypes and shapes (cached per signature); `peakBytes` is its planned memory. */
  plan(inputs: ReadonlyMap<string, ValueInfo>, opts: PlanOptions = {}): Plan {
    return this.planEntry(inputs, opts).plan;
  }

  private planEntry(inputs: ReadonlyMap<string, ValueInfo>, opts: PlanOptions): { plan: Plan; rt: PlanRuntime } {
    checkFeeds(this.inputNames, inputs, this.opts.predictFile);
    const key = [...inputs].map(([n, i]) => `${n}:${i.dtype}${shapeStr(i.shape)}`).join(';')
      + (opts.keepAll ? ';all' : '') + (opts.keep?.length ? `;keep=${opts.keep.join(',')}` : '') + (opts.fuse === false ? ';nofuse' : '');
    let e = this.plans.get(key);
    if (!e) {
      const plan = planNet(this.compiled, this.workspace, inputs, { ...(this.opts.maxTensorBytes !== undefined ? { maxTensorBytes: this.opts.maxTensorBytes } : {}), ...opts, exec: this.exec });
      e = { plan, rt: new PlanRuntime(plan) };
      this.plans.set(key, e);
    }
    return e;
  }

  /**
   * Runs the predict net on named inputs (every name of {@link Caffe2Model.inputNames}) and
   * returns every external output by name. Returned tensors belong to the caller: later runs
   * never write into them. Throws an InputError for a missing or unknown input.
   */
  run(feeds: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>, opts: RunOptions & PlanOptions = {}): Map<string, Tensor> {
    return this.runDetailed(feeds, opts).outputs;
  }

  /** Like {@link Caffe2Model.run}, with the blobs alive at `stopAfter` when it is set. */
  runDetailed(feeds: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>, opts: RunOptions & PlanOptions = {}): RunResult {
    const feedMap = feeds instanceof Map ? feeds : new Map(Object.entries(feeds));
    for (const name of feedMap.keys()) {
      if (!this.inputNames.includes(name)) {
        throw new InputError(`'${name}' is not an input of this net (inputs: ${this.inputNames.join(', ') || 'none'})`, { file: this.opts.predictFile });
      }
    }
    const infos = new Map<string, ValueInfo>();
    for (const name of this.inputNames) {
      const t = feedMap.get(name);
      if (t) infos.set(name, { dtype: t.dtype, shape: t.shape.slice() });
    }
    // stopping at a blob needs it to exist: no fusion may absorb it
    const { rt } = this.planEntry(infos, opts.stopAfter !== undefined ? { ...opts, fuse: false } : opts);
    const blobs = new Map<string, Tensor>(this.workspace);
    for (const [n, t] of feedMap) blobs.set(n, t);
    // fed inputs stay in the caller's buffers: an engine kernel that reads one copies it in (Exec.stageIn)
    const res = runPlan(rt, this.pool, blobs, opts, this.exec);
    // an external output that no op writes is a weight (or an input passed through)
    if (!res.blobs) for (const n of this.outputNames) if (!res.outputs.has(n) && blobs.has(n)) res.outputs.set(n, blobs.get(n)!);
    return res;
  }

  /** Parameter count and bytes of the weights. */
  weightStats(): { count: number; bytes: number; blobs: number } {
    let count = 0, bytes = 0;
    for (const t of this.workspace.values()) { count += t.size; bytes += t.bytes; }
    return { count, bytes, blobs: this.workspace.size };
  }
}

/**
 * Compiles the predict net and the init net, reporting the problems of both together: one
 * UnsupportedOpsError listing every missing op of the model (init net ops noted by file), or a
 * PlanError when args are wrong too.
 */
export function compileModel(predict: NetDef, init: NetDef | undefined, opts: LoadOptions): [CompiledNet, CompiledNet | undefined] {
  const failures: Caffe2Error[] = [];
  const attempt = (net: NetDef, file: string | undefined): CompiledNet | undefined => {
    try { return compileNet(net, opts.registry, file); } catch (e) {
      if (!(e instanceof Caffe2Error)) throw e;
      failures.push(e);
      return undefined;
    }
  };
  const p = attempt(predict, opts.predictFile);
  const i = init ? attempt(init, opts.initFile) : undefined;
  if (!failures.length) return [p!, i];
  if (failures.length === 1) throw failures[0];
  const unsupported: UnsupportedOp[] = [];
  const others: Caffe2Error[] = [];
  failures.forEach((f, k) => {
    const list = f instanceof PlanError ? f.errors : [f];
    for (const e of list) {
      if (!(e instanceof UnsupportedOpsError)) { others.push(e); continue; }
      for (const op of e.ops) unsupported.push(k === 0 ? op : { ...op, note: [op.note, `in ${opts.initFile ?? 'the init net'}`].filter(Boolean).join(', ') });
    }
  });
  const all = unsupported.length ? [new UnsupportedOpsError(unsupported, { file: opts.predictFile }), ...others] : others;
  throw all.length === 1 ? all[0] : new PlanError(all, { file: opts.predictFile });
}

/** Runs an init net (fill ops) and stores every blob it writes in `ws`. */
export function runInitNet(net: NetDef, ws: Map<string, Tensor>, opts: LoadOptions): void {
  runCompiledInitNet(compileNet(net, opts.registry, opts.initFile), ws, opts);
}

function runCompiledInitNet(cn: CompiledNet, ws: Map<string, Tensor>, opts: LoadOptions): void {
  const plan = planNet(cn, ws, new Map(), { keepAll: true, ...(opts.maxTensorBytes !== undefined ? { maxTensorBytes: opts.maxTensorBytes } : {}) });
  const pool = new BufferPool();
  if (opts.maxTensorBytes !== undefined) pool.maxBytes = opts.maxTensorBytes;
  const total = plan.ops.length;
  let done = 0;
  const res = runPlan(new PlanRuntime(plan), pool, ws, {
    stopAfter: plan.ops.length ? plan.ops[plan.ops.length - 1]!.c.index : undefined,
    ...(opts.onProgress ? { onOp: () => { done++; if (done % 64 === 0 || done === total) opts.onProgress!(done, total, 'init'); } } : {}),
  });
  for (const [name, t] of res.blobs ?? []) ws.set(name, t);
}

export { Caffe2Error };
