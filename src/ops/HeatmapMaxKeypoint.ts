// HeatmapMaxKeypoint (caffe2/operators/heatmap_max_keypoint_op.cc): keypoints [N, 4, K] (x, y,
// refined logit, softmax probability or 0) from heatmaps [N, K, S, S] (S >= 2) and boxes
// [N, >= 4]. The op's own default for should_output_softmax is false; detectron2 passes true.

import { heatmapMaxKeypoint } from '../../kernels/heatmap.js';
import { ShapeError, shapeStr } from '../core/errors.js';
import { arg, defineOp } from './schema.js';
import { requireFloat, requireSameDim, requireShape } from './detection_util.js';

export default defineOp({
  type: 'HeatmapMaxKeypoint', category: 'Detection',
  doc: 'Sub-pixel keypoint locations and scores from keypoint heatmaps and their boxes.',
  inputs: [{ name: 'heatmaps' }, { name: 'bboxes_in' }],
  outputs: [{ name: 'keypoints' }],
  args: { should_output_softmax: arg.bool(false) },
  infer([maps, boxes]) {
    requireFloat(maps!, 'heatmaps');
    requireFloat(boxes!, 'bboxes_in');
    requireShape(maps!, 'heatmaps', 4, '[N, K, S, S]');
    const [N, K, S, S2] = maps!.shape as [number, number, number, number];
    if ((S >= 0 && S < 2) || (S >= 0 && S2 >= 0 && S !== S2)) throw new ShapeError(`input 'heatmaps' must be square maps of at least 2 x 2, [N, K, S, S], got ${shapeStr(maps!.shape)}`);
    if (boxes!.shape.length !== 2 || (boxes!.shape[1]! >= 0 && boxes!.shape[1]! < 4)) throw new ShapeError(`input 'bboxes_in' must be [N, >= 4], got ${shapeStr(boxes!.shape)}`);
    requireSameDim(boxes!.shape[0]!, N, () => `input 'bboxes_in' ${shapeStr(boxes!.shape)} must have one box per heatmap set of input 'heatmaps' ${shapeStr(maps!.shape)}`);
    return [{ dtype: 'float32', shape: [N, 4, K] }];
  },
  run(ctx, p) {
    const maps = ctx.in(0), boxes = ctx.in(1);
    const [N, K, S] = maps.shape as [number, number, number];
    heatmapMaxKeypoint(ctx.out(0).data as Float32Array, maps.data as Float32Array, boxes.data as Float32Array, boxes.shape[1]!, N, K, S, p.should_output_softmax);
  },
});
