// ResizeNearest (caffe2/operators/resize_op.cc): nearest-neighbour resize of a 4-D float32 map,
// NCHW (detectron2's FPN top-down 2x) or NHWC. Output H, W = int(H * height_scale),
// int(W * width_scale); source y = min(int(y / height_scale), H - 1) with a float32 quotient.
// The optional `scales` input [height_scale, width_scale] overrides the args.

import { ShapeError, shapeStr } from '../core/errors.js';
import { resizeNearestNchw, resizeNearestNhwc } from '../../kernels/resize.js';
import { checkScalesInput, normalizeScales, outHW, scaleArgs, scalesFrom, type ScaleParams } from './resize_util.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

interface Params extends ScaleParams { readonly nhwc: boolean }

export default defineOp({
  type: 'ResizeNearest', category: 'Layer',
  doc: 'Nearest resize of 4-D X by (height_scale, width_scale) or the `scales` input; NCHW or NHWC.',
  inputs: [{ name: 'X' }, { name: 'scales', optional: true }], outputs: [{ name: 'Y' }],
  args: { ...scaleArgs, order: arg.str('NCHW', ['NCHW', 'NHWC']) },
  normalize: (a): Params => Object.freeze({ ...normalizeScales(a), nhwc: a.order === 'NHWC' }),
  infer(ins, p) {
    const x = ins[0]!;
    requireFloat32(x.dtype);
    if (x.shape.length !== 4) throw new ShapeError(`input 'X' must be 4-D (${p.nhwc ? 'NHWC' : 'NCHW'}), got ${shapeStr(x.shape)}`);
    let s: ScaleParams | undefined = p;
    if (ins.length === 2) {
      checkScalesInput(ins[1]!);
      s = ins[1]!.value ? scalesFrom(ins[1]!.value) : undefined;
    }
    const [N, a, b, c] = x.shape as [number, number, number, number];
    if (p.nhwc) { const [oH, oW] = outHW(a, b, s); return [{ dtype: 'float32', shape: [N, oH, oW, c] }]; }
    const [oH, oW] = outHW(b, c, s);
    return [{ dtype: 'float32', shape: [N, a, oH, oW] }];
  },
  run(ctx, p) {
    const x = ctx.in(0), y = ctx.out(0);
    const s = ctx.numInputs === 2 ? scalesFrom(ctx.in(1)) : p;
    const [N, d1, d2, d3] = x.shape as [number, number, number, number];
    const [, o1, o2, o3] = y.shape as [number, number, number, number];
    if (p.nhwc) {
      resizeNearestNhwc(y.data as Float32Array, x.data as Float32Array, N, d1, d2, d3, o1, o2, s.hScale, s.wScale, ctx.scratch('i32', o2));
    } else {
      resizeNearestNchw(y.data as Float32Array, x.data as Float32Array, N * d1, d2, d3, o2, o3, s.hScale, s.wScale, ctx.scratch('i32', o3));
    }
  },
});
