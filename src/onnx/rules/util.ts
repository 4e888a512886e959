// Helpers shared by rules: explicit numpy broadcasting for Caffe2 ops that need equal shapes.

import { Tensor } from '../../core/tensor.js';
import type { RuleCtx } from '../context.js';
import { INTS } from '../context.js';

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
 * the repeat counts. Returns x itself when it already has the shape. `xShape`: x's shape where
 * shape inference has not seen x yet (an op emitted by the same rule).
 */
export function broadcastTo(c: RuleCtx, x: string, shape: readonly number[], xShape: readonly number[] = c.shape(x)): string {
  let s = xShape.slice();
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

/**
 * cond ? a : b, elementwise, for blobs of one shape (`shape` when static; else a's, read at run
 * time) and any dtype, into `out`. Caffe2's Conditional picks rows of its inputs by a 1-D bool,
 * so it runs on the flattened tensors (rows of one element each) and the result is reshaped back.
 */
export function selectElementwise(c: RuleCtx, cond: string, a: string, b: string, out: string, shape?: readonly number[]): void {
  if (shape?.some((d) => d <= 0)) c.fail(`an elementwise choice needs a non-empty shape, got [${shape.join(', ')}]`);
  const flat = (x: string): string => {
    const o = c.dummy();
    c.emit('Reshape', [x], [o, c.dummy()], { shape: INTS([-1]) });
    return o;
  };
  const picked = c.dummy(), target = c.dummy();
  c.emit('Conditional', [flat(cond), flat(a), flat(b)], [picked]);
  if (shape) c.emitConstant(target, Tensor.from('int64', [shape.length], shape));
  else c.emit('Shape', [a], [target]);
  c.emit('Reshape', [picked, target], [out, c.dummy()]);
}
