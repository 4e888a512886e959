// GenerateProposals, alias GenerateProposalsCPP (caffe2/operators/generate_proposals_op.cc):
// RPN proposals per image from scores [N, A, H, W], deltas [N, A*B, H, W], im_info [N, 3] and
// anchors [A, B] (B = 4 upright xyxy, 5 rotated): top pre_nms_topN by score in (A, H, W) order,
// decode, clip to int(im_info), drop small or off-image boxes, NMS, keep post_nms_topN.
// Output rois [R, B + 1] = [image index, box] and rois_probs [R], images in order.

import { preNmsCount, proposalsForImage, type ProposalParams } from '../../kernels/proposals.js';
import { ShapeError, shapeStr } from '../core/errors.js';
import { arg, defineOp } from './schema.js';
import {
  LEGACY_PLUS_ONE_DOC, bound, boxCoder, checkAngleBounds, f32, requireFloat, requireSameDim, requireShape,
} from './detection_util.js';

interface Params extends ProposalParams { readonly angleBoundOn: boolean; readonly lo: number; readonly hi: number }

export default defineOp({
  type: 'GenerateProposals', aliases: ['GenerateProposalsCPP'], category: 'Detection',
  doc: 'RPN proposals: top-k anchors by score, decoded, clipped, filtered by size, NMS, per image.',
  inputs: [{ name: 'scores' }, { name: 'bbox_deltas' }, { name: 'im_info' }, { name: 'anchors' }],
  outputs: [{ name: 'rois' }, { name: 'rois_probs' }],
  args: {
    spatial_scale: arg.float(1 / 16), pre_nms_topN: arg.int(6000), post_nms_topN: arg.int(300), nms_thresh: arg.float(0.7),
    min_size: arg.float(16), angle_bound_on: arg.bool(true), angle_bound_lo: arg.int(-90), angle_bound_hi: arg.int(90),
    clip_angle_thresh: arg.float(1), legacy_plus_one: arg.bool(true, { doc: LEGACY_PLUS_ONE_DOC }),
  },
  // dropped from the C++ op long ago; old nets (and Caffe2's own tests) still pass it
  ignore: ['correct_transform_coords'],
  normalize(a): Params {
    return Object.freeze({
      featStride: f32(1 / f32(a.spatial_scale)), preNmsTopN: a.pre_nms_topN, postNmsTopN: a.post_nms_topN,
      nmsThresh: f32(a.nms_thresh), minSize: f32(a.min_size), clipAngleThresh: f32(a.clip_angle_thresh),
      coder: boxCoder(a), angleBoundOn: a.angle_bound_on, lo: a.angle_bound_lo, hi: a.angle_bound_hi,
    });
  },
  infer([scores, deltas, imInfo, anchors], p) {
    [scores, deltas, imInfo, anchors].forEach((x, i) => requireFloat(x!, ['scores', 'bbox_deltas', 'im_info', 'anchors'][i]!));
    requireShape(scores!, 'scores', 4, '[N, A, H, W]');
    requireShape(anchors!, 'anchors', 2, '[A, 4|5]', [-1, [4, 5]]);
    const [N, A, H, W] = scores!.shape as [number, number, number, number];
    const B = anchors!.shape[1]!;
    requireSameDim(anchors!.shape[0]!, A, () => `input 'anchors' ${shapeStr(anchors!.shape)} must have A = ${A} rows (from 'scores' ${shapeStr(scores!.shape)})`);
    const ds = deltas!.shape;
    if (ds.length !== 4 || [N, B >= 0 && A >= 0 ? A * B : -1, H, W].some((d, i) => d >= 0 && ds[i]! >= 0 && d !== ds[i])) {
      throw new ShapeError(`input 'bbox_deltas' must be [N, A*${B < 0 ? 'B' : B}, H, W] = ${shapeStr([N, A * B, H, W])}, got ${shapeStr(ds)}`);
    }
    requireShape(imInfo!, 'im_info', 2, `[N, 3] = ${shapeStr([N, 3])}`, [N, 3]);
    if (B === 5) checkAngleBounds(p.angleBoundOn, p.lo, p.hi);
    const perImage = A >= 0 && H >= 0 && W >= 0 ? preNmsCount(A * H * W, p.preNmsTopN) : undefined;
    const cap = p.postNmsTopN > 0 ? Math.min(p.postNmsTopN, perImage ?? Infinity) : perImage;
    const max = cap === undefined ? undefined : bound(N, cap);
    const cols = B >= 0 ? B + 1 : -1;
    return [
      { dtype: 'float32', shape: [-1, cols], ...(max !== undefined ? { max: [max, cols] } : {}) },
      { dtype: 'float32', shape: [-1], ...(max !== undefined ? { max: [max] } : {}) },
    ];
  },
  run(ctx, p) {
    const scores = ctx.in(0), deltas = ctx.in(1), imInfo = ctx.in(2).data as Float32Array, anchors = ctx.in(3).data as Float32Array;
    const [N, A, H, W] = scores.shape as [number, number, number, number];
    const B = ctx.in(3).shape[1]!, n = A * H * W, k = preNmsCount(n, p.preNmsTopN);
    const s = { i32: ctx.scratch('i32', 3 * k, 0), f32: ctx.scratch('f32', 2 * k * B + k, 0), nms: { f32: ctx.scratch('f32', 5 * k, 1), i32: ctx.scratch('i32', k, 1) } };
    // per-image results go to scratch first: the total count is known only at the end
    const boxes = ctx.scratch('f32', N * k * B, 2), probs = ctx.scratch('f32', N * k, 3);
    const counts: number[] = [];
    let total = 0;
    for (let i = 0; i < N; i++) {
      const m = proposalsForImage(boxes.subarray(total * B), probs.subarray(total), (scores.data as Float32Array).subarray(i * n, (i + 1) * n),
        (deltas.data as Float32Array).subarray(i * n * B, (i + 1) * n * B), anchors, A, H, W, B, imInfo.subarray(3 * i, 3 * i + 3), p, s);
      counts.push(m);
      total += m;
    }
    const rois = ctx.alloc(0, 'float32', [total, B + 1]).data, out = ctx.alloc(1, 'float32', [total]).data;
    out.set(probs.subarray(0, total));
    let r = 0;
    counts.forEach((m, i) => {
      for (let j = 0; j < m; j++, r++) {
        rois[r * (B + 1)] = i;
        for (let c = 0; c < B; c++) rois[r * (B + 1) + 1 + c] = boxes[r * B + c]!;
      }
    });
  },
});
