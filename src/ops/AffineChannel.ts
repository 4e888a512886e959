// AffineChannel (caffe2/operators/affine_channel_op.cc): Y = X * scale[c] + bias[c] per channel
// (C = dim 1 for NCHW, the last dim for NHWC). Detectron1's frozen batch norm.

import { affineChannelF32 } from '../../kernels/norm.js';
import { sizeBetween } from '../core/shape.js';
import { checkFloatInputs, checkPerChannel } from './norm_util.js';
import { arg, defineOp } from './schema.js';

const NAMES = ['X', 'scale', 'bias'];

export default defineOp({
  type: 'AffineChannel', category: 'Normalization', doc: 'Y = X * scale[c] + bias[c] (float32; NCHW or NHWC).',
  inputs: [{ name: 'X' }, { name: 'scale' }, { name: 'bias' }], outputs: [{ name: 'Y' }],
  args: { order: arg.str('NCHW', ['NCHW', 'NHWC']), is_learnable: arg.bool(false) },
  inplace: [[0, 0]],
  infer(ins, p) {
    checkFloatInputs(ins, NAMES, 2);
    const x = ins[0]!.shape;
    checkPerChannel(ins, NAMES, 1, 3, p.order === 'NCHW' ? x[1]! : x[x.length - 1]!);
    return [{ dtype: 'float32', shape: x.slice() }];
  },
  run(ctx, p) {
    const x = ctx.in(0), nhwc = p.order === 'NHWC';
    const C = nhwc ? x.shape[x.rank - 1]! : x.shape[1]!;
    const HxW = nhwc ? sizeBetween(x.shape, 1, x.rank - 1) : sizeBetween(x.shape, 2);
    affineChannelF32(ctx.out(0).data as Float32Array, x.data as Float32Array, ctx.in(1).data as Float32Array,
      ctx.in(2).data as Float32Array, x.shape[0]!, C, HxW, nhwc);
  },
});
