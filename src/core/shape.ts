// Shapes: element counts, row-major strides, numpy broadcasting, axis canonicalisation.
// A dim of -1 means "not known until run time" (data-dependent); helpers propagate it.

import { ShapeError, shapeStr } from './errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Element count, or -1 when any dim is unknown. */
export function numelOrUnknown(shape: Shape): number {
  let n = 1;
  for (const d of shape) { if (d < 0) return -1; n *= d; }
  return n;
}

export function isStatic(shape: Shape): boolean {
  for (const d of shape) if (d < 0) return false;
  return true;
}

export function strides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]!; }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Product of dims [from, to). */
export function sizeBetween(shape: Shape, from: number, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i]!;
  return n;
}

/** Maps a possibly negative axis into [0, rank), or throws naming `what`. */
export function canonicalAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${what} ${axis} is out of range for rank ${rank} (expected ${-rank}..${rank - 1})`);
  }
  return a;
}

/**
 * numpy multidirectional broadcasting: dims aligned from the right must be equal or 1.
 * A 0 dim against 1 gives 0. Unknown (-1) dims give -1 unless the other side decides.
 */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    const off = rank - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!, o = out[off + i]!;
      if (d === 1) continue;
      if (o === 1 || o === d) { out[off + i] = d; continue; }
      if (d < 0) { out[off + i] = o; continue; }
      if (o < 0) { out[off + i] = d; continue; }
      throw new ShapeError(`shapes ${shapes.map(shapeStr).join(' and ')} are not broadcastable (dim ${i - s.length} is ${o} vs ${d})`);
    }
  }
  return out;
}

/**
 * For an input of shape `inShape` broadcast to `outShape`, the element stride of each output
 * dim in the input (0 where the input is broadcast).
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const st = strides(inShape);
  const off = outShape.length - inShape.length;
  const r = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < inShape.length; i++) r[off + i] = inShape[i] === 1 ? 0 : st[i]!;
  return r;
}

export function checkShape(shape: readonly number[], what = 'shape'): number[] {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(`${what} ${shapeStr(shape)} has an invalid dim ${d}`);
  }
  return shape.slice();
}
