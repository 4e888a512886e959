// Shape ops: Reshape and Concat carry Caffe2's extra output (old_shape / split_info) under a
// dummy name (caffe2/onnx/backend.cc CreateReshape, CreateConcat); Squeeze/Unsqueeze axes become
// `dims`, Transpose perm `axes`. Axes given as tensor inputs (opset 13+) must be constants and
// become arguments; negative axes are made positive with the input rank.

import { Tensor } from '../../core/tensor.js';
import type { RuleCtx } from '../context.js';
import { I, INTS, normAxis } from '../context.js';
import type { RuleSet } from './index.js';

const reshape = (c: RuleCtx): void => {
  c.only('shape', 'allowzero', 'consumed_inputs');
  const x = c.in(0);
  if (c.opset < 5) {
    const shape = c.attrs.ints('shape');
    if (!shape) c.fail("attribute 'shape' is required");
    c.emit('Reshape', [x], [c.out(0), c.dummy()], { shape: INTS(shape) });
    return;
  }
  const shape = c.in(1);
  if (c.attrs.int('allowzero', 0)) {
    // Caffe2 reads a 0 as "copy this dim"; with allowzero it means a zero-size dim
    const v = c.constInts(shape, 'shape with allowzero=1');
    if (v.includes(0)) c.fail('allowzero=1 with a 0 in the shape (a zero-size dim) has no Caffe2 form');
  }
  c.emit('Reshape', [x, shape], [c.out(0), c.dummy()]);
};

const flatten = (c: RuleCtx): void => {
  c.only('axis');
  const x = c.in(0);
  let axis = c.attrs.int('axis', 1);
  // axis counts dims before the split, so it ranges over [-rank, rank]
  if (axis < 0) {
    const r = c.rank(x);
    if (axis < -r) c.fail(`axis ${axis} is out of range for rank ${r}`);
    axis += r;
  }
  c.emit('Flatten', [x], [c.out(0)], { axis: I(axis) });
};

/** Squeeze/Unsqueeze axes: the attribute before opset 13, a constant input from 13. */
function axesOf(c: RuleCtx): number[] | undefined {
  if (c.opset < 13) return c.attrs.ints('axes');
  return c.input(1) ? c.constInts(c.in(1), 'axes') : undefined;
}

const squeeze = (c: RuleCtx): void => {
  c.only('axes');
  const x = c.in(0);
  let dims = axesOf(c);
  if (!dims) {
    const s = c.staticShape(x, 'Squeeze without axes (every size-1 dim)');
    dims = s.flatMap((d, i) => (d === 1 ? [i] : []));
  } else if (dims.some((d) => d < 0)) {
    const r = c.rank(x);
    dims = dims.map((d) => normAxis(c, d, r, 'axes'));
  }
  c.emit('Squeeze', [x], [c.out(0)], { dims: INTS([...new Set(dims)].sort((a, b) => a - b)) });
};

const unsqueeze = (c: RuleCtx): void => {
  c.only('axes');
  const x = c.in(0);
  let dims = axesOf(c);
  if (!dims) c.fail('axes are required');
  if (dims.some((d) => d < 0)) {
    const r = c.rank(x) + dims.length;
    dims = dims.map((d) => normAxis(c, d, r, 'axes'));
  }
  // ExpandDims inserts in ascending order, which gives the same result as ONNX's any order
  c.emit('ExpandDims', [x], [c.out(0)], { dims: INTS([...dims].sort((a, b) => a - b)) });
};

const shape = (c: RuleCtx): void => {
  c.only('start', 'end');
  const x = c.in(0);
  if (!c.attrs.has('start') && !c.attrs.has('end')) { c.emit('Shape', [x], [c.out(0)]); return; }
  const r = c.rank(x);
  const clamp = (v: number): number => Math.min(r, Math.max(0, v < 0 ? v + r : v));
  const start = clamp(c.attrs.int('start', 0)), end = clamp(c.attrs.int('end', r));
  const axes = [];
  for (let i = start; i < end; i++) axes.push(i);
  // Caffe2's Shape reads empty axes as "all": an empty range is the constant []
  if (!axes.length) { c.emitConstant(c.out(0), Tensor.from('int64', [0], [])); return; }
  c.emit('Shape', [x], [c.out(0)], { axes: INTS(axes) });
};

export const SHAPE_RULES: Readonly<Record<string, RuleSet>> = {
  Reshape: { '1+': reshape },
  Flatten: { '1+': flatten },
  Transpose: { '1+': (c) => { c.only('perm'); c.generic('Transpose', { perm: 'axes' }); } },
  Squeeze: { '1+': squeeze },
  Unsqueeze: { '1+': unsqueeze },
  Shape: { '1+': shape },
  Size: { '1+': (c) => { c.only(); c.emit('Size', [c.in(0)], [c.out(0)]); } },
  Expand: { '8+': (c) => { c.only(); c.emit('Expand', [c.in(0), c.in(1)], [c.out(0)]); } },
  Tile: {
    '1-5': (c) => { c.only(); c.emit('Tile', [c.in(0), c.in(1), c.in(2)], [c.out(0)]); },
    '6+': (c) => { c.only(); c.emit('NumpyTile', [c.in(0), c.in(1)], [c.out(0)]); },
  },
};
