// Not (caffe2/operators/elementwise_ops.cc): Y = !X over a bool tensor.

import { ShapeError } from '../core/errors.js';
import { notBool } from '../../kernels/elementwise.js';
import { foldValue } from './elementwise_util.js';
import { defineOp } from './schema.js';

export default defineOp({
  type: 'Not', category: 'Logic', doc: 'Logical not of a bool tensor.',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: {},
  inplace: [[0, 0]],
  infer(ins, _p, ctx) {
    if (ins[0]!.dtype !== 'bool') throw new ShapeError(`input 'X' must be bool, got ${ins[0]!.dtype}`);
    const out = { dtype: 'bool' as const, shape: ins[0]!.shape.slice() };
    const value = foldValue(ctx, ins, out, (t, [x]) => notBool(t.data as Uint8Array, x!.data as Uint8Array));
    return [value ? { ...out, value } : out];
  },
  run(ctx) { notBool(ctx.out(0).data as Uint8Array, ctx.in(0).data as Uint8Array); },
});
