// Dropout (caffe2/operators/dropout_op.cc) for inference: Y = X. With is_test Caffe2 copies X
// and leaves `mask` unset; we always run the test-mode identity (this runtime does not train)
// and, when the mask output is asked for, fill it with true (every element kept).

import { ArgError } from '../core/errors.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

export default defineOp({
  type: 'Dropout', category: 'Layer', doc: 'Identity at inference; optional bool mask output of all true.',
  inputs: [{ name: 'data' }], outputs: [{ name: 'output' }, { name: 'mask', optional: true }],
  args: { ratio: arg.float(0.5), is_test: arg.bool(false) },
  inplace: [[0, 0]],
  normalize(a) {
    if (!(a.ratio >= 0 && a.ratio < 1)) throw new ArgError(`must be in [0, 1), got ${a.ratio}`, { arg: 'ratio' });
    return a;
  },
  infer(ins, _p, ctx) {
    requireFloat32(ins[0]!.dtype, 'data');
    const shape = ins[0]!.shape;
    return ctx.numOutputs === 2
      ? [{ dtype: 'float32', shape: shape.slice() }, { dtype: 'bool', shape: shape.slice() }]
      : [{ dtype: 'float32', shape: shape.slice() }];
  },
  run(ctx) {
    const x = ctx.in(0), y = ctx.out(0);
    if (y.data !== x.data) (y.data as Float32Array).set(x.data as Float32Array);
    if (ctx.numOutputs === 2) (ctx.out(1).data as Uint8Array).fill(1);
  },
});
