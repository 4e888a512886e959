// Shared by ReduceSum/Mean/Max/Min (caffe2/operators/reduce_ops.h: `axes`, empty = all, and
// `keepdims`) and ReduceFront/Back Sum/Mean (reduce_front_back_*_ops.cc: `num_reduce_dim`
// leading or trailing dims): output shapes, dtype checks, the cached reduce geometry.

import type { DType } from '../core/dtype.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { canonicalAxis, isStatic, shapesEqual } from '../core/shape.js';
import { infoOf, type Tensor, type ValueInfo } from '../core/tensor.js';
import { intValues, requireIndexType } from './tensor_util.js';
import { planReduce, type Broadcast } from '../../kernels/broadcast.js';
import { reduceI64, reduceNum, type NumArray } from '../../kernels/reduce.js';
import { foldValue } from './elementwise_util.js';
import { arg, defineOp, type AnyOpDef, type RunCtx } from './schema.js';

/** Geometry cache: rebuilt only when X's shape changes. */
class ReduceCache {
  private x: readonly number[] | undefined;
  private bc: Broadcast | undefined;
  constructor(private readonly reducedOf: (rank: number) => boolean[]) {}
  get(x: readonly number[]): Broadcast {
    if (!this.bc || !shapesEqual(this.x!, x)) {
      this.bc = planReduce(x, keptShape(x, this.reducedOf(x.length)));
      this.x = x.slice();
    }
    return this.bc;
  }
}

/** X's shape with the reduced dims set to 1 (the accumulator's view). */
function keptShape(x: readonly number[], reduced: readonly boolean[]): number[] {
  return x.map((d, i) => (reduced[i] ? 1 : d));
}

function runReduce(op: number, out: Tensor, x: Tensor, bc: Broadcast, acc: Float64Array): void {
  if (x.dtype === 'int64') reduceI64(op, out.data as BigInt64Array, x.data as BigInt64Array, bc);
  else reduceNum(op, out.data as NumArray, x.data as NumArray, bc, acc);
}

function checkDtype(d: DType, allowed: readonly DType[]): void {
  if (!allowed.includes(d)) throw new ShapeError(`input 'data' must be ${allowed.join(', ')}, got ${d}`);
}

/** Which dims of a rank-r input the `axes` arg reduces (all when empty); ShapeError when bad. */
function reducedDims(axes: readonly number[], rank: number): boolean[] {
  const r = new Array<boolean>(rank).fill(axes.length === 0);
  for (const a of axes) {
    const c = canonicalAxis(a, rank, 'axes entry');
    if (r[c]) throw new ShapeError(`axes [${axes.join(', ')}] name dim ${c} twice`);
    r[c] = true;
  }
  return r;
}

/**
 * The reduced dims from the arg, or (extension) from the optional `axes` input's value; undefined
 * while that value is unknown. Caffe2's rule either way: negative axes count from the end, none
 * means all.
 */
function reducedOf(ins: readonly ValueInfo[], p: { axes: readonly number[] | undefined }, rank: number): boolean[] | undefined {
  if (ins.length < 2) return reducedDims(p.axes ?? [], rank);
  const a = ins[1]!;
  requireIndexType(a, 'axes');
  if (a.shape.length !== 1) throw new ShapeError(`input 'axes' must be 1-D, got ${shapeStr(a.shape)}`);
  return a.value ? reducedDims(intValues(a.value, 'axes'), rank) : undefined;
}

/** ReduceSum, ReduceMean, ReduceMax, ReduceMin. */
export function reduceOp(type: string, op: number, dtypes: readonly DType[], doc: string): AnyOpDef {
  return defineOp({
    type, category: 'Reduce', doc,
    inputs: [{ name: 'data' }, { name: 'axes', optional: true }], outputs: [{ name: 'reduced' }],
    args: { axes: arg.ints(), keepdims: arg.bool(true) },
    normalize(a, io) {
      if (io.numInputs === 2 && a.axes?.length) throw new ArgError("must not be set when the axes come from input 'axes'", { arg: 'axes' });
      return a;
    },
    infer(ins, p, ctx) {
      const x = ins[0]!;
      checkDtype(x.dtype, dtypes);
      const red = reducedOf(ins, p, x.shape.length);
      if (!red) {
        // axes known at run time: the rank is known (an empty list reduces all), the dims are not
        const n = ins[1]!.shape[0]!;
        if (n < 0 && !p.keepdims) throw new ShapeError(`input 'axes' ${shapeStr(ins[1]!.shape)} needs a known length (it decides the output rank)`);
        return [{ dtype: x.dtype, shape: new Array<number>(p.keepdims ? x.shape.length : n === 0 ? 0 : x.shape.length - n).fill(-1) }];
      }
      const shape = p.keepdims ? keptShape(x.shape, red) : x.shape.filter((_, i) => !red[i]);
      const out = { dtype: x.dtype, shape };
      const value = foldValue(ctx, ins.slice(0, 1), out, (t, [v]) => runReduce(op, t, v!, planReduce(v!.shape, keptShape(v!.shape, red)), new Float64Array(t.size)));
      return [value ? { ...out, value } : out];
    },
    prepare: (_ins, p) => new ReduceCache((rank) => reducedDims(p.axes ?? [], rank)),
    run(ctx: RunCtx<ReduceCache>, p) {
      const x = ctx.in(0), out = ctx.out(0), axes = ctx.maybe(1);
      const bc = axes ? planReduce(x.shape, keptShape(x.shape, reducedOf([infoOf(x), infoOf(axes)], p, x.rank)!)) : ctx.state.get(x.shape);
      runReduce(op, out, x, bc, ctx.scratch('f64', out.size));
    },
  });
}

/** ReduceFrontSum/Mean (front=true: the first num_reduce_dim dims) and ReduceBack* (the last). */
export function reduceEndsOp(type: string, op: number, front: boolean, dtypes: readonly DType[], doc: string): AnyOpDef {
  const reduced = (rank: number, k: number): boolean[] =>
    Array.from({ length: rank }, (_, i) => (front ? i < k : i >= rank - k));
  return defineOp({
    type, category: 'Reduce', doc,
    inputs: [{ name: 'data_in' }], outputs: [{ name: 'data_out' }],
    args: { num_reduce_dim: arg.int(1) },
    normalize(a) {
      if (a.num_reduce_dim < 0) throw new ArgError(`must be >= 0, got ${a.num_reduce_dim}`, { arg: 'num_reduce_dim' });
      return a;
    },
    infer(ins, p, ctx) {
      const x = ins[0]!, k = p.num_reduce_dim;
      checkDtype(x.dtype, dtypes);
      if (k > x.shape.length) throw new ShapeError(`num_reduce_dim ${k} exceeds the rank of input 'data_in' ${shapeStr(x.shape)}`);
      const shape = front ? x.shape.slice(k) : x.shape.slice(0, x.shape.length - k);
      const out = { dtype: x.dtype, shape };
      const value = isStatic(x.shape)
        ? foldValue(ctx, ins, out, (t, [v]) => runReduce(op, t, v!, planReduce(v!.shape, keptShape(v!.shape, reduced(v!.rank, k))), new Float64Array(t.size)))
        : undefined;
      return [value ? { ...out, value } : out];
    },
    prepare: (_ins, p) => new ReduceCache((rank) => reduced(rank, p.num_reduce_dim)),
    run(ctx: RunCtx<ReduceCache>) {
      const x = ctx.in(0), out = ctx.out(0);
      runReduce(op, out, x, ctx.state.get(x.shape), ctx.scratch('f64', out.size));
    },
  });
}
