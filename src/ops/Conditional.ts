// Conditional (caffe2/operators/conditional_op.cc): row i (along the first dim) of the output is
// row i of DataT where Condition[i], else of DataF. Condition is 1-D bool with one entry per row;
// DataT and DataF share shape and dtype.

import { selectRows } from '../../kernels/copy.js';
import { ShapeError, shapeStr } from '../core/errors.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import { defineOp } from './schema.js';
import { canFold, product, requireNumeric, wordsOf } from './tensor_util.js';

function check(ins: readonly ValueInfo[]): void {
  const [c, t, f] = [ins[0]!, ins[1]!, ins[2]!];
  requireNumeric(t, 'DataT');
  if (c.dtype !== 'bool') throw new ShapeError(`input 'Condition' must be bool, got ${c.dtype}`);
  if (c.shape.length !== 1) throw new ShapeError(`input 'Condition' must be 1-D, got ${shapeStr(c.shape)}`);
  if (t.shape.length < 1) throw new ShapeError("input 'DataT' must have rank >= 1, got a 0-d tensor");
  if (c.shape[0]! >= 0 && t.shape[0]! >= 0 && c.shape[0] !== t.shape[0]) {
    throw new ShapeError(`input 'Condition' ${shapeStr(c.shape)} needs one entry per row of input 'DataT' ${shapeStr(t.shape)}`);
  }
  if (f.dtype !== t.dtype) throw new ShapeError(`input 'DataF' is ${f.dtype}, but input 'DataT' is ${t.dtype}`);
  const same = f.shape.length === t.shape.length && f.shape.every((d, i) => d < 0 || t.shape[i]! < 0 || d === t.shape[i]);
  if (!same) throw new ShapeError(`inputs 'DataT' ${shapeStr(t.shape)} and 'DataF' ${shapeStr(f.shape)} must have the same shape`);
}

function select(y: Tensor, c: Tensor, t: Tensor, f: Tensor): void {
  const o = wordsOf(y);
  selectRows(o.w, c.data as Uint8Array, wordsOf(t).w, wordsOf(f).w, product(t.shape, 1) * o.unit);
}

export default defineOp({
  type: 'Conditional', category: 'Tensor',
  doc: 'Row-wise choice between DataT and DataF by a bool Condition.',
  inputs: [{ name: 'Condition' }, { name: 'DataT' }, { name: 'DataF' }], outputs: [{ name: 'DataO' }],
  args: {},
  infer(ins, _a, ctx) {
    check(ins);
    const t = ins[1]!;
    const shape = t.shape.map((d, i) => (d >= 0 ? d : ins[2]!.shape[i]!));
    if (!canFold(ins, ctx, shape)) return [{ dtype: t.dtype, shape }];
    const y = new Tensor(t.dtype, shape);
    select(y, ins[0]!.value!, t.value!, ins[2]!.value!);
    return [{ dtype: t.dtype, shape, value: y }];
  },
  run(ctx) { select(ctx.out(0), ctx.in(0), ctx.in(1), ctx.in(2)); },
});
