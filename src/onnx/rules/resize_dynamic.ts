// ONNX Resize whose scales, sizes or roi arrive at run time. The constant path (resize.ts,
// resize_matrix.ts) computes the interpolation matrix of each resized axis ahead of time; here
// Caffe2 ops compute the same matrices from the fed values, with the same float64 formulas for
// the source coordinates (so nearest rounding decides exactly as there), float64 weights and
// float32 matrices. With constant inputs every one of these ops folds away at conversion.
//
// Per axis of input length n, scale s and output length m: source coordinate x[o] of each
// output o (the coordinate transformation mode); for nearest, the rounded index clamped to
// [0, n); for linear and cubic, the kernel K(se·(x - j)) over source positions j that extend
// R past both ends (se = min(s, 1) with antialias, else 1), optionally restricted to the input
// (exclude_outside) and normalised, then folded onto the clamped positions by a 0/1 matrix.
// Leading axes cannot be resized (Caffe2 has no op for it): an Assert checks their scales are 1.

import type { RuleCtx } from '../context.js';
import { I, INTS, S } from '../context.js';
import { Ops } from './op_graph.js';
import type { AxisResize } from './resize_matrix.js';

/** The Resize node's attributes: the per-axis interpolation (as resize_matrix.ts takes it) and the rest. */
export interface ResizeSpec extends Pick<AxisResize, 'mode' | 'ctm' | 'nearestMode' | 'cubicA' | 'excludeOutside' | 'antialias'> {
  policy: string;
  extrapolation: number;
  /** The ONNX `axes` attribute, made non-negative (undefined: every axis). */
  axes: number[] | undefined;
}

/** Per-axis run-time values: scale (float64 [1]), output length (int64 [1]), crop roi (float64 [1] each). */
interface AxisValues { s: string; m: string; start?: string; end?: string }

/**
 * Emits the dynamic Resize of `x` (static shape) into `out`. `scales`/`sizes`/`roi` are the
 * Resize inputs (blob names; some may be constants, which simply fold).
 */
export function dynamicResize(c: RuleCtx, x: string, out: string, spec: ResizeSpec, inputs: { scales?: string; sizes?: string; roi?: string }): void {
  const shape = c.staticShape(x, 'Resize with run-time scales or sizes (the input lengths shape the interpolation matrices)');
  const r = shape.length;
  if (c.dtype(x) !== 'float32') c.fail(`input '${x}' is ${c.dtype(x)}: run-time resizing interpolates float32`);
  const g = new Ops(c);
  const listed = spec.axes ?? shape.map((_, i) => i);
  const pos = (k: number): number => listed.indexOf(k);
  const n = (k: number): string => g.f64(shape[k]!);
  const perAxis: (AxisValues | undefined)[] = shape.map(() => undefined);

  if (inputs.scales) {
    for (const k of listed) {
      const s = g.cast(g.at(inputs.scales, pos(k)), 'float64');
      // ONNX: output length = int(scale * length), truncating (both positive)
      perAxis[k] = { s, m: g.cast(g.mul(s, n(k)), 'int64') };
    }
  } else {
    const sizes = inputs.sizes!;
    for (const k of listed) {
      const m = g.at(sizes, pos(k));
      perAxis[k] = { s: g.div(g.cast(m, 'float64'), n(k)), m };
    }
    if (spec.policy !== 'stretch') {
      // one scale for every listed axis (the smallest or largest), lengths rounded half up from it
      let sc = perAxis[listed[0]!]!.s;
      for (const k of listed.slice(1)) sc = spec.policy === 'not_larger' ? g.min(perAxis[k]!.s, sc) : g.max(perAxis[k]!.s, sc);
      for (const k of listed) perAxis[k] = { s: sc, m: g.cast(g.op('Floor', [g.add(g.mul(sc, n(k)), g.f64(0.5))]), 'int64') };
    }
  }
  if (spec.ctm === 'tf_crop_and_resize') {
    if (!inputs.roi) c.fail('tf_crop_and_resize needs roi');
    const roi = g.cast(inputs.roi, 'float64');
    for (const k of listed) { perAxis[k]!.start = g.at(roi, pos(k)); perAxis[k]!.end = g.at(roi, pos(k) + listed.length); }
  }

  const resized = r >= 2 ? [r - 2, r - 1] : [r - 1];
  for (const k of listed) {
    if (resized.includes(k)) continue;
    c.emit('Assert', [g.op('EQ', [perAxis[k]!.s, g.f64(1)])], [], {
      error_msg: S(`Resize '${c.node.name || out}': axis ${k} has a scale other than 1, and only the last two axes can be resized`),
    });
  }
  // the last axis multiplies from the right (Y · Mwᵀ), the one before from the left (Mh · Y);
  // axes not listed in `axes` are unchanged
  const steps = [...resized].reverse().filter((k) => perAxis[k]);
  const ext = spec.ctm === 'tf_crop_and_resize' ? spec.extrapolation : 0;
  if (!steps.length) { c.emit('Copy', [x], [out]); return; }
  let cur = x;
  const inside = new Map<number, string>();
  steps.forEach((k, i) => {
    const { mat, rows } = axisMatrix(g, spec, shape[k]!, perAxis[k]!);
    if (rows) inside.set(k, rows);
    const y = i === steps.length - 1 && !ext ? out : c.dummy();
    if (k === r - 1) c.emit('BatchMatMul', [cur, mat], [y], { trans_b: I(1), broadcast: I(1) });
    else c.emit('BatchMatMul', [mat, cur], [y], { broadcast: I(1) });
    cur = y;
  });
  if (!ext) return;
  // positions sampled outside the crop have zero matrix rows; they take extrapolation_value:
  // ext · (1 - insideH ⊗ insideW) is added to the result
  const inH = inside.get(r - 2), inW = inside.get(r - 1);
  const both = inH && inW ? g.mul(g.col(inH), g.row(inW)) : inW ?? g.col(inH!);
  const plane = g.cast(g.mul(g.sub(g.f64(1), both), g.f64(ext)), 'float32');
  c.emit('Add', [cur, plane], [out]);
}

