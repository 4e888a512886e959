// BatchGather (caffe2/operators/batch_gather_ops.h): Gather along axis 1 without index wrapping
// (ONNX Gather with axis=1 lowers to it). DATA must have rank >= 2.

import { ShapeError, shapeStr } from '../core/errors.js';
import { inferGather, runGather, type GatherParams } from './Gather.js';
import { arg, defineOp } from './schema.js';

export default defineOp({
  type: 'BatchGather', category: 'Tensor',
  doc: 'Gather along axis 1: the entries of each DATA row at INDICES.',
  inputs: [{ name: 'DATA' }, { name: 'INDICES' }], outputs: [{ name: 'OUTPUT' }],
  args: { match_outer: arg.bool(false) },
  normalize(a): GatherParams { return Object.freeze({ axis: 1, wrap: false, matchOuter: a.match_outer }); },
  infer(ins, p, ctx) {
    if (ins[0]!.shape.length < 2) throw new ShapeError(`input 'DATA' must have rank >= 2, got ${shapeStr(ins[0]!.shape)}`);
    return inferGather(ins, p, ctx.planning);
  },
  run: runGather,
});
