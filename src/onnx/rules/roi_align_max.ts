// ONNX RoiAlign with mode='max': per bin, the largest of w·v over the four bilinear corners of
// every sample point (not an interpolation, so Caffe2's RoIAlign, which averages, cannot give
// it). Built from Caffe2 ops as onnx/reference/ops/op_roi_align.py computes it: sample
// coordinates in float64 from each RoI, corner positions and weights (zero outside [-1, size]),
// the corner values gathered from the RoI's image, the products maxed over corners and samples.
// Needs a fixed sampling_ratio: with 0 the grid follows each RoI's size.

import type { RuleCtx } from '../context.js';
import { I, INTS } from '../context.js';
import { Ops } from './op_graph.js';

export interface RoiAlignSpec { pooledH: number; pooledW: number; samplingRatio: number; spatialScale: number; halfPixel: boolean }

export function roiAlignMax(c: RuleCtx, x: string, rois: string, batchIdx: string, s: RoiAlignSpec): void {
  const [, C, H, W] = c.staticShape(x, "RoiAlign mode 'max'");
  const S = s.samplingRatio;
  if (!(S > 0)) c.fail("mode 'max' with sampling_ratio 0: the sampling grid follows each RoI's size, which fixed-shape Caffe2 ops cannot");
  const g = new Ops(c);
  const r = g.cast(rois, 'float64');
  const column = (k: number): string => g.op('Slice', [r], { starts: INTS([0, k]), ends: INTS([-1, k + 1]) }); // [R, 1]
  const off = g.f64(s.halfPixel ? 0.5 : 0), scale = g.f64(s.spatialScale);
  const start = (k: number): string => g.sub(g.mul(column(k), scale), off);
  const [sw, sh, ew, eh] = [start(0), start(1), start(2), start(3)];
  // legacy (output_half_pixel) RoIs are at least 1 x 1
  const extent = (a: string, b: string): string => (s.halfPixel ? g.sub(b, a) : g.max(g.sub(b, a), g.f64(1)));

  /** One axis: sample coordinates [R, P, S] -> low/high positions, weights of low/high, validity. */
  const axis = (st: string, size: string, pooled: number, len: number, dims: [number, number]) => {
    const bin = g.div(size, g.f64(pooled)); // [R, 1]
    const b3 = g.op('ExpandDims', [bin], { dims: INTS([2]) }), s3 = g.op('ExpandDims', [st], { dims: INTS([2]) });
    const p = g.const('float64', Array.from({ length: pooled }, (_, i) => i), [1, pooled, 1]);
    const i = g.const('float64', Array.from({ length: S }, (_, k) => k + 0.5), [1, 1, S]);
    const v = g.add(g.add(s3, g.mul(p, b3)), g.div(g.mul(i, b3), g.f64(S))); // [R, P, S]
    const valid = g.cast(g.op('And', [g.op('GE', [v, g.f64(-1)]), g.op('LE', [v, g.f64(len)])]), 'float64');
    const vc = g.mul(v, g.mask('GT', v, g.f64(0)));
    const fl = g.op('Floor', [vc]);
    const top = g.mask('GE', fl, g.f64(len - 1));
    const last = g.f64(len - 1);
    const low = g.select(top, last, fl), high = g.select(top, last, g.add(fl, g.f64(1)));
    const l = g.sub(g.select(top, last, vc), low), h = g.sub(g.f64(1), l);
    // to [R, P, S, 1, 1] for y, [R, 1, 1, Q, S] for x
    const to5 = (t: string): string => g.op('ExpandDims', [t], { dims: INTS(dims) });
    return { low: to5(low), high: to5(high), l: to5(l), h: to5(h), valid: to5(valid) };
  };
  const y = axis(sh, extent(sh, eh), s.pooledH, H!, [3, 4]);
  const xa = axis(sw, extent(sw, ew), s.pooledW, W!, [1, 2]);
  const valid = g.mul(y.valid, xa.valid);

  // gather positions over the RoIs' images: ((r·C + c)·H + y)·W + x, as [R, C, P, S, Q, S]
  const images = g.op('Gather', [x, batchIdx]); // [R, C, H, W]
  const flat = g.op('Reshape', [images, g.const('int64', [-1])]);
  const count = g.op('Gather', [g.op('Shape', [rois]), g.const('int64', [0], [])]);
  const rBase = g.op('Reshape', [g.mul(g.op('Range', [count]), g.const('int64', [C! * H! * W!], [])), g.const('int64', [-1, 1, 1, 1, 1, 1])]);
  const base = g.add(rBase, g.const('int64', Array.from({ length: C! }, (_, k) => k * H! * W!), [1, C!, 1, 1, 1, 1]));
  const corner = (yy: string, xx: string, wy: string, wx: string): string => {
    const pos = g.cast(g.add(g.mul(yy, g.f64(W!)), xx), 'int64');
    const v = g.op('Gather', [flat, g.add(base, g.op('ExpandDims', [pos], { dims: INTS([1]) }))]);
    const w = g.cast(g.mul(g.mul(wy, wx), valid), 'float32');
    return g.mul(g.op('ExpandDims', [w], { dims: INTS([1]) }), v);
  };
  const best = g.op('Max', [corner(y.low, xa.low, y.h, xa.h), corner(y.low, xa.high, y.h, xa.l), corner(y.high, xa.low, y.l, xa.h), corner(y.high, xa.high, y.l, xa.l)]);
  c.emit('ReduceMax', [best], [c.out(0)], { axes: INTS([3, 5]), keepdims: I(0) });
}
