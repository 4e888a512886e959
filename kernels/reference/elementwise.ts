// Reference twins of kernels/elementwise.ts: one output element at a time, its input indices
// unravelled from the shapes (caffe2/operators/elementwise_ops.h, math::Add etc. over
// numpy-aligned dims; the legacy form arrives as B viewed with A's rank). Ignores the row plan.

import type { Broadcast } from '../broadcast.js';
import { ADD, AND, DIV, EQ, GE, GT, LE, LT, MAX, MIN, MUL, NE, OR, POW, SUB, XOR, type NumArray } from '../elementwise.js';

/** Flat index into an operand of shape `s` (same rank as out) for output multi-index `idx`. */
function operandIndex(idx: readonly number[], s: readonly number[]): number {
  let k = 0;
  for (let d = 0; d < s.length; d++) k = k * s[d]! + (s[d] === 1 ? 0 : idx[d]!);
  return k;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = i % shape[d]!; i = Math.floor(i / shape[d]!); }
  return idx;
}

function each(bc: Broadcast, f: (o: number, ia: number, ib: number) => void): void {
  let total = 1;
  for (const d of bc.outShape) total *= d;
  for (let o = 0; o < total; o++) {
    const idx = unravel(o, bc.outShape);
    f(o, operandIndex(idx, bc.aShape), operandIndex(idx, bc.bShape));
  }
}

function arith(op: number, x: number, y: number, int: boolean): number {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return int ? Number(BigInt.asIntN(32, BigInt(x) * BigInt(y))) : x * y;
    case DIV: return int ? Math.trunc(x / y) : x / y;
    case POW: return Math.pow(x, y);
    case MAX: return Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y);
    case MIN: return Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y);
  }
  throw new Error(`unknown op ${op}`);
}

export function binaryF32(op: number, out: Float32Array, a: Float32Array, b: Float32Array, bc: Broadcast): void {
  each(bc, (o, ia, ib) => { out[o] = Math.fround(arith(op, a[ia]!, b[ib]!, false)); });
}

/** Integer results are computed exactly (C's int promotion), then wrapped to the storage's width. */
export function binaryNum(op: number, out: NumArray, a: NumArray, b: NumArray, bc: Broadcast): void {
  const int = !(out instanceof Float32Array || out instanceof Float64Array);
  each(bc, (o, ia, ib) => { out[o] = int ? wrap(out, arith(op, a[ia]!, b[ib]!, true)) : arith(op, a[ia]!, b[ib]!, false); });
}

function wrap(out: NumArray, v: number): number {
  const bits = out.BYTES_PER_ELEMENT * 8;
  const signed = out instanceof Int8Array || out instanceof Int16Array || out instanceof Int32Array;
  return Number(signed ? BigInt.asIntN(bits, BigInt(v)) : BigInt.asUintN(bits, BigInt(v)));
}

export function binaryI64(op: number, out: BigInt64Array, a: BigInt64Array, b: BigInt64Array, bc: Broadcast): void {
  each(bc, (o, ia, ib) => {
    const x = a[ia]!, y = b[ib]!;
    const v = op === ADD ? x + y : op === SUB ? x - y : op === MUL ? x * y : op === DIV ? x / y
      : op === MAX ? (x > y ? x : y) : op === MIN ? (x < y ? x : y) : undefined;
    if (v === undefined) throw new Error(`unsupported op ${op}`);
    out[o] = BigInt.asIntN(64, v);
  });
}

type AnyNum = NumArray | BigInt64Array;

export function compare(op: number, out: Uint8Array, a: AnyNum, b: AnyNum, bc: Broadcast): void {
  each(bc, (o, ia, ib) => {
    const x = a[ia]!, y = b[ib]!;
    const v = op === EQ ? x === y : op === NE ? x !== y : op === LT ? x < y : op === LE ? x <= y : op === GT ? x > y : op === GE ? x >= y : undefined;
    if (v === undefined) throw new Error(`unknown op ${op}`);
    out[o] = v ? 1 : 0;
  });
}

export function logical(op: number, out: Uint8Array, a: Uint8Array, b: Uint8Array, bc: Broadcast): void {
  each(bc, (o, ia, ib) => {
    const x = !!a[ia], y = !!b[ib];
    const v = op === AND ? x && y : op === OR ? x || y : op === XOR ? x !== y : undefined;
    if (v === undefined) throw new Error(`unknown op ${op}`);
    out[o] = v ? 1 : 0;
  });
}

export function notBool(out: Uint8Array, x: Uint8Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] ? 0 : 1;
}
