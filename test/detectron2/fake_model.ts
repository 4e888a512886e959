// A model whose net ignores the image and returns two fixed detections at the network's input
// size (74x46 for the 37x23 fixtures: meta resizes the short side to 46), with all-ones 2x2
// masks. Browser-safe, so the browser test bundles it too.
import { encodeNetDef, type NetDef } from '../../src/proto/caffe2.js';
import { makeArg, makeNet, makeOp } from '../helpers/netdef.js';

export function fakeNets(opts: { outputs?: boolean; meta?: boolean } = {}): { predict: NetDef; init: NetDef } {
  const ops = [makeOp('Shape', ['data'], ['data_shape']), makeOp('Shape', ['im_info'], ['im_info_shape'])];
  const outs: string[] = [];
  if (opts.outputs !== false) {
    ops.push(
      makeOp('GivenTensorFill', [], ['bbox_nms'], { shape: [2, 4], values: { floats: [4, 4, 40, 30, 60, 10, 74, 46] } }),
      makeOp('GivenTensorFill', [], ['score_nms'], { shape: [2], values: { floats: [0.9, 0.3] } }),
      makeOp('GivenTensorFill', [], ['class_nms'], { shape: [2], values: { floats: [1, 0] } }),
      makeOp('GivenTensorFill', [], ['mask_fcn_probs'], { shape: [2, 2, 2, 2], values: { floats: new Array<number>(16).fill(1) } }),
    );
    outs.push('bbox_nms', 'score_nms', 'class_nms', 'mask_fcn_probs');
  } else outs.push('data_shape');
  const predict = makeNet(ops, ['data', 'im_info'], outs);
  if (opts.meta !== false) predict.arg.push(makeArg('meta_architecture', 'GeneralizedRCNN'), makeArg('min_size_test', 46), makeArg('max_size_test', 1000), makeArg('size_divisibility', 32));
  return { predict, init: makeNet([], [], []) };
}

export function fakeModelBytes(opts: { outputs?: boolean; meta?: boolean } = {}): { predict: Uint8Array; init: Uint8Array } {
  const n = fakeNets(opts);
  return { predict: encodeNetDef(n.predict), init: encodeNetDef(n.init) };
}
