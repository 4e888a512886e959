// SpatialBN (caffe2/operators/spatial_batch_norm_op.{h,cc}), inference only:
// Y = (X - mean) * scale / sqrt(var + epsilon) + bias per channel, folded once into
// alpha = scale / sqrt(var + eps), beta = bias - alpha * mean (ComputeFusedParam) and applied
// as an AffineChannel. With constant parameters the fold happens at plan time.

import { ArgError } from '../core/errors.js';
import { sizeBetween } from '../core/shape.js';
import type { ValueInfo } from '../core/tensor.js';
import { affineChannelF32, batchNormParamsF32 } from '../../kernels/norm.js';
import { checkFloatInputs, checkPerChannel } from './norm_util.js';
import { arg, defineOp } from './schema.js';

const NAMES = ['X', 'scale', 'bias', 'mean', 'var'];

interface State { alpha: Float32Array; beta: Float32Array; folded: boolean }

function fold(st: State, scale: Float32Array, bias: Float32Array, mean: Float32Array, variance: Float32Array, eps: number): void {
  if (st.alpha.length !== scale.length) { st.alpha = new Float32Array(scale.length); st.beta = new Float32Array(scale.length); }
  batchNormParamsF32(st.alpha, st.beta, scale, bias, mean, variance, eps);
}

export default defineOp({
  type: 'SpatialBN', category: 'Normalization',
  doc: 'Test-mode batch norm over channels (NCHW dim 1, NHWC last dim); epsilon default 1e-5.',
  inputs: NAMES.map((name) => ({ name })), outputs: [{ name: 'Y' }],
  args: {
    is_test: arg.bool(false), epsilon: arg.float(1e-5), order: arg.str('NCHW', ['NCHW', 'NHWC']),
    momentum: arg.float(0.9), num_batches: arg.int(1),
  },
  inplace: [[0, 0]],
  normalize(a) {
    if (!a.is_test) throw new ArgError('training mode (is_test=0) is not supported: inference nets set is_test=1', { arg: 'is_test' });
    if (!(a.epsilon > 0)) throw new ArgError(`must be > 0, got ${a.epsilon}`, { arg: 'epsilon' });
    // read as a double, then used as float (static_cast<T>(epsilon_))
    return Object.freeze({ eps: Math.fround(a.epsilon), nhwc: a.order === 'NHWC' });
  },
  infer(ins, p) {
    checkFloatInputs(ins, NAMES, 2);
    const x = ins[0]!.shape;
    checkPerChannel(ins, NAMES, 1, 5, p.nhwc ? x[x.length - 1]! : x[1]!);
    return [{ dtype: 'float32', shape: x.slice() }];
  },
  prepare(ins: readonly ValueInfo[], p): State {
    const st: State = { alpha: new Float32Array(0), beta: new Float32Array(0), folded: false };
    const v = ins.slice(1).map((i) => i.value);
    if (v.every((t) => t)) {
      fold(st, ...(v.map((t) => t!.data) as [Float32Array, Float32Array, Float32Array, Float32Array]), p.eps);
      st.folded = true;
    }
    return st;
  },
  run(ctx, p) {
    const x = ctx.in(0), st = ctx.state;
    if (!st.folded) {
      fold(st, ctx.in(1).data as Float32Array, ctx.in(2).data as Float32Array, ctx.in(3).data as Float32Array,
        ctx.in(4).data as Float32Array, p.eps);
    }
    const C = p.nhwc ? x.shape[x.rank - 1]! : x.shape[1]!;
    const HxW = p.nhwc ? sizeBetween(x.shape, 1, x.rank - 1) : sizeBetween(x.shape, 2);
    affineChannelF32(ctx.out(0).data as Float32Array, x.data as Float32Array, st.alpha, st.beta, x.shape[0]!, C, HxW, p.nhwc);
  },
});
