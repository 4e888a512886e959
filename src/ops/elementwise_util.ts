// Shared by the binary elementwise ops (Add, Sub, Mul, Div, Pow, EQ..GE, And/Or/Xor) and the
// n-ary ones (Sum, Max, Min): Caffe2's broadcast args (elementwise_ops.h), shape and dtype
// rules with messages naming the inputs, a per-op cache of the row geometry, kernel dispatch
// by dtype, and plan-time folding of small constant results (traced shape arithmetic).

import { isInteger, type DType } from '../core/dtype.js';
import { ArgError, InputError, ShapeError, shapeStr } from '../core/errors.js';
import { isStatic, numel, shapesEqual } from '../core/shape.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import {
  alignShape, legacyBroadcastError, planLegacyBroadcast, planNumpyBroadcast, planSame, type Broadcast,
} from '../../kernels/broadcast.js';
import { binaryF32, binaryI64, binaryNum, compare, DIV, logical, type NumArray } from '../../kernels/elementwise.js';
import { arg, defineOp, type AnyOpDef, type Category, type InferCtx, type OutInfo, type RunCtx } from './schema.js';

/** Results up to this many elements are computed at plan time when every input is known. */
export const FOLD_LIMIT = 1024;

export const ARITH_DTYPES: readonly DType[] = ['int32', 'int64', 'float32', 'float64'];
/**
 * The binary ops also take the 8- and 16-bit integers (an extension: Caffe2 registered its
 * elementwise ops for int32, int64, float and double only; ONNX Add/Sub/Mul/Div/comparisons
 * take them). C semantics: results wrap to the type, division truncates toward zero.
 */
export const SMALL_INT_DTYPES: readonly DType[] = ['int8', 'int16', 'uint8', 'uint16'];
export const BINARY_ARITH_DTYPES: readonly DType[] = [...ARITH_DTYPES, ...SMALL_INT_DTYPES];
export const COMPARE_DTYPES: readonly DType[] = ['bool', 'int32', 'int64', 'float32', 'float64', ...SMALL_INT_DTYPES];

export const broadcastArgs = {
  broadcast: arg.bool(false),
  axis: arg.int(-1),
  axis_str: arg.str(''),
  order: arg.str('NCHW', ['NCHW', 'NHWC']),
};

export interface BroadcastParams {
  /** Caffe2's legacy broadcast (broadcast=1): B fits inside A at `axis`; output = A's shape. */
  readonly legacy: boolean;
  /** -1: align B's trailing dims with A's. */
  readonly axis: number;
}

/** Resolves broadcast/axis/axis_str/order as BinaryElementwiseWithArgsOp's constructor does. */
export function normalizeBroadcast(a: { broadcast: boolean; axis: number; axis_str: string; order: string }): BroadcastParams {
  if (!a.broadcast) return Object.freeze({ legacy: false, axis: -1 });
  let axis = a.axis;
  if (axis !== -1) {
    if (a.axis_str) throw new ArgError(`'axis' (${axis}) and 'axis_str' ("${a.axis_str}") cannot both be set`, { arg: 'axis_str' });
    if (axis < -1) throw new ArgError(`legacy broadcast axis must be >= 0, got ${axis}`, { arg: 'axis' });
  } else if (a.axis_str) {
    if (a.axis_str.length !== 1) throw new ArgError(`expected one character of order "${a.order}", got "${a.axis_str}"`, { arg: 'axis_str' });
    axis = a.order.indexOf(a.axis_str);
    if (axis < 0) throw new ArgError(`"${a.axis_str}" is not in order "${a.order}"`, { arg: 'axis_str' });
  }
  return Object.freeze({ legacy: true, axis });
}