/**
 * The float32 [m, n] matrix of one axis, and (tf_crop_and_resize) the float64 [m] mask of rows
 * inside the input. ONNX's reference computes 2·pad coefficients for the taps from
 * P0 = ceil(x) - pad on, and applies them to the 2·pad positions nearest the double x + pad in
 * the input padded by pad: from W0 = clamp(ceil(x + pad) - 2·pad, -pad, n - pad). Near the ends,
 * and where x + pad rounds (x = 1e-16), W0 differs from P0, and every weight moves with it.
 */
function axisMatrix(g: Ops, spec: ResizeSpec, n: number, v: AxisValues): { mat: string; rows?: string } {
  const xo = coordinates(g, spec, n, v);
  // tf_crop_and_resize: rows sampling outside the input are zeroed at the end; their weights are
  // computed at x = 0, so that nothing there is NaN (0 · NaN would survive the zeroing)
  const crop = spec.ctm === 'tf_crop_and_resize';
  const rows = crop ? g.cast(g.op('And', [g.op('GE', [xo, g.f64(0)]), g.op('LE', [xo, g.f64(n - 1)])]), 'float64') : undefined;
  const x = rows ? g.mul(xo, rows) : xo;
  // column i gathers the positions that clamp to it: (-inf, 0] for 0, [n-1, inf) for n-1
  const lo = g.const('float64', Array.from({ length: n }, (_, i) => (i === 0 ? -Infinity : i)), [1, n]);
  const hi = g.const('float64', Array.from({ length: n }, (_, i) => (i === n - 1 ? Infinity : i)), [1, n]);
  const clampTo = (pcol: string): string => g.op('And', [g.op('GE', [pcol, lo]), g.op('LE', [pcol, hi])]);
  const ceil = (a: string): string => g.op('Negative', [g.op('Floor', [g.op('Negative', [a])])]);
  const ceilX = ceil(x);
  /** W0 for taps 2·pad wide (pad float64 [1]). */
  const windowStart = (pad: string): string =>
    g.max(g.min(g.sub(ceil(g.add(x, pad)), g.add(pad, pad)), g.sub(g.f64(n), pad)), g.op('Negative', [pad]));
  let mat: string;
  if (spec.mode === 'nearest') {
    // two taps from W0 (pad 1), the first or the second by the rounding of ratio: x - floor(x)
    // in (0, 1], 1 for an integer x
    const ratio = g.add(g.sub(x, ceilX), g.f64(1));
    const second = spec.nearestMode === 'round_prefer_floor' ? g.op('GT', [ratio, g.f64(0.5)])
      : spec.nearestMode === 'round_prefer_ceil' ? g.op('GE', [ratio, g.f64(0.5)])
        : spec.nearestMode === 'floor' ? g.op('GE', [ratio, g.f64(1)]) : g.op('GT', [ratio, g.f64(0)]);
    const idx = g.add(windowStart(g.f64(1)), g.cast(second, 'float64'));
    mat = g.cast(clampTo(g.col(idx)), 'float32');
    if (spec.excludeOutside) {
      // as in ONNX's reference: a chosen position outside the input leaves no weight, and
      // renormalising the empty row gives NaN (0/0: the row is scaled by 0/0, else by 1/1)
      const inside = g.cast(g.op('And', [g.op('GE', [idx, g.f64(0)]), g.op('LE', [idx, g.f64(n - 1)])]), 'float32');
      mat = g.mul(mat, g.col(g.div(inside, inside)));
    }
  } else {
    const supp = spec.mode === 'cubic' ? 2 : 1;
    // antialias widens the kernel by 1/s when downscaling; start = floor(-supp/se) + 1
    const se = spec.antialias ? g.min(v.s, g.f64(1)) : g.f64(1);
    const reach = g.op('Floor', [g.div(g.f64(supp), se)]);
    // pad = ceil(supp / se): the coefficients' taps start at P0 = ceil(x) - pad; applied from W0
    const pad = ceil(g.div(g.f64(supp), se));
    const xs = g.add(x, g.sub(windowStart(pad), g.sub(ceilX, pad)));
    // source positions reaching past both ends: [-R, n + R) with R = floor(supp/se) + 2
    const R = g.add(g.cast(reach, 'int64'), g.const('int64', [2]));
    const j = g.cast(g.op('Range', [g.op('Negative', [R]), g.add(R, g.const('int64', [n]))]), 'float64');
    const a = g.op('Abs', [g.mul(g.sub(g.col(xs), g.row(j)), se)]);
    let w = spec.mode === 'linear' ? g.mul(g.sub(g.f64(1), a), g.mask('LT', a, g.f64(1))) : cubic(g, a, spec.cubicA);
    if (spec.excludeOutside) w = g.mul(w, g.cast(g.op('And', [g.op('GE', [g.row(j), g.f64(0)]), g.op('LE', [g.row(j), g.f64(n - 1)])]), 'float64'));
    if (spec.antialias || spec.excludeOutside) w = g.div(w, g.op('ReduceSum', [w], { axes: INTS([1]), keepdims: I(1) }));
    mat = g.op('BatchMatMul', [g.cast(w, 'float32'), g.cast(clampTo(g.col(j)), 'float32')]);
  }
  return rows ? { mat: g.mul(mat, g.cast(g.col(rows), 'float32')), rows } : { mat };
}

