// RoIAlignRotated (caffe2/operators/roi_align_rotated_op.cc): RoIAlign over rotated RoIs [R, 5|6]
// = [batch?, cx, cy, w, h, angle in degrees, counter-clockwise]; the sample grid is laid out
// around the center and rotated. Same args and output layout as RoIAlign.

import { RoIAlignScratch, roiAlignRotated } from '../../kernels/roi_align.js';
import { defineOp } from './schema.js';
import { inferRoIAlign, roiAlignArgs, roiAlignParams, runRoIAlign } from './roi_align_util.js';

export default defineOp({
  type: 'RoIAlignRotated', category: 'Layer',
  doc: 'RoIAlign over rotated boxes [cx, cy, w, h, angle].',
  inputs: [{ name: 'X' }, { name: 'RoIs' }],
  outputs: [{ name: 'Y' }],
  args: roiAlignArgs,
  normalize: roiAlignParams,
  infer(ins, p) { return inferRoIAlign(ins, p, 5); },
  prepare() { return new RoIAlignScratch(); },
  run(ctx, p) { runRoIAlign(ctx, p, 5, roiAlignRotated); },
});
