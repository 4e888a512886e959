// NumpyTile (caffe2/operators/numpy_tile_op.h; ONNX Tile): repeats the input `repeats[i]` times
// along each axis i (numpy.tile with one repeat count per dim). `repeats` is a 1-D integer tensor
// with one entry >= 0 per input dim (Caffe2 read int64; int32 is accepted too).

import { tile } from '../../kernels/copy.js';
import { ShapeError, shapeStr } from '../core/errors.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import { defineOp } from './schema.js';
import { canFold, intValues, requireIndexType, requireNumeric, wordsOf } from './tensor_util.js';

function tiledShape(x: readonly number[], reps: readonly number[]): number[] {
  if (reps.length !== x.length) throw new ShapeError(`input 'repeats' has ${reps.length} entries, but input 'data' ${shapeStr(x)} has rank ${x.length}`);
  return x.map((d, i) => {
    const r = reps[i]!;
    if (r < 0) throw new ShapeError(`repeats [${reps.join(', ')}] has a negative entry at ${i}`);
    return d < 0 ? -1 : d * r;
  });
}

function run(y: Tensor, x: Tensor, reps: readonly number[]): void {
  const src = wordsOf(x);
  tile(wordsOf(y).w, src.w, x.shape, reps, src.unit);
}

function checkRepeats(x: ValueInfo, r: ValueInfo): void {
  requireIndexType(r, 'repeats');
  if (r.shape.length !== 1) throw new ShapeError(`input 'repeats' must be 1-D, got ${shapeStr(r.shape)}`);
  if (r.shape[0]! >= 0 && r.shape[0] !== x.shape.length) {
    throw new ShapeError(`input 'repeats' ${shapeStr(r.shape)} needs one entry per dim of input 'data' ${shapeStr(x.shape)}`);
  }
}

export default defineOp({
  type: 'NumpyTile', category: 'Tensor',
  doc: 'Repeats the input along every axis (numpy.tile).',
  inputs: [{ name: 'data' }, { name: 'repeats' }], outputs: [{ name: 'tiled_data' }],
  args: {},
  infer([x, r], _a, ctx) {
    requireNumeric(x!, 'data');
    checkRepeats(x!, r!);
    if (!r!.value) return [{ dtype: x!.dtype, shape: x!.shape.map(() => -1) }];
    const reps = intValues(r!.value, 'repeats');
    const shape = tiledShape(x!.shape, reps);
    if (!canFold([x!, r!], ctx, shape)) return [{ dtype: x!.dtype, shape }];
    const y = new Tensor(x!.dtype, shape);
    run(y, x!.value!, reps);
    return [{ dtype: x!.dtype, shape, value: y }];
  },
  run(ctx) {
    const x = ctx.in(0);
    run(ctx.out(0), x, intValues(ctx.in(1), 'repeats'));
  },
});
