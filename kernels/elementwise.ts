// Binary elementwise kernels over a Broadcast (kernels/broadcast.ts): rows of n elements whose
// operands walk (stride 1) or repeat one value (stride 0). float32, the hot type, has one loop
// per op and stride pattern with the op switch outside it; the rarer dtypes share one strided
// loop each. Semantics: caffe2/operators/elementwise_ops.h (same dtype out; comparisons to bool).

import type { Broadcast } from './broadcast.js';

// arithmetic (same dtype out)
export const ADD = 0, SUB = 1, MUL = 2, DIV = 3, POW = 4, MAX = 5, MIN = 6;
// comparisons (bool out)
export const EQ = 10, NE = 11, LT = 12, LE = 13, GT = 14, GE = 15;
// logical (bool in and out)
export const AND = 20, OR = 21, XOR = 22;

export type NumArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint16Array | Uint8Array;

// Max/Min propagate NaN (a NaN operand gives NaN), like ONNX; Caffe2 left it to Eigen.
function fmax(x: number, y: number): number { return x > y || x !== x ? x : y; }
function fmin(x: number, y: number): number { return x < y || x !== x ? x : y; }

function rowF32(op: number, out: Float32Array, o: number, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number, n: number): void {
  if (sa === 1 && sb === 1) {
    switch (op) {
      case ADD: for (let i = 0; i < n; i++) out[o + i] = a[ia + i]! + b[ib + i]!; return;
      case SUB: for (let i = 0; i < n; i++) out[o + i] = a[ia + i]! - b[ib + i]!; return;
      case MUL: for (let i = 0; i < n; i++) out[o + i] = a[ia + i]! * b[ib + i]!; return;
      case DIV: for (let i = 0; i < n; i++) out[o + i] = a[ia + i]! / b[ib + i]!; return;
      case POW: for (let i = 0; i < n; i++) out[o + i] = Math.pow(a[ia + i]!, b[ib + i]!); return;
      case MAX: for (let i = 0; i < n; i++) out[o + i] = fmax(a[ia + i]!, b[ib + i]!); return;
      case MIN: for (let i = 0; i < n; i++) out[o + i] = fmin(a[ia + i]!, b[ib + i]!); return;
    }
  } else if (sb === 0) {
    const y = b[ib]!;
    switch (op) {
      case ADD: for (let i = 0; i < n; i++) out[o + i] = a[ia + i]! + y; return;
      case SUB: for (let i = 0; i < n; i++) out[o + i] = a[ia + i]! - y; return;
      case MUL: for (let i = 0; i < n; i++) out[o + i] = a[ia + i]! * y; return;
      // x / y, not x * (1 / y): the reciprocal would round twice
      case DIV: for (let i = 0; i < n; i++) out[o + i] = a[ia + i]! / y; return;
      case POW: for (let i = 0; i < n; i++) out[o + i] = Math.pow(a[ia + i]!, y); return;
      case MAX: for (let i = 0; i < n; i++) out[o + i] = fmax(a[ia + i]!, y); return;
      case MIN: for (let i = 0; i < n; i++) out[o + i] = fmin(a[ia + i]!, y); return;
    }
  } else {
    const x = a[ia]!;
    switch (op) {
      case ADD: for (let i = 0; i < n; i++) out[o + i] = x + b[ib + i]!; return;
      case SUB: for (let i = 0; i < n; i++) out[o + i] = x - b[ib + i]!; return;
      case MUL: for (let i = 0; i < n; i++) out[o + i] = x * b[ib + i]!; return;
      case DIV: for (let i = 0; i < n; i++) out[o + i] = x / b[ib + i]!; return;
      case POW: for (let i = 0; i < n; i++) out[o + i] = Math.pow(x, b[ib + i]!); return;
      case MAX: for (let i = 0; i < n; i++) out[o + i] = fmax(x, b[ib + i]!); return;
      case MIN: for (let i = 0; i < n; i++) out[o + i] = fmin(x, b[ib + i]!); return;
    }
  }
  throw new Error(`binaryF32: unknown op ${op}`);
}

/**
 * float32 arithmetic. Every op is one IEEE operation computed in double and rounded once on
 * store, which equals the float32 operation (double rounding is innocuous for + - * /).
 * out may alias a or b when that operand is not broadcast.
 */
export function binaryF32(op: number, out: Float32Array, a: Float32Array, b: Float32Array, bc: Broadcast): void {
  const { n, rows, aRow, bRow, aInner, bInner } = bc;
  for (let r = 0, o = 0; r < rows; r++, o += n) rowF32(op, out, o, a, aRow[r]!, aInner, b, bRow[r]!, bInner, n);
}

