// Reference twins of kernels/reduce.ts, one input element at a time with its output index
// unravelled from the shapes (caffe2/utils/math/reduce.cc ReduceTensorImpl; arg_ops.cc
// ComputeArgImpl; top_k.cc GetTopK, here a full stable sort instead of a heap).

import type { Broadcast } from '../broadcast.js';
import { MAX, MEAN, MEAN_DIV, MIN, SUM, type NumArray, type TopKArray } from '../reduce.js';

function outIndex(i: number, xShape: readonly number[], kept: readonly number[]): number {
  let k = 0, stride = 1;
  for (let d = xShape.length - 1; d >= 0; d--) {
    const c = i % xShape[d]!;
    i = Math.floor(i / xShape[d]!);
    if (kept[d] !== 1) k += c * stride;
    stride *= kept[d]!;
  }
  return k;
}

export function reduceNum(op: number, out: NumArray, x: NumArray, bc: Broadcast, acc: Float64Array): void {
  const m = out.length;
  const counts = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) acc[i] = 0;
  for (let i = 0; i < x.length; i++) {
    const o = outIndex(i, bc.aShape, bc.bShape), v = x[i]!;
    if (op === SUM || op === MEAN || op === MEAN_DIV) acc[o] += v;
    else if (Number.isNaN(v)) continue;
    else if (counts[o] === 0 || (op === MAX ? v > acc[o]! : v < acc[o]!)) acc[o] = v;
    counts[o]++;
  }
  const f32 = out instanceof Float32Array;
  for (let o = 0; o < m; o++) {
    if (x.length === 0) {
      const lowest = f32 ? -3.4028234663852886e38 : out instanceof Int32Array ? -2147483648 : -Number.MAX_VALUE;
      const highest = f32 ? 3.4028234663852886e38 : out instanceof Int32Array ? 2147483647 : Number.MAX_VALUE;
      out[o] = op === MAX ? lowest : op === MIN ? highest : 0;
    } else if (op === MEAN_DIV) {
      out[o] = f32 ? Math.fround(Math.fround(acc[o]!) / (x.length / m)) : acc[o]! / (x.length / m);
    } else if (op === MEAN) {
      out[o] = f32 ? Math.fround(Math.fround(acc[o]!) * Math.fround(m / x.length)) : acc[o]! * (m / x.length);
    } else if ((op === MAX || op === MIN) && counts[o] === 0) {
      out[o] = op === MAX ? -Infinity : Infinity;
    } else out[o] = acc[o]!;
  }
}

export function reduceI64(op: number, out: BigInt64Array, x: BigInt64Array, bc: Broadcast): void {
  const seen = new Array<boolean>(out.length).fill(false);
  for (let o = 0; o < out.length; o++) out[o] = op === MAX ? -(1n << 63n) : op === MIN ? (1n << 63n) - 1n : 0n;
  for (let i = 0; i < x.length; i++) {
    const o = outIndex(i, bc.aShape, bc.bShape), v = x[i]!;
    if (op === SUM) out[o] = BigInt.asIntN(64, out[o]! + v);
    else if (!seen[o] || (op === MAX ? v > out[o]! : v < out[o]!)) out[o] = v;
    seen[o] = true;
  }
}

type AnyNum = Float32Array | Float64Array | Int32Array | BigInt64Array;

export function argExtremum(isMax: boolean, out: BigInt64Array, x: AnyNum, prev: number, n: number, next: number): void {
  const best = new Array<number>(prev * next).fill(0);
  for (let i = 0; i < prev; i++) {
    for (let k = 1; k < n; k++) {
      for (let j = 0; j < next; j++) {
        const cur = x[(i * n + k) * next + j]!, b = x[(i * n + best[i * next + j]!) * next + j]!;
        if (isMax ? cur > b : cur < b) best[i * next + j] = k;
      }
    }
  }
  for (let o = 0; o < best.length; o++) out[o] = BigInt(best[o]!);
}

export function topK(values: TopKArray, indices: BigInt64Array, flat: BigInt64Array | undefined, x: TopKArray,
  prev: number, n: number, next: number, k: number, _heap: Int32Array): void {
  const zero = values instanceof BigInt64Array ? 0n : 0;
  for (let i = 0; i < prev; i++) {
    for (let j = 0; j < next; j++) {
      const at = (p: number): number => (i * n + p) * next + j;
      const order = Array.from({ length: n }, (_, p) => p).sort((p, q) => {
        const a = x[at(p)]!, b = x[at(q)]!;
        const na = a !== a, nb = b !== b; // NaN
        if (na !== nb) return na ? -1 : 1;
        if (!na && a !== b) return a > b ? -1 : 1;
        return p - q;
      });
      for (let s = 0; s < k; s++) {
        const o = (i * k + s) * next + j;
        const p = order[s];
        values[o] = p === undefined ? zero : x[at(p)]!;
        indices[o] = p === undefined ? -1n : BigInt(p);
        if (flat) flat[o] = p === undefined ? -1n : BigInt(at(p));
      }
    }
  }
}
