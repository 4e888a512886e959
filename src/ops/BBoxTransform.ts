// BBoxTransform (caffe2/operators/bbox_transform_op.cc): decodes per-class deltas [M, K*B] against
// rois [M, B] or [M, B + 1] (leading image index, rows grouped by image in increasing order) and
// clips each image's boxes to its unscaled size img = int(im_info / scale + 0.5), the quotient in
// float32. Boxes are divided by im_info[2] before decoding and multiplied by it after
// (apply_scale); angles are not scaled. Output 1 counts rois per image, as floats.

import { clipRotated, clipUpright, decodeRotated, decodeUpright, type BoxCoder } from '../../kernels/boxes.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { arg, defineOp } from './schema.js';
import { LEGACY_PLUS_ONE_DOC, boxCoder, checkAngleBounds, f32, requireFloat, requireSameDim, requireShape } from './detection_util.js';

interface Params { readonly coder: BoxCoder; readonly applyScale: boolean; readonly B: number; readonly clipAngleThresh: number }

export default defineOp({
  type: 'BBoxTransform', category: 'Detection',
  doc: 'Per-class box decoding of deltas against rois, clipped to each image and rescaled.',
  inputs: [{ name: 'rois' }, { name: 'deltas' }, { name: 'im_info' }],
  outputs: [{ name: 'box_out' }, { name: 'roi_batch_splits', optional: true }],
  args: {
    weights: arg.floats([1, 1, 1, 1]), apply_scale: arg.bool(true), rotated: arg.bool(false), angle_bound_on: arg.bool(true),
    angle_bound_lo: arg.int(-90), angle_bound_hi: arg.int(90), clip_angle_thresh: arg.float(1),
    legacy_plus_one: arg.bool(true, { doc: LEGACY_PLUS_ONE_DOC }),
  },
  ignore: ['correct_transform_coords'],
  normalize(a): Params {
    const w = a.weights ?? [];
    if (w.length !== 4) throw new ArgError(`must hold 4 values [wx, wy, ww, wh], got ${w.length}`, { arg: 'weights' });
    if (a.rotated) checkAngleBounds(a.angle_bound_on, a.angle_bound_lo, a.angle_bound_hi);
    return Object.freeze({ coder: boxCoder(a, w), applyScale: a.apply_scale, B: a.rotated ? 5 : 4, clipAngleThresh: f32(a.clip_angle_thresh) });
  },
  infer([rois, deltas, imInfo], p, ctx) {
    [rois, deltas, imInfo].forEach((x, i) => requireFloat(x!, ['rois', 'deltas', 'im_info'][i]!));
    const B = p.B;
    requireShape(rois!, 'rois', 2, `[M, ${B}|${B + 1}]`, [-1, [B, B + 1]]);
    requireShape(deltas!, 'deltas', 2, `[M, K*${B}]`);
    const M = rois!.shape[0]!, K = deltas!.shape[1]!;
    requireSameDim(deltas!.shape[0]!, M, () => `input 'deltas' ${shapeStr(deltas!.shape)} must have as many rows as input 'rois' ${shapeStr(rois!.shape)}`);
    if (K >= 0 && K % B !== 0) throw new ShapeError(`input 'deltas' must be [M, K*${B}], got ${shapeStr(deltas!.shape)} (${K} columns is not a multiple of ${B})`);
    requireShape(imInfo!, 'im_info', 2, '[batch_size, 3]', [-1, 3]);
    const batch = imInfo!.shape[0]!;
    if (rois!.shape[1] === B && batch >= 0 && batch !== 1) {
      throw new ShapeError(`input 'rois' ${shapeStr(rois!.shape)} has no image-index column, so input 'im_info' must be [1, 3], got ${shapeStr(imInfo!.shape)}`);
    }
    return [{ dtype: 'float32' as const, shape: deltas!.shape.slice() }, { dtype: 'float32' as const, shape: [batch] }].slice(0, ctx.numOutputs);
  },
  run(ctx, p) {
    const roisT = ctx.in(0), deltasT = ctx.in(1), imInfo = ctx.in(2).data as Float32Array;
    const rois = roisT.data as Float32Array, deltas = deltasT.data as Float32Array, out = ctx.out(0).data as Float32Array;
    const B = p.B, M = roisT.shape[0]!, cols = roisT.shape[1]!, KB = deltasT.shape[1]!, batch = ctx.in(2).shape[0]!;
    const perImage = new Array<number>(batch).fill(0);
    if (cols === B) perImage[0] = M;
    else {
      for (let i = 0; i < M; i++) {
        const b = Math.trunc(rois[i * cols]!);
        if (!(b >= 0 && b < batch)) throw new ShapeError(`input 'rois' row ${i} has image index ${rois[i * cols]}, expected 0..${batch - 1} (im_info has ${batch} rows)`);
        perImage[b]!++;
      }
    }
    const boxes = ctx.scratch('f32', M * B);
    let offset = 0;
    for (let i = 0; i < batch; i++) {
      const n = perImage[i]!, before = imInfo[3 * i + 2]!, after = p.applyScale ? before : 1;
      // rows are taken in order, as Caffe2 does: it assumes they are grouped by image
      const imgH = Math.trunc(f32(imInfo[3 * i]! / before) + 0.5), imgW = Math.trunc(f32(imInfo[3 * i + 1]! / before) + 0.5);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < B; j++) {
          const v = rois[(offset + r) * cols + cols - B + j]!;
          boxes[r * B + j] = j < 4 ? f32(v / before) : v;
        }
      }
      for (let k = 0; k < KB / B; k++) {
        const o = out.subarray(offset * KB + k * B), d = deltas.subarray(offset * KB + k * B);
        if (B === 4) {
          decodeUpright(o, KB, boxes, 4, d, KB, n, p.coder);
          clipUpright(o, KB, n, imgH, imgW, p.coder.legacyPlusOne);
        } else {
          decodeRotated(o, KB, boxes, 5, d, KB, n, p.coder);
          clipRotated(o, KB, n, imgH, imgW, p.clipAngleThresh, p.coder.legacyPlusOne);
        }
        for (let r = 0; r < n; r++) for (let j = 0; j < 4; j++) o[r * KB + j] = f32(o[r * KB + j]! * after);
      }
      offset += n;
    }
    if (ctx.numOutputs > 1) (ctx.out(1).data as Float32Array).set(perImage);
  },
});