export function checkDtypes(ins: readonly ValueInfo[], names: readonly string[], allowed: readonly DType[]): DType {
  const d = ins[0]!.dtype;
  if (!allowed.includes(d)) throw new ShapeError(`input '${names[0]}' must be ${allowed.join(', ')}, got ${d}`);
  for (let i = 1; i < ins.length; i++) {
    if (ins[i]!.dtype !== d) throw new ShapeError(`input '${names[i] ?? `#${i}`}' must be ${d} like input '${names[0]}', got ${ins[i]!.dtype}`);
  }
  return d;
}

/** numpy broadcast shape of A and B, naming them on mismatch; -1 (unknown) dims propagate. */
export function numpyShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const aa = alignShape(a, rank), bb = alignShape(b, rank);
  return aa.map((x, i) => {
    const y = bb[i]!;
    if (x === y || y === 1) return x;
    if (x === 1) return y;
    if (x < 0 || y < 0) return Math.max(x, y);
    throw new ShapeError(`inputs 'A' ${shapeStr(a)} and 'B' ${shapeStr(b)} do not broadcast (dim ${i - rank}: ${x} vs ${y})`);
  });
}

/** Output shape of a binary op under `p`; checks the legacy fit when the dims are known. */
export function broadcastShape(a: readonly number[], b: readonly number[], p: BroadcastParams): number[] {
  if (!p.legacy) return numpyShape(a, b);
  if (isStatic(a) && isStatic(b)) {
    const why = legacyBroadcastError(a, b, p.axis);
    if (why) throw new ShapeError(`legacy broadcast (broadcast=1, axis=${p.axis}): input 'B' ${shapeStr(b)} does not fit input 'A' ${shapeStr(a)}: ${why}`);
  }
  return a.slice();
}

/** Per-op cache of the row geometry, rebuilt only when the input shapes change. */
export class BroadcastCache {
  private a: readonly number[] | undefined;
  private b: readonly number[] | undefined;
  private bc: Broadcast | undefined;
  get(a: readonly number[], b: readonly number[], p: BroadcastParams): Broadcast {
    if (!this.bc || !shapesEqual(this.a!, a) || !shapesEqual(this.b!, b)) {
      this.bc = p.legacy ? planLegacyBroadcast(a, b, p.axis) : planNumpyBroadcast(a, b);
      this.a = a.slice(); this.b = b.slice();
    }
    return this.bc;
  }
}

/** Arithmetic dispatch by storage type; integer division by zero is an input error, not UB. */
export function runArith(op: number, out: Tensor, a: Tensor, b: Tensor, bc: Broadcast): void {
  if (op === DIV && isInteger(a.dtype)) {
    const d = b.data as NumArray | BigInt64Array;
    for (let i = 0; i < d.length; i++) if (d[i] == 0) throw new InputError(`integer division by zero (input 'B' element ${i} is 0)`);
  }
  if (a.dtype === 'float32') binaryF32(op, out.data as Float32Array, a.data as Float32Array, b.data as Float32Array, bc);
  else if (a.dtype === 'int64') binaryI64(op, out.data as BigInt64Array, a.data as BigInt64Array, b.data as BigInt64Array, bc);
  else binaryNum(op, out.data as NumArray, a.data as NumArray, b.data as NumArray, bc);
}

type Kind = 'arith' | 'compare' | 'logical';

function runKind(kind: Kind, op: number, out: Tensor, a: Tensor, b: Tensor, bc: Broadcast): void {
  if (kind === 'arith') runArith(op, out, a, b, bc);
  else if (kind === 'compare') compare(op, out.data as Uint8Array, a.data as Float32Array, b.data as Float32Array, bc);
  else logical(op, out.data as Uint8Array, a.data as Uint8Array, b.data as Uint8Array, bc);
}

/** The value of a small output whose inputs are all known while planning, else undefined. */
export function foldValue(ctx: InferCtx, ins: readonly ValueInfo[], out: OutInfo, compute: (t: Tensor, vals: Tensor[]) => void): Tensor | undefined {
  if (!ctx.planning || !isStatic(out.shape) || numel(out.shape) > FOLD_LIMIT) return undefined;
  const vals = ins.map((i) => i.value);
  if (vals.some((v) => !v)) return undefined;
  const t = new Tensor(out.dtype, out.shape);
  compute(t, vals as Tensor[]);
  return t;
}

