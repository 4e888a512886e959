// Helpers shared by rules: explicit numpy broadcasting for Caffe2 ops that need equal shapes.

import { Tensor } from '../../core/tensor.js';
import type { RuleCtx } from '../context.js';

/** numpy's broadcast of static shapes, or undefined when a dim is unknown or they do not broadcast. */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] | undefined {
  const r = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(r).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!, k = r - s.length + i;
      if (d < 0) return undefined;
      if (d === 1 || d === out[k]) continue;
      if (out[k] !== 1) return undefined;
      out[k] = d;
    }
  }
  return out;
}

/**
 * `x` materialised at `shape` (numpy broadcasting): Reshape to the full rank, then NumpyTile with
 * the repeat counts. Returns x itself when it already has the shape.
 */
export function broadcastTo(c: RuleCtx, x: string, shape: readonly number[]): string {
  let s = c.shape(x);
  if (s.length === shape.length && s.every((d, i) => d === shape[i])) return x;
  let cur = x;
  if (s.length < shape.length) {
    s = [...new Array<number>(shape.length - s.length).fill(1), ...s];
    const target = c.dummy(), out = c.dummy();
    c.emitConstant(target, Tensor.from('int64', [s.length], s));
    c.emit('Reshape', [cur, target], [out, c.dummy()]);
    cur = out;
  }
  if (s.every((d, i) => d === shape[i])) return cur;
  const reps = c.dummy(), out = c.dummy();
  c.emitConstant(reps, Tensor.from('int64', [s.length], s.map((d, i) => (d === shape[i] ? 1 : shape[i]!))));
  c.emit('NumpyTile', [cur, reps], [out]);
  return out;
}
