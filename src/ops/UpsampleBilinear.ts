// UpsampleBilinear (caffe2/operators/upsample_op.cc): align-corners bilinear resize of NCHW
// float32 X by (height_scale, width_scale) or the `scales` input; output int(in * scale).
// (detectron2 itself exports bilinear upsampling as a fixed ConvTranspose instead.)

import { ShapeError, shapeStr } from '../core/errors.js';
import { upsampleBilinearNchw } from '../../kernels/resize.js';
import { checkScalesInput, normalizeScales, outHW, scaleArgs, scalesFrom, type ScaleParams } from './resize_util.js';
import { defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

export default defineOp({
  type: 'UpsampleBilinear', category: 'Layer',
  doc: 'Align-corners bilinear resize of NCHW X by (height_scale, width_scale) or the `scales` input.',
  inputs: [{ name: 'X' }, { name: 'scales', optional: true }], outputs: [{ name: 'Y' }],
  args: scaleArgs,
  normalize: (a): ScaleParams => Object.freeze(normalizeScales(a)),
  infer(ins, p) {
    const x = ins[0]!;
    requireFloat32(x.dtype);
    if (x.shape.length !== 4) throw new ShapeError(`input 'X' must be 4-D NCHW, got ${shapeStr(x.shape)}`);
    let s: ScaleParams | undefined = p;
    if (ins.length === 2) {
      checkScalesInput(ins[1]!);
      s = ins[1]!.value ? scalesFrom(ins[1]!.value) : undefined;
    }
    const [oH, oW] = outHW(x.shape[2]!, x.shape[3]!, s);
    return [{ dtype: 'float32', shape: [x.shape[0]!, x.shape[1]!, oH, oW] }];
  },
  run(ctx) {
    const x = ctx.in(0), y = ctx.out(0);
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const oH = y.shape[2]!, oW = y.shape[3]!;
    upsampleBilinearNchw(y.data as Float32Array, x.data as Float32Array, N * C, H, W, oH, oW,
      ctx.scratch('i32', 2 * oW), ctx.scratch('f32', 2 * oW));
  },
});
