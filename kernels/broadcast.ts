// Broadcast geometry shared by the elementwise and reduce kernels and their reference twins.
// Both Caffe2 forms (numpy multidirectional, and legacy `broadcast=1` + axis, see
// caffe2/operators/elementwise_ops_utils.cc) become "A and B viewed with out's rank", then
// the fast kernels see `rows` rows of `n` elements with per-row start offsets and an inner
// stride of 1 (walk) or 0 (repeat one value), so no index arithmetic happens per element.

export interface Broadcast {
  /** Output shape; aShape/bShape have the same rank, with 1 where an input repeats. */
  readonly outShape: readonly number[];
  readonly aShape: readonly number[];
  readonly bShape: readonly number[];
  /** Row length and count of the collapsed output (n * rows = out numel). */
  readonly n: number;
  readonly rows: number;
  /** Inner stride of each input: 1 walks the row, 0 repeats a[aRow[r]]. */
  readonly aInner: 0 | 1;
  readonly bInner: 0 | 1;
  /** Start offset of row r in each input. */
  readonly aRow: Int32Array;
  readonly bRow: Int32Array;
}

/** `shape` right-aligned to `rank` dims (leading 1s). */
export function alignShape(shape: readonly number[], rank: number): number[] {
  const out = new Array<number>(rank).fill(1);
  for (let i = 0; i < shape.length; i++) out[rank - shape.length + i] = shape[i]!;
  return out;
}

/**
 * B's legacy-broadcast view with A's rank (caffe2 ComputeLegacyBroadcastSizes): B's dims with
 * their leading and trailing 1s dropped sit at A's dims axis+bs .. axis+be; a one-element B is
 * a scalar. Assumes the caller validated rank, axis and matching dims (legacyBroadcastError).
 */
export function legacyBShape(aShape: readonly number[], bShape: readonly number[], axis: number): number[] {
  const out = new Array<number>(aShape.length).fill(1);
  if (numelOf(bShape) === 1) return out;
  const ax = axis === -1 ? aShape.length - bShape.length : axis;
  for (let i = 0; i < bShape.length; i++) out[ax + i] = bShape[i]!;
  return out;
}

/** Why B cannot legacy-broadcast to A at `axis`, or undefined when it can. */
export function legacyBroadcastError(aShape: readonly number[], bShape: readonly number[], axis: number): string | undefined {
  if (numelOf(bShape) === 1) return undefined;
  if (bShape.length > aShape.length) return `B has more dims than A (${bShape.length} > ${aShape.length})`;
  const ax = axis === -1 ? aShape.length - bShape.length : axis;
  if (ax < 0 || ax > aShape.length - bShape.length) return `axis ${axis} is out of range (expected 0..${aShape.length - bShape.length})`;
  let bs = 0, be = bShape.length - 1;
  while (bs < bShape.length && bShape[bs] === 1) bs++;
  while (be >= bs && bShape[be] === 1) be--;
  for (let i = bs; i <= be; i++) {
    if (aShape[ax + i] !== bShape[i]) return `dim ${i} of B is ${bShape[i]} but dim ${ax + i} of A is ${aShape[ax + i]}`;
  }
  return undefined;
}

function numelOf(s: readonly number[]): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

/**
 * Row geometry for out = f(A, B) where aShape/bShape already have out's rank. Dims of size 1
 * are dropped and neighbours merged when both inputs walk (or both repeat) them contiguously;
 * what is left is an outer odometer, whose per-row offsets are computed here once.
 */
export function planBroadcast(outShape: readonly number[], aShape: readonly number[], bShape: readonly number[]): Broadcast {
  const rank = outShape.length;
  const sa = contiguousStrides(aShape), sb = contiguousStrides(bShape);
  // collapsed dims, innermost last
  const dims: number[] = [], da: number[] = [], db: number[] = [];
  let total = 1;
  for (let i = 0; i < rank; i++) {
    const d = outShape[i]!;
    total *= d;
    if (d === 1) continue;
    const ai = aShape[i] === 1 ? 0 : sa[i]!, bi = bShape[i] === 1 ? 0 : sb[i]!;
    const k = dims.length - 1;
    if (k >= 0 && da[k] === ai * d && db[k] === bi * d) {
      dims[k] = dims[k]! * d; da[k] = ai; db[k] = bi;
    } else {
      dims.push(d); da.push(ai); db.push(bi);
    }
  }
  const freeze = (o: Broadcast): Broadcast => Object.freeze(o);
  if (total === 0) {
    return freeze({ outShape: outShape.slice(), aShape: aShape.slice(), bShape: bShape.slice(), n: 0, rows: 0, aInner: 1, bInner: 1, aRow: new Int32Array(0), bRow: new Int32Array(0) });
  }
  const k = dims.length - 1;
  const n = k >= 0 ? dims[k]! : 1;
  const aInner = k >= 0 && da[k] === 0 ? 0 : 1, bInner = k >= 0 && db[k] === 0 ? 0 : 1;
  const rows = total / n;
  const aRow = new Int32Array(rows), bRow = new Int32Array(rows);
  // odometer over the outer collapsed dims (all but the last)
  const idx = new Array<number>(Math.max(k, 0)).fill(0);
  let ia = 0, ib = 0;
  for (let r = 0; r < rows; r++) {
    aRow[r] = ia; bRow[r] = ib;
    for (let d = k - 1; d >= 0; d--) {
      ia += da[d]!; ib += db[d]!;
      if (++idx[d]! < dims[d]!) break;
      idx[d] = 0;
      ia -= da[d]! * dims[d]!; ib -= db[d]! * dims[d]!;
    }
  }
  return freeze({ outShape: outShape.slice(), aShape: aShape.slice(), bShape: bShape.slice(), n, rows, aInner, bInner, aRow, bRow });
}

/** numpy broadcasting of two valid shapes (the caller checked compatibility). */
export function planNumpyBroadcast(a: readonly number[], b: readonly number[]): Broadcast {
  const rank = Math.max(a.length, b.length);
  const aa = alignShape(a, rank), bb = alignShape(b, rank);
  const out = aa.map((d, i) => (d === 0 || bb[i] === 0 ? 0 : Math.max(d, bb[i]!)));
  return planBroadcast(out, aa, bb);
}

/** Caffe2 legacy broadcasting (output = A's shape) of a validated pair. */
export function planLegacyBroadcast(a: readonly number[], b: readonly number[], axis: number): Broadcast {
  return planBroadcast(a, a, legacyBShape(a, b, axis));
}

/** Two same-shaped operands of n elements (Sum, Max, Min, unary chains). */
export function planSame(n: number): Broadcast {
  return planBroadcast([n], [n], [n]);
}

/**
 * Reduction as the transpose of broadcasting: X (xShape) is the walking operand `a`, the
 * kept shape (reduced dims set to 1) is the repeating operand `b`; a kernel accumulates
 * row r of X into out at bRow[r] (bInner 0: the whole row into one element).
 */
export function planReduce(xShape: readonly number[], keptShape: readonly number[]): Broadcast {
  return planBroadcast(xShape, xShape, keptShape);
}

function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]!; }
  return s;
}
