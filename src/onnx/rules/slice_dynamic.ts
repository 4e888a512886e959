// ONNX Slice-10+ whose starts, ends, axes or steps arrive at run time. Caffe2's Slice takes
// starts/ends as inputs but reads them its own way (a negative v means dim + 1 + v, an end before
// the start is an error, one cut dim per op), so the graph first resolves ONNX's indices to plain
// ones, in float64 (exact for every index that matters; INT64_MAX and the like clamp to the dim
// anyway): v < 0 ? v + dim : v, clamped to [0, dim]; the end raised to the start where it falls
// before it (an empty slice, as ONNX gives). Then one Slice per axis that may be cut, its
// full-rank starts/ends built by Concat: the resolved pair at that axis, [0, -1] (whole) at
// every other. With constant axes those are the listed axes; with axes fed at run time every
// axis gets a Slice, from starts/ends scattered over [0, dim) at the listed axes. Steps fed at run
// time must all be 1 (an Assert checks it: Caffe2's Slice has no step).

import type { RuleCtx } from '../context.js';
import { I, S, normAxis } from '../context.js';
import { Ops } from './op_graph.js';

export function dynamicSlice(c: RuleCtx): void {
  const x = c.in(0), r = c.rank(x), g = new Ops(c);
  const count = c.shape(c.in(1))[0];
  if (c.rank(c.in(1)) !== 1 || count === undefined || count < 0) c.fail(`starts fed at run time need a static 1-D shape, got [${c.shape(c.in(1)).join(', ')}]`);
  if (c.input(4)) {
    const steps = c.maybeConstValues(c.in(4));
    if (steps?.some((s) => s !== 1)) c.fail(`steps [${steps.join(', ')}]: Caffe2 Slice has no step`);
    if (!steps) {
      const ones = g.op('EQ', [g.cast(c.in(4), 'int64'), g.const('int64', [1])]);
      c.emit('Assert', [ones], [], { error_msg: S(`Slice '${c.node.name || c.out(0)}': every step must be 1 (Caffe2 Slice has no step)`) });
    }
  }
  const dims = c.shape(x), zero = g.f64(0);
  const dimsAll = dims.every((d) => d >= 0) ? g.const('float64', dims) : g.cast(g.op('Shape', [x]), 'float64');
  /** ONNX index v on an axis of length `dim` -> the plain index in [0, dim]. */
  const resolve = (v: string, dim: string): string => {
    const f = g.cast(v, 'float64');
    return g.min(g.max(g.select(g.mask('LT', f, zero), g.add(f, dim), f), zero), dim);
  };
  const constAxes = c.input(3) ? c.maybeConstValues(c.in(3)) : Array.from({ length: count }, (_, i) => i);
  let starts: string, ends: string, cut: number[];
  if (constAxes) {
    const axes = constAxes.map((a) => normAxis(c, a, r, 'axes'));
    if (axes.length !== count) c.fail(`${count} starts for ${axes.length} axes`);
    if (new Set(axes).size !== axes.length) c.fail(`axes [${axes.join(', ')}] repeat an axis`);
    const dim = axes.every((a) => dims[a]! >= 0) ? g.const('float64', axes.map((a) => dims[a]!)) : g.op('Gather', [dimsAll, g.const('int64', axes)]);
    const s = resolve(c.in(1), dim);
    starts = s; ends = g.max(resolve(c.in(2), dim), s);
    cut = axes;
  } else {
    // listed axes known only at run time: scatter the resolved pairs over [0, dim) of every axis
    const ax = g.cast(c.in(3), 'float64');
    const axes = g.cast(g.select(g.mask('LT', ax, zero), g.add(ax, g.f64(r)), ax), 'int64');
    const dim = g.op('Gather', [dimsAll, axes]);
    const s = resolve(c.in(1), dim), e = g.max(resolve(c.in(2), dim), s);
    starts = g.op('ScatterAssign', [g.const('float64', new Array<number>(r).fill(0)), axes, s]);
    ends = g.op('ScatterAssign', [dimsAll, axes, e]);
    cut = Array.from({ length: r }, (_, j) => j);
  }
  if (!cut.length) { c.emit('Copy', [x], [c.out(0)]); return; }
  const startsI = g.cast(starts, 'int64'), endsI = g.cast(ends, 'int64');
  const whole = [g.const('int64', [0]), g.const('int64', [-1])];
  let cur = x;
  cut.forEach((axis, i) => {
    const full = (k: 0 | 1, v: string): string => {
      const o = c.dummy();
      c.emit('Concat', Array.from({ length: r }, (_, j) => (j === axis ? g.at(v, i) : whole[k]!)), [o, c.dummy()], { axis: I(0) });
      return o;
    };
    const out = i === cut.length - 1 ? c.out(0) : c.dummy();
    c.emit('Slice', [cur, full(0, startsI), full(1, endsI)], [out]);
    cur = out;
  });
}
