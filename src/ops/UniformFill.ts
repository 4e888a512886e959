// UniformFill (caffe2/operators/filler_op.h): float32 values uniform in [min, max). With three
// inputs (shape source, min, max) the bounds come from the scalar blobs, and min > max gives an
// output whose first dim is 0.

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { numel } from '../core/shape.js';
import type { ValueInfo } from '../core/tensor.js';
import { checkFillerArgs, fillShape, fillerArgs, type FillerParams } from './fill_util.js';
import { fillUniform, newRandomState, opRng, type RandomState } from './fill_random.js';
import { arg, defineOp } from './schema.js';

interface Params extends FillerParams { readonly min: number; readonly max: number }

function bounds(ins: readonly ValueInfo[], p: Params): { min: number; max: number } | undefined {
  if (ins.length !== 3) return { min: p.min, max: p.max };
  for (const [i, name] of [[1, 'min'], [2, 'max']] as const) {
    const n = numel(ins[i]!.shape);
    if (n >= 0 && ins[i]!.shape.every((d) => d >= 0) && n !== 1) throw new ShapeError(`input '${name}' must hold one element, got ${shapeStr(ins[i]!.shape)}`);
  }
  const lo = ins[1]!.value, hi = ins[2]!.value;
  return lo && hi ? { min: lo.get(0), max: hi.get(0) } : undefined;
}

function outShape(ins: readonly ValueInfo[], p: Params): { shape: number[]; max?: number[] } {
  const shape = fillShape(ins.slice(0, 1), p);
  if (ins.length !== 3 || !shape.length) return { shape };
  const b = bounds(ins, p);
  if (!b) return { shape: [-1, ...shape.slice(1)], max: shape };
  return { shape: b.min > b.max ? [0, ...shape.slice(1)] : shape };
}

export default defineOp({
  type: 'UniformFill', category: 'Data',
  doc: 'Uniform random float32 values in [min, max) (seeded per op; not Caffe2\'s stream).',
  inputs: [{ name: 'shape_source', optional: true }, { name: 'min', optional: true }, { name: 'max', optional: true }],
  outputs: [{ name: 'output' }],
  args: { ...fillerArgs, min: arg.float(), max: arg.float() },
  normalize(a, io): Params {
    checkFillerArgs(a, io.numInputs);
    if (io.numInputs === 2) throw new ArgError('takes 0, 1 or 3 inputs (shape source, min, max), got 2');
    if (io.numInputs === 3) {
      for (const k of ['min', 'max'] as const) if (a[k] !== undefined) throw new ArgError(`cannot set both the '${k}' arg and the '${k}' input`, { arg: k });
    }
    const min = a.min ?? 0, max = a.max ?? 1;
    if (io.numInputs !== 3 && !(min < max)) throw new ArgError(`max must be greater than min, got min ${min}, max ${max}`, { arg: 'max' });
    return Object.freeze({ shape: a.shape, extra_shape: a.extra_shape, input_as_shape: a.input_as_shape, min, max });
  },
  infer(ins, p) {
    const s = outShape(ins, p);
    return [{ dtype: 'float32', shape: s.shape, ...(s.max ? { max: s.max } : {}) }];
  },
  prepare: newRandomState,
  run(ctx, p) {
    const rng = opRng(ctx.state as RandomState, ctx.opIndex);
    const ins: ValueInfo[] = [];
    for (let i = 0; i < ctx.numInputs; i++) { const t = ctx.in(i); ins.push({ dtype: t.dtype, shape: t.shape.slice(), value: t }); }
    const out = ctx.alloc(0, 'float32', outShape(ins, p).shape);
    const b = bounds(ins, p)!;
    fillUniform(out.data, b.min, b.max, rng);
  },
});
