// CopyCPUToGPU (caffe2/operators/copy_op.cc) copies a CPU tensor to a GPU.
// Everything here runs on the CPU, so it is the identity (a view); nets exported for GPU run as is.

import { defineOp } from './schema.js';
import { sameAsInput } from './tensor_util.js';

export default defineOp({
  type: 'CopyCPUToGPU', category: 'Utility',
  doc: 'Identity on the CPU (a device transfer in Caffe2).',
  inputs: [{ name: 'input' }], outputs: [{ name: 'output' }],
  args: {},
  infer([x], _a, ctx) { return [sameAsInput(x!, ctx)]; },
  run(ctx) { ctx.set(0, ctx.in(0)); },
});
