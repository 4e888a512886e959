// ScatterAssign (caffe2/operators/utility_ops.h): DATA[INDICES[k]] = SLICES[k] along the first
// dim, in place when the planner lets the output take DATA's buffer (otherwise DATA is copied
// first). SLICES must hold len(INDICES) rows of DATA's row size and DATA's dtype; a repeated
// index takes the last row. Caffe2 only DCHECKs the index range; here it is an error.

import { copyWords, scatterRows } from '../../kernels/copy.js';
import { ShapeError, shapeStr } from '../core/errors.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import { defineOp } from './schema.js';
import { canFold, product, requireIndexType, requireNumeric, wordsOf } from './tensor_util.js';

function check(ins: readonly ValueInfo[]): void {
  const [data, idx, slices] = [ins[0]!, ins[1]!, ins[2]!];
  requireNumeric(data, 'DATA');
  requireIndexType(idx, 'INDICES');
  if (data.shape.length < 1) throw new ShapeError("input 'DATA' must have rank >= 1, got a 0-d tensor");
  if (slices.dtype !== data.dtype) throw new ShapeError(`input 'SLICES' is ${slices.dtype}, but input 'DATA' is ${data.dtype}`);
  const K = product(idx.shape), block = product(data.shape, 1), n = product(slices.shape);
  if (K >= 0 && block >= 0 && n >= 0 && n !== K * block) {
    throw new ShapeError(`input 'SLICES' ${shapeStr(slices.shape)} must hold ${K} rows of ${block} (INDICES ${shapeStr(idx.shape)}, DATA ${shapeStr(data.shape)}), got ${n} elements`);
  }
}

function scatter(out: Tensor, data: Tensor, idx: Tensor, slices: Tensor, scratch: Int32Array): void {
  const o = wordsOf(out), d = wordsOf(data);
  if (o.w.buffer !== d.w.buffer || o.w.byteOffset !== d.w.byteOffset) copyWords(o.w, 0, d.w, 0, d.w.length);
  const N = data.shape[0]!;
  const v = idx.data as ArrayLike<number | bigint>;
  for (let k = 0; k < idx.size; k++) {
    const j = Number(v[k]!);
    if (!(j >= 0 && j < N)) throw new ShapeError(`INDICES[${k}] = ${v[k]} is out of range for input 'DATA' ${shapeStr(data.shape)} (expected 0..${N - 1})`);
    scratch[k] = j;
  }
  scatterRows(o.w, scratch, wordsOf(slices).w, product(data.shape, 1) * o.unit, idx.size);
}

export default defineOp({
  type: 'ScatterAssign', category: 'Tensor',
  doc: 'DATA with rows INDICES replaced by the rows of SLICES (in place when possible).',
  inputs: [{ name: 'DATA' }, { name: 'INDICES' }, { name: 'SLICES' }], outputs: [{ name: 'DATA' }],
  args: {},
  inplace: [[0, 0]],
  infer(ins, _a, ctx) {
    check(ins);
    const shape = ins[0]!.shape.slice();
    if (!canFold(ins, ctx, shape)) return [{ dtype: ins[0]!.dtype, shape }];
    const y = new Tensor(ins[0]!.dtype, shape);
    scatter(y, ins[0]!.value!, ins[1]!.value!, ins[2]!.value!, new Int32Array(ins[1]!.value!.size));
    return [{ dtype: y.dtype, shape, value: y }];
  },
  run(ctx) {
    const idx = ctx.in(1);
    scatter(ctx.out(0), ctx.in(0), idx, ctx.in(2), ctx.scratch('i32', idx.size));
  },
});
