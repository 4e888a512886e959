// CollectRpnProposals (caffe2/operators/collect_and_distribute_fpn_rpn_proposals_op.cc): the rois
// [n_l, 5] of levels rpn_min_level..rpn_max_level, then their scores [n_l], are concatenated and
// the top rpn_post_nms_topN over the whole batch kept, by score with ties to the lower
// concatenated index (all when <= 0 or >= the total). Output rois [R, 5]; scores are dropped.

import { arg, defineOp } from './schema.js';
import { checkInputCount, checkLevels, collect, collectTopN, inferCollect, type CollectParams } from './fpn_util.js';

export default defineOp({
  type: 'CollectRpnProposals', category: 'Detection',
  doc: 'Top rpn_post_nms_topN rois by score over all FPN levels.',
  inputs: [{ name: 'rpn_rois_and_probs', variadic: true, min: 2, doc: 'L roi blobs [n, 5], then L score blobs [n]' }],
  outputs: [{ name: 'rois' }],
  args: { rpn_max_level: arg.int(6), rpn_min_level: arg.int(2), rpn_post_nms_topN: arg.int(), post_nms_topN: arg.int() },
  normalize(a, io): CollectParams {
    checkInputCount(io.numInputs, checkLevels(a.rpn_min_level, a.rpn_max_level, 'rpn'));
    return Object.freeze({ rpnMin: a.rpn_min_level, rpnMax: a.rpn_max_level, topN: collectTopN(a) });
  },
  infer(ins, p) { return [inferCollect(ins, p)]; },
  run(ctx, p) { collect(ctx, p, 0); },
});
