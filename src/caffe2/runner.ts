// Running a plan: a loop over planned ops. Outputs come from the buffer pool (or take over a
// dying input's buffer for in-place ops); each blob's buffer goes back to the pool at its last use.

import { allocStorage, bytesPerElement, viewStorage, type DType, type NumericDType } from '../core/dtype.js';
import { Caffe2Error, InputError, ShapeError, shapeStr } from '../core/errors.js';
import { isStatic, numel, shapesEqual } from '../core/shape.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import type { RunCtx, ScratchKind, ScratchOf } from '../ops/schema.js';
import type { BufferPool } from './memory.js';
import { opWhere, type Plan, type PlannedOp } from './planner.js';
import type { Exec } from '../../kernels/engine.js';

export interface OpEvent {
  opIndex: number;
  opType: string;
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  ms: number;
}

export interface RunOptions {
  /** Called after every op (tracing, profiling). Timing is measured only when set. */
  onOp?: (e: OpEvent) => void;
  /** Stop after this op index or after the op producing this blob; all live blobs are returned. */
  stopAfter?: number | string;
}

export interface RunResult {
  outputs: Map<string, Tensor>;
  /** With stopAfter: every blob alive at the stop point, by name (latest version). */
  blobs?: Map<string, Tensor>;
}

type Scratch = Partial<Record<string, ArrayBufferView>>;

/** Per-plan runtime state that persists across runs (scratch buffers). */
export class PlanRuntime {
  readonly scratch: Scratch[];
  constructor(readonly plan: Plan) {
    this.scratch = plan.ops.map(() => ({}));
  }
}

const SCRATCH_CTORS = { f32: Float32Array, f64: Float64Array, i32: Int32Array, u8: Uint8Array } as const;

class Ctx implements RunCtx<unknown> {
  ins: (Tensor | undefined)[] = [];
  outs: (Tensor | undefined)[] = [];
  outInfos: { dtype: DType; shape: number[] }[] = [];
  p!: PlannedOp;
  scr!: Scratch;
  constructor(readonly pool: BufferPool, readonly values: (Tensor | undefined)[], readonly exec: Exec | null) {}

  get opIndex(): number { return this.p.c.index; }
  get opType(): string { return this.p.c.type; }
  get numInputs(): number { return this.ins.length; }
  get numOutputs(): number { return this.outs.length; }
  get state(): unknown { return this.p.state; }

  in(i: number): Tensor {
    const t = this.ins[i];
    if (!t) throw new InputError(`input #${i} is absent`);
    return t;
  }
  maybe(i: number): Tensor | undefined { return this.ins[i]; }

  out(i: number): Tensor {
    let t = this.outs[i];
    if (t) return t;
    const info = this.outInfos[i];
    if (!info || !isStatic(info.shape)) {
      throw new ShapeError(`internal: output #${i} has a data-dependent shape ${shapeStr(info?.shape)}; the kernel must alloc() it`);
    }
    const r = this.p.reuse[i];
    if (r !== undefined && r >= 0) {
      const src = this.ins[r]!;
      if (src.dtype === info.dtype && !(src.dtype === 'string') && this.pool.owns(src) && this.pool.soleOwner(src)) {
        const data = src.data as Uint8Array;
        t = new Tensor(info.dtype, info.shape, viewStorage(info.dtype as NumericDType, data.buffer, data.byteOffset, numel(info.shape)) as Tensor['data']);
      }
    }
    t ??= this.pool.tensor(info.dtype, info.shape);
    this.outs[i] = t;
    return t;
  }

  alloc<D extends DType>(i: number, dtype: D, shape: readonly number[]): Tensor<D> {
    const t = this.pool.tensor(dtype, shape);
    this.outs[i] = t;
    return t;
  }

  set(i: number, t: Tensor): void { this.outs[i] = t; }

  scratch<K extends ScratchKind>(kind: K, n: number, slot = 0): ScratchOf[K] {
    const key = `${kind}${slot}`;
    let a = this.scr[key] as ScratchOf[K] | undefined;
    if (!a || a.length < n) {
      a = new SCRATCH_CTORS[kind](Math.max(n, 1)) as ScratchOf[K];
      this.scr[key] = a;
    }
    return a;
  }
}

