// Assert (caffe2/operators/assert_op.{h,cc}): fails unless every element of X (bool, int32 or
// int64) is true / non-zero; `error_msg` is the message. No outputs: it runs for its check.
// The ONNX Resize lowering uses it for what its shapes cannot express (batch/channel scales of 1).

import { InputError, ShapeError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { arg, defineOp } from './schema.js';

function check(x: Tensor, msg: string): void {
  const d = x.data as ArrayLike<number | bigint>;
  for (let i = 0; i < d.length; i++) {
    if (d[i] == 0) throw new InputError(`assertion failed${msg ? `: ${msg}` : ''} (element ${i} of input 'X' is false)`);
  }
}

export default defineOp({
  type: 'Assert', category: 'Control', doc: 'Fails with `error_msg` unless every element of X is true (non-zero).',
  inputs: [{ name: 'X' }], outputs: [],
  args: { error_msg: arg.str('') },
  infer([x], p) {
    if (x!.dtype !== 'bool' && x!.dtype !== 'int32' && x!.dtype !== 'int64') throw new ShapeError(`input 'X' must be bool, int32 or int64, got ${x!.dtype}`);
    if (x!.value) check(x!.value, p.error_msg);
    return [];
  },
  run(ctx, p) { check(ctx.in(0), p.error_msg); },
});
