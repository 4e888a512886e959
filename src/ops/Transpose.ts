// Transpose (caffe2/operators/transpose_op.h): Y.dims[i] = X.dims[axes[i]]; `axes` must be a
// permutation of 0..rank-1, empty means reversed dims. Every numeric dtype (Caffe2 had float,
// double, int32, int64); the kernel moves raw words.

import { transpose } from '../../kernels/transpose.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { arg, defineOp } from './schema.js';
import { canFold, requireNumeric, wordsOf } from './tensor_util.js';

function permFor(dims: readonly number[], axes: readonly number[]): number[] {
  const rank = dims.length;
  if (axes.length === 0) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (axes.length !== rank) throw new ShapeError(`axes [${axes.join(', ')}] has ${axes.length} entries, but input 'X' ${shapeStr(dims)} has rank ${rank}`);
  return axes.slice();
}

function run(y: Tensor, x: Tensor, perm: readonly number[]): void {
  const src = wordsOf(x), dst = wordsOf(y);
  transpose(dst.w, src.w, x.shape, perm, src.unit);
}

export default defineOp({
  type: 'Transpose', category: 'Tensor',
  doc: 'Permutes the axes (reverses them when `axes` is empty).',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: { axes: arg.ints([]) },
  normalize(a) {
    const axes = a.axes ?? [];
    const sorted = axes.slice().sort((p, q) => p - q);
    if (sorted.some((v, i) => v !== i)) throw new ArgError(`[${axes.join(', ')}] is not a permutation of 0..${axes.length - 1}`, { arg: 'axes' });
    return Object.freeze({ axes });
  },
  infer([x], p, ctx) {
    requireNumeric(x!, 'X');
    const perm = permFor(x!.shape, p.axes);
    const shape = perm.map((a) => x!.shape[a]!);
    if (!canFold([x!], ctx, shape)) return [{ dtype: x!.dtype, shape }];
    const y = new Tensor(x!.dtype, shape);
    run(y, x!.value!, perm);
    return [{ dtype: x!.dtype, shape, value: y }];
  },
  run(ctx, p) {
    const x = ctx.in(0);
    run(ctx.out(0), x, permFor(x.shape, p.axes));
  },
});
