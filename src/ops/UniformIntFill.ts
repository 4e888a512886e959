// UniformIntFill (caffe2/operators/filler_op.h, UniformFillOp<int>): int32 values uniform in
// [min, max], both ends included (std::uniform_int_distribution).

import { ArgError } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import { checkFillerArgs, fillShape, fillerArgs, type FillerParams } from './fill_util.js';
import { newRandomState, nextUnit, opRng, type RandomState } from './fill_random.js';
import { arg, defineOp } from './schema.js';

interface Params extends FillerParams { readonly min: number; readonly max: number }

export default defineOp({
  type: 'UniformIntFill', category: 'Data',
  doc: 'Uniform random int32 values in [min, max] (seeded per op; not Caffe2\'s stream).',
  inputs: [{ name: 'shape_source', optional: true }],
  outputs: [{ name: 'output' }],
  args: { ...fillerArgs, min: arg.int(0), max: arg.int(1) },
  normalize(a, io): Params {
    checkFillerArgs(a, io.numInputs);
    if (!(a.min < a.max)) throw new ArgError(`max must be greater than min, got min ${a.min}, max ${a.max}`, { arg: 'max' });
    return a;
  },
  infer(ins, p) { return [{ dtype: 'int32', shape: fillShape(ins, p) }]; },
  prepare: newRandomState,
  run(ctx, p) {
    const rng = opRng(ctx.state as RandomState, ctx.opIndex);
    const src: ValueInfo[] = ctx.numInputs ? [{ dtype: ctx.in(0).dtype, shape: ctx.in(0).shape.slice(), value: ctx.in(0) }] : [];
    const d = ctx.alloc(0, 'int32', fillShape(src, p)).data;
    const span = p.max - p.min + 1;
    for (let i = 0; i < d.length; i++) d[i] = p.min + Math.floor(nextUnit(rng) * span);
  },
});
