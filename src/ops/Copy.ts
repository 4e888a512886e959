// Copy (caffe2/operators/copy_op.cc; ONNX Identity): the output is a copy of the input with its
// own storage. A view would be safe inside a run (the runner writes in place only into buffers
// nothing else references), but a returned output would then alias a weight or a caller's
// input, which Caffe2's Copy never does.

import { copyWords } from '../../kernels/copy.js';
import { defineOp } from './schema.js';
import { sameAsInput, wordsOf } from './tensor_util.js';

export default defineOp({
  type: 'Copy', category: 'Utility',
  doc: 'A copy of the input in new storage.',
  inputs: [{ name: 'input' }], outputs: [{ name: 'output' }],
  args: {},
  infer([x], _a, ctx) { return [sameAsInput(x!, ctx)]; },
  run(ctx) {
    const x = ctx.in(0);
    if (x.dtype === 'string') { ctx.set(0, x.clone()); return; }
    const src = wordsOf(x), dst = wordsOf(ctx.out(0));
    copyWords(dst.w, 0, src.w, 0, src.w.length);
  },
});
