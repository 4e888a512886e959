// RoIAlign (caffe2/operators/roi_align_op.cc): X [N, C, H, W] (NHWC: [N, H, W, C]), RoIs [R, 4|5]
// = [batch?, x1, y1, x2, y2] in image coordinates; Y [R, C, pooled_h, pooled_w] (NHWC:
// [R, pooled_h, pooled_w, C]). Bins average bilinear samples: sampling_ratio per axis, or
// ceil(roi / pooled) when <= 0; `aligned` shifts by half a pixel. See kernels/roi_align.ts.

import { RoIAlignScratch, roiAlign } from '../../kernels/roi_align.js';
import { defineOp } from './schema.js';
import { inferRoIAlign, roiAlignArgs, roiAlignParams, runRoIAlign } from './roi_align_util.js';

export default defineOp({
  type: 'RoIAlign', category: 'Layer',
  doc: 'Bilinear RoI pooling of a feature map into pooled_h x pooled_w bins per RoI.',
  inputs: [{ name: 'X' }, { name: 'RoIs' }],
  outputs: [{ name: 'Y' }],
  args: roiAlignArgs,
  normalize: roiAlignParams,
  infer(ins, p) { return inferRoIAlign(ins, p, 4); },
  prepare() { return new RoIAlignScratch(); },
  run(ctx, p) { runRoIAlign(ctx, p, 4, roiAlign); },
});
