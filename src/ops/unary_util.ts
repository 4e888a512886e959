// Shared by the one-input elementwise ops: float32-only activations and math (Caffe2 registers
// them for float only) and the signed numeric ones (Negative, Abs). Output = input's shape.

import type { DType } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { absI64, absNum, negI64, negNum, type SignedArray } from '../../kernels/activation.js';
import { PARALLEL_UNARY, PARALLEL_UNARY_MIN, unaryExec } from '../../kernels/unary_parallel.js';
import { foldValue } from './elementwise_util.js';
import { defineOp, type AnyOpDef, type Category } from './schema.js';

export function requireFloat32(d: DType, name = 'X'): void {
  if (d !== 'float32') throw new ShapeError(`input '${name}' must be float32, got ${d}`);
}

/**
 * Y = kernel(X) elementwise over float32, in place allowed. A kernel of PARALLEL_UNARY runs over
 * the engine's threads on large tensors in its memory.
 */
export function unaryF32Op(type: string, kernel: (out: Float32Array, x: Float32Array) => void, doc: string,
  category: Category = 'Elementwise'): AnyOpDef {
  const parallel = (PARALLEL_UNARY as readonly unknown[]).indexOf(kernel);
  return defineOp({
    type, category, doc,
    inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
    args: {},
    inplace: [[0, 0]],
    infer([x]) {
      requireFloat32(x!.dtype);
      return [{ dtype: 'float32', shape: x!.shape.slice() }];
    },
    run(ctx) {
      const y = ctx.out(0).data as Float32Array, x = ctx.in(0).data as Float32Array, ex = ctx.exec;
      if (parallel >= 0 && ex && ex.threads > 1 && x.length >= PARALLEL_UNARY_MIN) {
        const yp = ex.arena.ptrOf(y), xp = ex.arena.ptrOf(x);
        if (yp >= 0 && xp >= 0) { unaryExec(ex, parallel, yp, xp, x.length); return; }
      }
      kernel(y, x);
    },
  });
}

const SIGNED: readonly DType[] = ['int32', 'int64', 'float32', 'float64'];

function runSigned(neg: boolean, out: Tensor, x: Tensor): void {
  if (x.dtype === 'int64') (neg ? negI64 : absI64)(out.data as BigInt64Array, x.data as BigInt64Array);
  else (neg ? negNum : absNum)(out.data as SignedArray, x.data as SignedArray);
}

/** Negative or Abs over int32, int64, float, double; small known inputs fold at plan time. */
export function signedOp(type: 'Negative' | 'Abs', doc: string): AnyOpDef {
  const neg = type === 'Negative';
  return defineOp({
    type, category: 'Elementwise', doc,
    inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
    args: {},
    inplace: [[0, 0]],
    infer(ins, _p, ctx) {
      const x = ins[0]!;
      if (!SIGNED.includes(x.dtype)) throw new ShapeError(`input 'X' must be ${SIGNED.join(', ')}, got ${x.dtype}`);
      const out = { dtype: x.dtype, shape: x.shape.slice() };
      const value = foldValue(ctx, ins, out, (t, [v]) => runSigned(neg, t, v!));
      return [value ? { ...out, value } : out];
    },
    run(ctx) { runSigned(neg, ctx.out(0), ctx.in(0)); },
  });
}