/** Keys' cubic convolution kernel of |t| = a (float64): zero from 2 on. */
function cubic(g: Ops, a: string, A: number): string {
  const a2 = g.mul(a, a);
  const near = g.add(g.mul(g.sub(g.mul(g.f64(A + 2), a), g.f64(A + 3)), a2), g.f64(1));
  const far = g.sub(g.mul(g.add(g.mul(g.sub(g.mul(g.f64(A), a), g.f64(5 * A)), a), g.f64(8 * A)), a), g.f64(4 * A));
  const m1 = g.mask('LE', a, g.f64(1));
  return g.add(g.mul(near, m1), g.mul(far, g.sub(g.mask('LT', a, g.f64(2)), m1)));
}

/** Source coordinate of every output position (float64 [m]), as resize_matrix.ts `source` computes it. */
function coordinates(g: Ops, spec: ResizeSpec, n: number, v: AxisValues): string {
  const o = g.cast(g.op('Range', [v.m]), 'float64');
  const { s } = v;
  const outF = g.mul(s, g.f64(n));
  // outF == 1: the modes that divide by outF - 1 take a fixed coordinate there
  const single = (): string => g.mask('EQ', outF, g.f64(1));
  const q = (): string => g.div(g.add(o, g.f64(0.5)), s);
  switch (spec.ctm) {
    case 'asymmetric': return g.div(o, s);
    case 'half_pixel': return g.sub(q(), g.f64(0.5));
    case 'pytorch_half_pixel': return g.select(single(), g.f64(-0.5), g.sub(q(), g.f64(0.5)));
    case 'align_corners': {
      const e = single();
      return g.div(g.mul(o, g.f64(n - 1)), g.add(g.sub(outF, g.f64(1)), e));
    }
    case 'half_pixel_symmetric': {
      const offset = g.mul(g.f64(n / 2), g.sub(g.f64(1), g.div(g.cast(v.m, 'float64'), outF)));
      return g.sub(g.add(offset, q()), g.f64(0.5));
    }
    case 'tf_half_pixel_for_nn': return q();
    case 'tf_crop_and_resize': {
      const e = single(), d = g.sub(v.end!, v.start!);
      const spread = g.div(g.mul(g.mul(o, d), g.f64(n - 1)), g.add(g.sub(outF, g.f64(1)), e));
      const mid = g.div(g.mul(d, g.f64(n - 1)), g.f64(2));
      return g.add(g.select(e, mid, spread), g.mul(v.start!, g.f64(n - 1)));
    }
    default: throw new Error(`internal: coordinate_transformation_mode '${spec.ctm}'`);
  }
}