// float64 and the integer types up to 32 bits share this loop; integer results wrap on store
// (ToInt32, ToInt8, ToUint16...), which is exact for + and - and truncates / toward zero as C
// does; int32 * uses Math.imul (the double product of two int32 can exceed 2^53; the 8- and
// 16-bit products are exact). Integer division by zero is rejected by the op before it gets here.
function rowNum(op: number, out: NumArray, o: number, a: NumArray, ia: number, sa: number, b: NumArray, ib: number, sb: number, n: number, int: boolean): void {
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const x = a[ia]!, y = b[ib]!;
    let v: number;
    switch (op) {
      case ADD: v = x + y; break;
      case SUB: v = x - y; break;
      case MUL: v = int ? Math.imul(x, y) : x * y; break;
      case DIV: v = x / y; break;
      case POW: v = Math.pow(x, y); break;
      case MAX: v = fmax(x, y); break;
      case MIN: v = fmin(x, y); break;
      default: throw new Error(`binaryNum: unknown op ${op}`);
    }
    out[o + i] = v;
  }
}

/** float64 or integer (8 to 32 bits) arithmetic (same semantics as binaryF32; integers wrap like C on x86). */
export function binaryNum(op: number, out: NumArray, a: NumArray, b: NumArray, bc: Broadcast): void {
  const { n, rows, aRow, bRow, aInner, bInner } = bc;
  const int = out instanceof Int32Array;
  for (let r = 0, o = 0; r < rows; r++, o += n) rowNum(op, out, o, a, aRow[r]!, aInner, b, bRow[r]!, bInner, n, int);
}

/** int64 arithmetic on BigInt64Array: exact, wraps on store; division truncates toward zero. */
export function binaryI64(op: number, out: BigInt64Array, a: BigInt64Array, b: BigInt64Array, bc: Broadcast): void {
  const { n, rows, aRow, bRow, aInner, bInner } = bc;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    let ia = aRow[r]!, ib = bRow[r]!;
    for (let i = 0; i < n; i++, ia += aInner, ib += bInner) {
      const x = a[ia]!, y = b[ib]!;
      switch (op) {
        case ADD: out[o + i] = x + y; break;
        case SUB: out[o + i] = x - y; break;
        case MUL: out[o + i] = x * y; break;
        case DIV: out[o + i] = x / y; break;
        case MAX: out[o + i] = x > y ? x : y; break;
        case MIN: out[o + i] = x < y ? x : y; break;
        default: throw new Error(`binaryI64: unsupported op ${op}`);
      }
    }
  }
}

type AnyNum = NumArray | BigInt64Array;

/** Comparisons of any numeric storage (bool as 0/1 bytes) into 0/1 bytes. NaN compares unequal. */
export function compare(op: number, out: Uint8Array, a: AnyNum, b: AnyNum, bc: Broadcast): void {
  const { n, rows, aRow, bRow, aInner, bInner } = bc;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    let ia = aRow[r]!, ib = bRow[r]!;
    for (let i = 0; i < n; i++, ia += aInner, ib += bInner) {
      const x = a[ia]!, y = b[ib]!;
      let v: boolean;
      switch (op) {
        case EQ: v = x === y; break;
        case NE: v = x !== y; break;
        case LT: v = x < y; break;
        case LE: v = x <= y; break;
        case GT: v = x > y; break;
        case GE: v = x >= y; break;
        default: throw new Error(`compare: unknown op ${op}`);
      }
      out[o + i] = v ? 1 : 0;
    }
  }
}

/** And, Or, Xor of bool tensors (0/1 bytes). */
export function logical(op: number, out: Uint8Array, a: Uint8Array, b: Uint8Array, bc: Broadcast): void {
  const { n, rows, aRow, bRow, aInner, bInner } = bc;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    let ia = aRow[r]!, ib = bRow[r]!;
    for (let i = 0; i < n; i++, ia += aInner, ib += bInner) {
      const x = a[ia]! !== 0, y = b[ib]! !== 0;
      let v: boolean;
      switch (op) {
        case AND: v = x && y; break;
        case OR: v = x || y; break;
        case XOR: v = x !== y; break;
        default: throw new Error(`logical: unknown op ${op}`);
      }
      out[o + i] = v ? 1 : 0;
    }
  }
}

/** Not of a bool tensor (0/1 bytes); out may alias x. */
export function notBool(out: Uint8Array, x: Uint8Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] === 0 ? 1 : 0;
}
