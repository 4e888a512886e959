// DistributeFpnProposals (caffe2/operators/collect_and_distribute_fpn_rpn_proposals_op.cc): routes
// rois [R, 4|5] to FPN levels roi_min_level..roi_max_level by
// floor(canonical_level + log2(sqrt(area) / canonical_scale + 1e-6)) in float32, clamped; one
// [n_l, 5] blob per level (original order; 4-column rois get image index 0), then
// rois_idx_restore [R] int32, the permutation that undoes the level grouping.

import { arg, defineOp } from './schema.js';
import { LEGACY_PLUS_ONE_DOC } from './detection_util.js';
import { checkLevels, distribute, inferDistribute, type DistributeParams } from './fpn_util.js';
import { ArgError } from '../core/errors.js';

export default defineOp({
  type: 'DistributeFpnProposals', category: 'Detection',
  doc: 'Splits rois by FPN level; the last output restores the original order.',
  inputs: [{ name: 'rois' }],
  outputs: [{ name: 'rois_fpn', variadic: true, min: 1, doc: 'one blob per level, then rois_idx_restore' }],
  args: {
    roi_canonical_scale: arg.int(224), roi_canonical_level: arg.int(4), roi_max_level: arg.int(5), roi_min_level: arg.int(2),
    legacy_plus_one: arg.bool(true, { doc: LEGACY_PLUS_ONE_DOC }),
  },
  normalize(a, io): DistributeParams {
    const L = checkLevels(a.roi_min_level, a.roi_max_level, 'roi');
    if (io.numOutputs !== L + 1) throw new ArgError(`gives ${L} level blobs (roi_min_level..roi_max_level) and rois_idx_restore: ${L + 1} outputs, got ${io.numOutputs}`);
    return Object.freeze({ roiMin: a.roi_min_level, roiMax: a.roi_max_level, canonScale: a.roi_canonical_scale, canonLevel: a.roi_canonical_level, legacyPlusOne: a.legacy_plus_one });
  },
  infer([rois], p) { return inferDistribute(rois!, p, 'rois'); },
  run(ctx, p) {
    const rois = ctx.in(0);
    distribute(ctx, rois.data as Float32Array, rois.shape[0]!, rois.shape[1]!, p, 0, 'rois');
  },
});
