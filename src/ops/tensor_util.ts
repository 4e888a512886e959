// Helpers shared by the shape and data-movement ops: word views of tensors (so one kernel moves
// every dtype bit-exactly), plan-time value folding, and reading shape/index tensors exactly.

import { bytesPerElement, type DType } from '../core/dtype.js';
import { NotSupportedError, ShapeError, shapeStr } from '../core/errors.js';
import { numelOrUnknown } from '../core/shape.js';
import { Tensor, type ValueInfo } from '../core/tensor.js';
import type { Words } from '../../kernels/copy.js';
import type { InferCtx } from './schema.js';

/** Outputs up to this many elements are computed while planning when their inputs are known. */
export const FOLD_MAX = 4096;

export interface WordView {
  /** The tensor's bytes as 8-, 16- or 32-bit words. */
  readonly w: Words;
  /** Words per element (2 for 8-byte types). */
  readonly unit: number;
}

/** The raw words of a numeric tensor: 1/2/4-byte elements map 1:1, 8-byte ones to two Int32 words. */
export function wordsOf(t: Tensor): WordView {
  const d = t.data as Uint8Array;
  const b = bytesPerElement(t.dtype);
  switch (b) {
    case 1: return { w: new Uint8Array(d.buffer, d.byteOffset, t.size), unit: 1 };
    case 2: return { w: new Uint16Array(d.buffer, d.byteOffset, t.size), unit: 1 };
    case 4: return { w: new Int32Array(d.buffer, d.byteOffset, t.size), unit: 1 };
    case 8: return { w: new Int32Array(d.buffer, d.byteOffset, t.size * 2), unit: 2 };
    default: throw new NotSupportedError(`${t.dtype} tensors cannot be moved by this op`);
  }
}

/** Words per element of a dtype. */
export function unitOf(dtype: DType): number { return bytesPerElement(dtype) === 8 ? 2 : 1; }

/** Rejects string tensors in ops that move raw words. */
export function requireNumeric(info: ValueInfo, name: string): void {
  if (info.dtype === 'string') throw new NotSupportedError(`input '${name}' is a string tensor; only numeric tensors are supported`);
}

/** Requires an integer index/shape tensor (int32 or int64). */
export function requireIndexType(info: ValueInfo, name: string): void {
  if (info.dtype !== 'int32' && info.dtype !== 'int64') {
    throw new ShapeError(`input '${name}' must be int32 or int64, got ${info.dtype}`);
  }
}

/** True when planning and every input's value is known and the output stays small. */
export function canFold(ins: readonly ValueInfo[], ctx: InferCtx, outShape?: readonly number[]): boolean {
  if (!ctx.planning) return false;
  for (const i of ins) if (!i.value) return false;
  if (outShape) {
    const n = numelOrUnknown(outShape);
    if (n < 0 || n > FOLD_MAX) return false;
  }
  return true;
}

/**
 * The values of a 0-d or 1-D integer tensor as JS numbers; `what` names it in errors. With
 * `saturate`, int64 values above the safe range (INT64_MAX meaning "to the end") become
 * MAX_SAFE_INTEGER instead of an error, for indices that are clamped to a dim anyway.
 */
export function intValues(t: Tensor, what: string, saturate = false): number[] {
  if (t.rank > 1) throw new ShapeError(`input '${what}' must be 1-D, got ${shapeStr(t.shape)}`);
  const out = new Array<number>(t.size);
  const max = Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < t.size; i++) {
    const v = (t.data as ArrayLike<number | bigint>)[i]!;
    const n = saturate ? Math.min(max, Number(v)) : Number(v);
    if (!Number.isSafeInteger(n)) throw new ShapeError(`input '${what}' value ${v} at [${i}] is not a usable integer`);
    out[i] = n;
  }
  return out;
}

/** Product of dims, -1 when any is unknown (0 wins: a known 0 dim makes the product 0). */
export function product(dims: readonly number[], from = 0, to = dims.length): number {
  let n = 1, unknown = false;
  for (let i = from; i < to; i++) {
    const d = dims[i]!;
    if (d === 0) return 0;
    if (d < 0) unknown = true;
    else n *= d;
  }
  return unknown ? -1 : n;
}

/** A tensor sharing `src`'s storage with another shape (views: Reshape, ExpandDims, Alias...). */
export function viewAs(src: Tensor, shape: readonly number[]): Tensor {
  return new Tensor(src.dtype, shape, src.data);
}

/** An int64 1-D tensor of JS integers. */
export function int64Vector(values: readonly number[]): Tensor {
  return Tensor.from('int64', [values.length], values.map((v) => BigInt(v)));
}

/** The result of `infer` for an op whose output is its input unchanged (same dtype, shape, value). */
export function sameAsInput(x: ValueInfo, ctx: InferCtx): { dtype: DType; shape: number[]; value?: Tensor } {
  return { dtype: x.dtype, shape: x.shape.slice(), ...(ctx.planning && x.value ? { value: x.value } : {}) };
}
