// Alias (caffe2/operators/utility_ops.h AliasOp): the output shares the input's storage.
// Blobs are values here (in-place writes make new versions), so a later in-place write to
// either name is not seen through the other, unlike Caffe2's shared storage.

import { defineOp } from './schema.js';
import { sameAsInput } from './tensor_util.js';

export default defineOp({
  type: 'Alias', category: 'Utility',
  doc: 'The input itself under another name (no copy).',
  inputs: [{ name: 'input' }], outputs: [{ name: 'output' }],
  args: {},
  infer([x], _a, ctx) { return [sameAsInput(x!, ctx)]; },
  run(ctx) { ctx.set(0, ctx.in(0)); },
});
