// Concat (caffe2/operators/concat_split_op.h): joins inputs along `axis` (default from `order`:
// NCHW -> 1, NHWC -> 3; giving both is an error). With `add_axis` (only honoured together with
// `axis`, as in Caffe2) the inputs are stacked along a new axis. Output 1, `split_info`, is int32:
// each input's size along the axis (1 with add_axis).

import { concatAxis } from '../../kernels/copy.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import { arg, defineOp, type OutInfo } from './schema.js';
import { canFold, product, requireNumeric, unitOf, wordsOf } from './tensor_util.js';

export interface AxisParams { readonly axis: number; readonly addAxis: boolean }

/** Resolves `axis` / `order` / `add_axis` the way Caffe2's Concat and Split constructors do. */
export function axisParams(a: { axis: number | undefined; order: string | undefined; add_axis: number }): AxisParams {
  if (a.axis !== undefined && a.order !== undefined) throw new ArgError("give 'axis' or 'order', not both", { arg: 'order' });
  if (a.order !== undefined && a.order !== 'NCHW' && a.order !== 'NHWC') {
    throw new ArgError(`value "${a.order}" is not allowed (expected one of "NCHW", "NHWC")`, { arg: 'order' });
  }
  if (a.axis !== undefined) return Object.freeze({ axis: a.axis, addAxis: a.add_axis !== 0 });
  return Object.freeze({ axis: a.order === 'NHWC' ? 3 : 1, addAxis: false });
}

/** Canonical axis against `rank`, or a ShapeError naming the input (`what`, e.g. "input #0 [2, 3]"). */
export function axisIn(axis: number, rank: number, what: string): number {
  if (axis < -rank || axis >= rank) {
    throw new ShapeError(`axis ${axis} is out of range for ${what} (expected ${-rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

function concatShape(ins: readonly ValueInfo[], p: AxisParams): { shape: number[]; axis: number } {
  const s0 = ins[0]!.shape, r = s0.length;
  const axis = axisIn(p.axis, r + (p.addAxis ? 1 : 0), `input #0 ${shapeStr(s0)}${p.addAxis ? ' with add_axis' : ''}`);
  const shape = s0.slice();
  ins.forEach((x, i) => {
    if (x.dtype !== ins[0]!.dtype) throw new ShapeError(`input #${i} is ${x.dtype}, but input #0 is ${ins[0]!.dtype} (all inputs must share a dtype)`);
    if (x.shape.length !== r) throw new ShapeError(`input #${i} ${shapeStr(x.shape)} has rank ${x.shape.length}, but input #0 ${shapeStr(s0)} has rank ${r}`);
    x.shape.forEach((d, j) => {
      if (j === axis && !p.addAxis) return;
      if (shape[j]! < 0) shape[j] = d;
      else if (d >= 0 && d !== shape[j]) {
        const rule = p.addAxis ? 'with add_axis every dim must match' : `only dim ${axis} may differ`;
        throw new ShapeError(`input #${i} ${shapeStr(x.shape)} does not match input #0 ${shapeStr(s0)} at dim ${j} (${rule})`);
      }
    });
  });
  if (p.addAxis) shape.splice(axis, 0, ins.length);
  else {
    let sum = 0;
    for (const x of ins) { const d = x.shape[axis]!; if (d < 0) { sum = -1; break; } sum += d; }
    shape[axis] = sum;
  }
  return { shape, axis };
}

function concat(out: Tensor, ins: readonly Tensor[], axis: number): void {
  const unit = unitOf(out.dtype);
  const outer = product(out.shape, 0, axis);
  const parts = ins.map((t) => wordsOf(t).w);
  const inners = ins.map((t) => product(t.shape, axis) * unit);
  concatAxis(wordsOf(out).w, parts, outer, inners);
}

export default defineOp({
  type: 'Concat', category: 'Tensor',
  doc: 'Joins the inputs along `axis` (or stacks them with `add_axis`); output 1 holds the sizes.',
  inputs: [{ name: 'X', variadic: true, min: 1 }],
  outputs: [{ name: 'concat_result' }, { name: 'split_info', optional: true }],
  args: { axis: arg.int(), order: arg.str(), add_axis: arg.int(0) },
  normalize: axisParams,
  infer(ins, p, ctx) {
    ins.forEach((x, i) => requireNumeric(x, `#${i}`));
    const { shape, axis } = concatShape(ins, p);
    const out: OutInfo[] = [{ dtype: ins[0]!.dtype, shape }];
    if (canFold(ins, ctx, shape)) {
      const y = new Tensor(ins[0]!.dtype, shape);
      concat(y, ins.map((x) => x.value!), axis);
      out[0]!.value = y;
    }
    if (ctx.numOutputs === 2) {
      const sizes = ins.map((x) => (p.addAxis ? 1 : x.shape[axis]!));
      out.push({ dtype: 'int32', shape: [ins.length], ...(ctx.planning && sizes.every((d) => d >= 0) ? { value: Tensor.from('int32', [ins.length], sizes) } : {}) });
    }
    return out;
  },
  run(ctx, p) {
    const ins = Array.from({ length: ctx.numInputs }, (_, i) => ctx.in(i));
    const y = ctx.out(0);
    const axis = axisIn(p.axis, ins[0]!.rank + (p.addAxis ? 1 : 0), 'input #0');
    concat(y, ins, axis);
    if (ctx.numOutputs === 2) {
      const info = ctx.out(1).data as Int32Array;
      ins.forEach((x, i) => { info[i] = p.addAxis ? 1 : x.shape[axis]!; });
    }
  },
});