const ARITH_INPLACE = [[0, 0], [0, 1]] as const;

/** A binary op with Caffe2's numpy-or-legacy broadcasting (elementwise_ops_schema.cc). */
export function binaryOp(type: string, kind: Kind, op: number, doc: string, category: Category = 'Elementwise'): AnyOpDef {
  const dtypes = kind === 'arith' ? BINARY_ARITH_DTYPES : kind === 'compare' ? COMPARE_DTYPES : (['bool'] as const);
  return defineOp({
    type, category, doc,
    inputs: [{ name: 'A' }, { name: 'B' }],
    outputs: [{ name: 'C' }],
    args: broadcastArgs,
    // the output may take over a non-broadcast operand's buffer (the planner checks sizes)
    inplace: kind === 'arith' ? ARITH_INPLACE : [],
    normalize: normalizeBroadcast,
    infer(ins, p, ctx) {
      const dtype = checkDtypes(ins, ['A', 'B'], dtypes);
      const out: OutInfo = { dtype: kind === 'arith' ? dtype : 'bool', shape: broadcastShape(ins[0]!.shape, ins[1]!.shape, p) };
      const value = foldValue(ctx, ins, out, (t, [a, b]) => {
        runKind(kind, op, t, a!, b!, p.legacy ? planLegacyBroadcast(a!.shape, b!.shape, p.axis) : planNumpyBroadcast(a!.shape, b!.shape));
      });
      return [value ? { ...out, value } : out];
    },
    prepare: () => new BroadcastCache(),
    run(ctx: RunCtx<BroadcastCache>, p) {
      const a = ctx.in(0), b = ctx.in(1);
      runKind(kind, op, ctx.out(0), a, b, ctx.state.get(a.shape, b.shape, p));
    },
  });
}

/**
 * Sum, Max, Min (utility_ops.cc SumOp, minmax_ops.h): N >= 1 inputs of one shape, no
 * broadcasting, folded left to right: out = ((x0 op x1) op x2) ...
 */
export function nAryOp(type: string, op: number, dtypes: readonly DType[], doc: string): AnyOpDef {
  return defineOp({
    type, category: 'Elementwise', doc,
    inputs: [{ name: 'data_0', variadic: true, min: 1 }],
    outputs: [{ name: 'output' }],
    args: {},
    inplace: [[0, 0]],
    infer(ins, _p, ctx) {
      const names = ins.map((_, i) => `data_${i}`);
      const dtype = checkDtypes(ins, names, dtypes);
      const s0 = ins[0]!.shape;
      ins.forEach((x, i) => {
        if (i > 0 && isStatic(s0) && isStatic(x.shape) && !shapesEqual(s0, x.shape)) {
          throw new ShapeError(`input 'data_${i}' ${shapeStr(x.shape)} must have the shape of input 'data_0' ${shapeStr(s0)} (${type} does not broadcast)`);
        }
      });
      const out: OutInfo = { dtype, shape: s0.slice() };
      const value = foldValue(ctx, ins, out, (t, vals) => foldN(op, t, (i) => vals[i]!, vals.length, planSame(t.size)));
      return [value ? { ...out, value } : out];
    },
    prepare: () => ({ n: -1, bc: planSame(0) }),
    run(ctx, _p) {
      const out = ctx.out(0), st = ctx.state;
      if (st.n !== out.size) { st.n = out.size; st.bc = planSame(out.size); }
      foldN(op, out, (i) => ctx.in(i), ctx.numInputs, st.bc);
    },
  });
}

function foldN(op: number, out: Tensor, input: (i: number) => Tensor, count: number, bc: Broadcast): void {
  const x0 = input(0);
  if (count === 1) {
    if (out.data !== x0.data) (out.data as Float32Array).set(x0.data as Float32Array);
    return;
  }
  runArith(op, out, x0, input(1), bc);
  for (let i = 2; i < count; i++) runArith(op, out, out, input(i), bc);
}
