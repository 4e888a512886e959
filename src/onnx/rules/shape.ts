// Shape ops: Reshape and Concat carry Caffe2's extra output (old_shape / split_info) under a
// dummy name (caffe2/onnx/backend.cc CreateReshape, CreateConcat); Squeeze/Unsqueeze axes become
// `dims`, Transpose perm `axes`. Axes given as tensor inputs (opset 13+) become arguments when
// they are constants (negative axes made positive with the rank), else the ops' `dims` input.

import { Tensor } from '../../core/tensor.js';
import type { RuleCtx } from '../context.js';
import { F, I, INTS, normAxis } from '../context.js';
import { dtypeToCaffe2 } from '../../core/dtype.js';
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
  // allowzero=1 makes a 0 a zero-size dim instead of "copy this dim". ONNX accepts a 0 there
  // only for an empty input (the element counts must agree), and Caffe2's Reshape leaves the
  // zeros of an empty input alone: the plain Reshape is exact for every input ONNX accepts.
  c.emit('Reshape', [x, c.in(1)], [c.out(0), c.dummy()]);
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

/** Squeeze/Unsqueeze axes: the attribute before opset 13, an input from 13 (undefined: not constant). */
function axesOf(c: RuleCtx): number[] | undefined {
  if (c.opset < 13) return c.attrs.ints('axes');
  return c.input(1) ? c.maybeConstValues(c.in(1)) : undefined;
}

/** Axes fed at run time (opset 13+): the op's `dims` input extension takes them as they are. */
function runtimeAxes(c: RuleCtx, type: 'Squeeze' | 'ExpandDims'): boolean {
  if (c.opset < 13 || !c.input(1) || c.maybeConstValues(c.in(1))) return false;
  c.emit(type, [c.in(0), c.in(1)], [c.out(0)]);
  return true;
}

const squeeze = (c: RuleCtx): void => {
  c.only('axes');
  if (runtimeAxes(c, 'Squeeze')) return;
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
  if (runtimeAxes(c, 'ExpandDims')) return;
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
  Expand: { '8+': expand },
  Tile: {
    '1-5': (c) => { c.only(); c.emit('Tile', [c.in(0), c.in(1), c.in(2)], [c.out(0)]); },
    '6+': (c) => { c.only(); c.emit('NumpyTile', [c.in(0), c.in(1)], [c.out(0)]); },
  },
};

/**
 * Expand: x · ones(shape), whose numpy broadcasting gives Expand's output shape and values
 * exactly (x · 1 keeps -0, NaN and infinities), with the shape known now or fed at run time.
 */
function expand(c: RuleCtx): void {
  c.only();
  const x = c.in(0), dtype = c.dtype(x);
  if (dtype === 'bool' || dtype === 'string') c.fail(`a ${dtype} input: Caffe2's Mul has no ${dtype} form`);
  const ones = c.dummy();
  c.emit('ConstantFill', [c.in(1)], [ones], { input_as_shape: I(1), value: dtype.startsWith('float') ? F(1) : I(1), dtype: I(dtypeToCaffe2(dtype)) });
  c.emit('Mul', [x, ones], [c.out(0)]);
}
