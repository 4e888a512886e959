// CollectAndDistributeFpnRpnProposals (caffe2/operators/collect_and_distribute_fpn_rpn_proposals_op.cc):
// CollectRpnProposals then DistributeFpnProposals in one op. Outputs: the collected rois [R, 5],
// one [n_l, 5] blob per roi level, and rois_idx_restore [R] int32.

import { ArgError } from '../core/errors.js';
import { arg, defineOp } from './schema.js';
import { LEGACY_PLUS_ONE_DOC } from './detection_util.js';
import {
  checkInputCount, checkLevels, collect, collectTopN, distribute, inferCollect, inferDistribute, type CollectParams, type DistributeParams,
} from './fpn_util.js';

export default defineOp({
  type: 'CollectAndDistributeFpnRpnProposals', category: 'Detection',
  doc: 'Top rois over all RPN levels, then split by FPN level with a restoring permutation.',
  inputs: [{ name: 'rpn_rois_and_probs', variadic: true, min: 2, doc: 'L roi blobs [n, 5], then L score blobs [n]' }],
  outputs: [{ name: 'rois' }, { name: 'rois_fpn', variadic: true, min: 2, doc: 'one blob per roi level, then rois_idx_restore' }],
  args: {
    roi_canonical_scale: arg.int(224), roi_canonical_level: arg.int(4), roi_max_level: arg.int(5), roi_min_level: arg.int(2),
    rpn_max_level: arg.int(6), rpn_min_level: arg.int(2), rpn_post_nms_topN: arg.int(), post_nms_topN: arg.int(),
    legacy_plus_one: arg.bool(true, { doc: LEGACY_PLUS_ONE_DOC }),
  },
  normalize(a, io): CollectParams & DistributeParams {
    checkInputCount(io.numInputs, checkLevels(a.rpn_min_level, a.rpn_max_level, 'rpn'));
    const L = checkLevels(a.roi_min_level, a.roi_max_level, 'roi');
    if (io.numOutputs !== L + 2) throw new ArgError(`gives rois, ${L} level blobs (roi_min_level..roi_max_level) and rois_idx_restore: ${L + 2} outputs, got ${io.numOutputs}`);
    return Object.freeze({
      rpnMin: a.rpn_min_level, rpnMax: a.rpn_max_level, topN: collectTopN(a), roiMin: a.roi_min_level, roiMax: a.roi_max_level,
      canonScale: a.roi_canonical_scale, canonLevel: a.roi_canonical_level, legacyPlusOne: a.legacy_plus_one,
    });
  },
  infer(ins, p) {
    const rois = inferCollect(ins, p);
    return [rois, ...inferDistribute(rois, p, 'rois')];
  },
  run(ctx, p) {
    const rois = collect(ctx, p, 0);
    distribute(ctx, rois, rois.length / 5, 5, p, 1, 'rois');
  },
});
