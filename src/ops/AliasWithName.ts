// AliasWithName (caffe2/operators/alias_with_name.cc): an alias of the input. `name` (required)
// and `is_backward` only guide detectron2's graph rewriting (fuse_alias_placeholder); at run
// time the op is the identity.

import { arg, defineOp } from './schema.js';
import { sameAsInput } from './tensor_util.js';

export default defineOp({
  type: 'AliasWithName', category: 'Utility',
  doc: 'The input itself (detectron2 uses it to name blobs); `name` is required.',
  inputs: [{ name: 'input' }], outputs: [{ name: 'output' }],
  args: { name: arg.required(arg.str()), is_backward: arg.bool(false) },
  inplace: [[0, 0]],
  infer([x], _a, ctx) { return [sameAsInput(x!, ctx)]; },
  run(ctx) { ctx.set(0, ctx.in(0)); },
});