/** Runs `plan` with the given blob values (weights and fed inputs, by name). */
export function runPlan(rt: PlanRuntime, pool: BufferPool, initial: ReadonlyMap<string, Tensor>, opts: RunOptions = {}, exec: Exec | null = null): RunResult {
  const plan = rt.plan;
  const values: (Tensor | undefined)[] = new Array(plan.values.length);
  for (const [name, id] of plan.initial) {
    const t = initial.get(name);
    if (!t) throw new InputError(`blob '${name}' is missing`, { file: plan.net.file, blob: name });
    values[id] = t;
  }
  const ctx = new Ctx(pool, values, exec);
  const timing = !!opts.onOp;
  let stopIndex = -1;
  for (let k = 0; k < plan.ops.length; k++) {
    const p = plan.ops[k]!;
    ctx.p = p;
    ctx.scr = rt.scratch[k]!;
    ctx.ins = p.inputs.map((id) => values[id]);
    ctx.outs = new Array(p.outputs.length);
    const t0 = timing ? performance.now() : 0;
    try {
      if (p.staticOut) ctx.outInfos = p.outInfos as { dtype: DType; shape: number[] }[];
      else {
        const infos: ValueInfo[] = ctx.ins.map((t) => ({ dtype: t!.dtype, shape: t!.shape.slice(), value: t! }));
        ctx.outInfos = p.c.def.infer(infos, p.c.params, { numInputs: infos.length, numOutputs: p.outputs.length, planning: false });
      }
      p.c.def.run(ctx, p.c.params);
      for (let o = 0; o < p.outputs.length; o++) {
        const t = ctx.outs[o];
        if (!t) throw new ShapeError(`internal: output #${o} was not produced`);
        const info = ctx.outInfos[o];
        if (info && isStatic(info.shape) && (!shapesEqual(info.shape, t.shape) || info.dtype !== t.dtype)) {
          throw new ShapeError(`internal: output #${o} is ${t.dtype}${shapeStr(t.shape)}, shape rule said ${info.dtype}${shapeStr(info.shape)}`);
        }
      }
    } catch (e) {
      if (e instanceof Caffe2Error) throw e.at(opWhere(p.c.op, p.c.index, plan.net.file));
      throw e;
    }
    for (let o = 0; o < p.outputs.length; o++) {
      const t = ctx.outs[o]!;
      pool.retain(t);
      values[p.outputs[o]!] = t;
    }
    if (timing) opts.onOp!({ opIndex: p.c.index, opType: p.c.type, inputs: ctx.ins as Tensor[], outputs: ctx.outs as Tensor[], ms: performance.now() - t0 });
    // a number names an op index, a string a blob (blobs may be named '1', as in torch exports)
    if (opts.stopAfter !== undefined && (typeof opts.stopAfter === 'number' ? opts.stopAfter === p.c.index : p.c.op.output.includes(opts.stopAfter))) {
      stopIndex = k;
      break;
    }
    for (const id of p.release) {
      const t = values[id];
      if (t) pool.release(t);
      values[id] = undefined;
    }
  }

  const outputs = new Map<string, Tensor>();
  // returned tensors leave the pool (heap tensors are copied out); views of one buffer stay one tensor
  const given = new Map<Tensor, Tensor>();
  const give = (t: Tensor): Tensor => {
    let g = given.get(t);
    if (!g) { g = pool.disown(t); given.set(t, g); }
    return g;
  };
  if (stopIndex >= 0) {
    const blobs = new Map<string, Tensor>();
    for (const v of plan.values) { const t = values[v.id]; if (t) blobs.set(v.name, give(t)); }
    for (const [name, id] of plan.outputs) { const t = values[id]; if (t) outputs.set(name, give(t)); }
    return { outputs, blobs };
  }
  for (const [name, id] of plan.outputs) outputs.set(name, give(values[id]!));
  // everything else that is still held (keepAll) is released
  for (const v of plan.values) {
    const t = values[v.id];
    if (t && v.kind === 'temp' && !plan.outputs.has(v.name)) pool.release(t);
  }
  return { outputs };
}

/** A fresh tensor (not pooled) of the given dtype/shape, for ops that build outputs themselves. */
export function newTensor<D extends DType>(dtype: D, shape: readonly number[]): Tensor<D> {
  return new Tensor(dtype, shape, allocStorage(dtype, numel(shape)));
}

export { bytesPerElement };
