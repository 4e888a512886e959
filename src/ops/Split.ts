// Split (caffe2/operators/concat_split_op.h): cuts input 0 along `axis` (or `order`, as Concat)
// into the outputs. Sizes come from the `split` arg or input (not both); without either the axis
// is divided equally and must divide evenly. With `add_axis` the axis is removed: its size must
// equal the number of outputs, each taking one slice.

import { splitAxis } from '../../kernels/copy.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import { axisIn, axisParams, type AxisParams } from './Concat.js';
import { arg, defineOp, type OutInfo } from './schema.js';
import { canFold, intValues, product, requireIndexType, requireNumeric, unitOf, wordsOf } from './tensor_util.js';

interface Params extends AxisParams { readonly split: readonly number[] }

interface Layout { axis: number; sizes: number[] | undefined; shapes: number[][] }

function layout(ins: readonly ValueInfo[], p: Params, n: number): Layout {
  const x = ins[0]!;
  const what = `input 'input' ${shapeStr(x.shape)}`;
  const axis = axisIn(p.axis, x.shape.length, what);
  const D = x.shape[axis]!;
  let sizes: number[] | undefined;
  if (ins.length === 2) {
    const s = ins[1]!;
    requireIndexType(s, 'split');
    const len = product(s.shape);
    if (len >= 0 && len !== n) throw new ShapeError(`input 'split' ${shapeStr(s.shape)} holds ${len} sizes for ${n} outputs`);
    if (s.value) sizes = intValues(s.value.reshape([len]), 'split');
  } else if (p.split.length) sizes = p.split.slice();
  else if (D >= 0) {
    if (D % n !== 0) throw new ShapeError(`${what}: dim ${axis} (${D}) does not divide into ${n} equal parts`);
    sizes = new Array<number>(n).fill(D / n);
  }
  if (sizes) {
    sizes.forEach((v, i) => { if (v < 0) throw new ShapeError(`split size #${i} is ${v} (expected >= 0)`); });
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (!p.addAxis && D >= 0 && sum !== D) throw new ShapeError(`split sizes [${sizes.join(', ')}] add up to ${sum}, but ${what} has ${D} along axis ${axis}`);
  }
  if (p.addAxis && D >= 0 && D !== n) throw new ShapeError(`with add_axis, ${what} needs ${n} entries along axis ${axis} (one per output), got ${D}`);
  const shapes = Array.from({ length: n }, (_, i) => {
    const s = x.shape.slice();
    if (p.addAxis) s.splice(axis, 1);
    else s[axis] = sizes ? sizes[i]! : -1;
    return s;
  });
  return { axis, sizes, shapes };
}

function split(outs: readonly Tensor[], x: Tensor, axis: number, addAxis: boolean): void {
  const unit = unitOf(x.dtype);
  const after = product(x.shape, axis + 1) * unit;
  const inners = outs.map((o) => (addAxis ? 1 : o.shape[axis]!) * after);
  splitAxis(outs.map((o) => wordsOf(o).w), wordsOf(x).w, product(x.shape, 0, axis), inners);
}

export default defineOp({
  type: 'Split', category: 'Tensor',
  doc: 'Cuts the input along `axis` into the outputs (sizes from `split`, or equal parts).',
  inputs: [{ name: 'input' }, { name: 'split', optional: true }],
  outputs: [{ name: 'output', variadic: true, min: 1 }],
  args: { axis: arg.int(), order: arg.str(), add_axis: arg.int(0), split: arg.ints([]) },
  normalize(a, io): Params {
    const split = a.split ?? [];
    if (io.numInputs === 2 && split.length) throw new ArgError("must not be set when the sizes come from input 'split'", { arg: 'split' });
    if (split.length && split.length !== io.numOutputs) throw new ArgError(`gives ${split.length} sizes for ${io.numOutputs} outputs`, { arg: 'split' });
    if (split.some((v) => v < 0)) throw new ArgError(`sizes must be >= 0, got [${split.join(', ')}]`, { arg: 'split' });
    return Object.freeze({ ...axisParams(a), split });
  },
  infer(ins, p, ctx) {
    requireNumeric(ins[0]!, 'input');
    const l = layout(ins, p, ctx.numOutputs);
    const dtype = ins[0]!.dtype;
    const out: OutInfo[] = l.shapes.map((shape) => ({ dtype, shape }));
    if (canFold(ins, ctx, ins[0]!.shape)) {
      const ys = l.shapes.map((s) => new Tensor(dtype, s));
      split(ys, ins[0]!.value!, l.axis, p.addAxis);
      ys.forEach((y, i) => { out[i]!.value = y; });
    }
    return out;
  },
  run(ctx, p) {
    const x = ctx.in(0);
    const outs = Array.from({ length: ctx.numOutputs }, (_, i) => ctx.out(i));
    split(outs, x, axisIn(p.axis, x.rank, 'input'), p.addAxis);
  },
});
