// Upsample, Resize and RoiAlign. Nearest resizing maps to Caffe2 ResizeNearest (out = int(in *
// scale), in = min(int(out / scale), in - 1)) wherever ONNX's coordinate mode and rounding give
// the same pixels. Bilinear resizing with integer factors is expressed exactly as an edge pad
// plus a fixed-kernel depthwise ConvTranspose (the tent filter of the coordinate mode);
// align_corners bilinear is Caffe2's UpsampleBilinear. Everything else is reported unsupported.

import { Tensor } from '../../core/tensor.js';
import type { RuleCtx } from '../context.js';
import { F, I, INTS, S } from '../context.js';
import type { RuleSet } from './index.js';
import { dynamicResize } from './resize_dynamic.js';
import { roiAlignMax } from './roi_align_max.js';
import { outsideRows, resizeMatrix, type AxisResize } from './resize_matrix.js';

type Linear = 'half_pixel' | 'asymmetric';

/** Tent filter of one axis for integer factor s: taps, first tap offset, edge pad needed on each side. */
function tent(s: number, mode: Linear): { taps: number[]; kmin: number; eb: number; ee: number } {
  // output o samples input at (o + a)/s - b; the weight of input j is max(0, 1 - |o - s*j - c0| / s)
  const a = mode === 'half_pixel' ? 0.5 : 0, b = a;
  const c0 = s * b - a;
  const kmin = Math.floor(c0 - s) + 1, kmax = Math.ceil(c0 + s) - 1;
  const taps: number[] = [];
  for (let k = kmin; k <= kmax; k++) taps.push(Math.max(0, 1 - Math.abs(k - c0) / s));
  const lo = a / s - b, hi = 1 - 1 / s + a / s - b; // first source coordinate, last one minus (n - 1)
  return { taps, kmin, eb: lo < 0 ? 1 : 0, ee: hi > 0 ? 1 : 0 };
}

/**
 * Bilinear upsampling of a 4-D NCHW tensor by integer factors: PadImage(edge) + ConvTranspose with
 * a per-channel (group = C) kernel. Equals PyTorch/ONNX linear resizing bit-for-bit up to float
 * summation order, borders included (the edge pad reproduces the coordinate clamp).
 */
export function bilinearUpsample(c: RuleCtx, x: string, out: string, sh: number, sw: number, mode: Linear): void {
  if (sh === 1 && sw === 1) { c.emit('Copy', [x], [out]); return; }
  const shape = c.shape(x);
  if (shape.length !== 4) c.fail(`bilinear resizing is supported for 4-D NCHW input, got rank ${shape.length}`);
  const C = shape[1]!;
  if (C < 0) c.fail(`bilinear resizing needs the channel count of '${x}'`);
  const th = tent(sh, mode), tw = tent(sw, mode);
  const kh = th.taps.length, kw = tw.taps.length;
  const w = new Float32Array(C * kh * kw);
  for (let ch = 0; ch < C; ch++) {
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) w[(ch * kh + i) * kw + j] = th.taps[i]! * tw.taps[j]!;
  }
  const weight = c.dummy();
  c.emitConstant(weight, new Tensor('float32', [C, 1, kh, kw], w));
  let src = x;
  if (th.eb || th.ee || tw.eb || tw.ee) {
    src = c.dummy();
    c.emit('PadImage', [x], [src], { pads: INTS([th.eb, tw.eb, th.ee, tw.ee]), mode: S('edge') });
  }
  const pb = (t: ReturnType<typeof tent>, s: number): number => s * t.eb - t.kmin;
  const pe = (t: ReturnType<typeof tent>, s: number, k: number): number => (t.eb + t.ee - 1) * s + k - pb(t, s);
  const pads = [pb(th, sh), pb(tw, sw), pe(th, sh, kh), pe(tw, sw, kw)];
  if (pads.some((p) => p < 0)) c.fail(`internal: negative ConvTranspose pads [${pads.join(', ')}]`);
  c.emit('ConvTranspose', [src, weight], [out], {
    kernels: INTS([kh, kw]), strides: INTS([sh, sw]), pads: INTS(pads), group: I(C),
  });
}

function isInt(v: number): boolean { return Number.isInteger(v) && v >= 1; }

/** Spatial (H, W) scales from a 4-element NCHW scale list; N and C must not scale. */
function spatial(c: RuleCtx, scales: number[]): [number, number] {
  if (scales.length !== 4) c.fail(`scales [${scales.join(', ')}]: only 4-D NCHW resizing has a Caffe2 form`);
  if (scales[0] !== 1 || scales[1] !== 1) c.fail(`scales [${scales.join(', ')}] resize the batch or channel dim`);
  if (!(scales[2]! > 0 && scales[3]! > 0)) c.fail(`scales [${scales.join(', ')}] must be positive`);
  return [scales[2]!, scales[3]!];
}

function linear(c: RuleCtx, x: string, out: string, sh: number, sw: number, mode: 'half_pixel' | 'asymmetric' | 'align_corners'): void {
  if (mode === 'align_corners') {
    c.emit('UpsampleBilinear', [x], [out], { height_scale: F(sh), width_scale: F(sw) });
    return;
  }
  if (isInt(sh) && isInt(sw)) { bilinearUpsample(c, x, out, sh, sw, mode); return; }
  const shape = c.staticShape(x, `linear resizing by [${sh}, ${sw}] (as interpolation matrices)`);
  if (shape.length !== 4) c.fail(`linear resizing of a rank-${shape.length} input`);
  const axis = (k: number, s: number): AxisResize => ({
    inLen: shape[k]!, outLen: Math.floor(shape[k]! * s), scale: s, mode: 'linear', ctm: mode, nearestMode: 'floor', cubicA: -0.75, excludeOutside: false, antialias: false,
  });
  matrixResize(c, x, out, axis(2, sh), axis(3, sw));
}

/**
 * ONNX Upsample(mode="linear"): the ONNX text (opsets 7-9) means asymmetric coordinates, but
 * every exporter that wrote it (PyTorch's opset-9 `interpolate(bilinear, align_corners=False)`,
 * detectron2's keypoint head) meant half-pixel; `upsampleLinear` picks (default half_pixel).
 */
function upsampleLinear(c: RuleCtx, x: string, sh: number, sw: number): void {
  linear(c, x, c.out(0), sh, sw, c.options.upsampleLinear);
}

function upsampleMode(c: RuleCtx): 'nearest' | 'linear' {
  const mode = c.attrs.str('mode', 'nearest');
  if (mode === 'nearest') return 'nearest';
  if (mode === 'linear' || mode === 'bilinear') return 'linear';
  return c.fail(`mode '${mode}' has no Caffe2 form`);
}

const upsampleV1 = (c: RuleCtx): void => {
  c.only('mode', 'height_scale', 'width_scale');
  const sh = c.attrs.float('height_scale', 1), sw = c.attrs.float('width_scale', 1);
  if (upsampleMode(c) === 'linear') { upsampleLinear(c, c.in(0), sh, sw); return; }
  c.emit('ResizeNearest', [c.in(0)], [c.out(0)], { height_scale: F(sh), width_scale: F(sw) });
};

const upsampleV7 = (c: RuleCtx): void => {
  c.only('mode', 'scales');
  const [sh, sw] = spatial(c, c.attrs.floats('scales') ?? c.fail("attribute 'scales' is required"));
  if (upsampleMode(c) === 'linear') { upsampleLinear(c, c.in(0), sh, sw); return; }
  c.emit('ResizeNearest', [c.in(0)], [c.out(0)], { height_scale: F(sh), width_scale: F(sw) });
};

/** Opset 9: scales is an input; Caffe2 slices its spatial part and feeds ResizeNearest's 2-input form. */
const upsampleV9 = (c: RuleCtx): void => {
  c.only('mode');
  const x = c.in(0), scales = c.in(1);
  const value = c.constant(scales);
  if (upsampleMode(c) === 'linear') {
    const [sh, sw] = spatial(c, c.constFloats(scales, 'scales of a linear Upsample'));
    upsampleLinear(c, x, sh, sw);
    return;
  }
  if (value) spatial(c, value.toNumbers());
  const s = c.dummy();
  c.emit('Slice', [scales], [s], { starts: INTS([2]), ends: INTS([-1]) });
  c.emit('ResizeNearest', [x, s], [c.out(0)]);
};

/**
 * ResizeNearest's pixel choice equals ONNX nearest for these modes with integer scales, whatever
 * the input size (for other scales Caffe2's float32 division can round across an integer that
 * ONNX's double coordinate stays below: `nearestExact` checks those index by index).
 */
function nearestMatches(ctm: string, nearestMode: string, sh: number, sw: number): boolean {
  if (ctm === 'asymmetric' || ctm === 'tf_half_pixel_for_nn') return nearestMode === 'floor' && isInt(sh) && isInt(sw);
  if (ctm === 'half_pixel' || ctm === 'pytorch_half_pixel') {
    // src = i + (r + 0.5)/s - 0.5 lies strictly within (i - 0.5, i + 0.5): both roundings give i
    return isInt(sh) && isInt(sw) && (nearestMode === 'round_prefer_floor' || nearestMode === 'round_prefer_ceil');
  }
  // unit scales copy the input, except where tf_crop_and_resize's roi crops it
  return sh === 1 && sw === 1 && ctm !== 'tf_crop_and_resize';
}

/**
 * True when Caffe2's ResizeNearest picks ONNX's pixels on this axis: its length int(in·scale) and
 * index min(int(o / scale), in - 1), both in float32, against the one-hot rows of ONNX's matrix.
 */
function nearestExact(a: AxisResize): boolean {
  const f = Math.fround, s = f(a.scale);
  if (Math.trunc(f(a.inLen * s)) !== a.outLen) return false;
  const m = resizeMatrix(a);
  for (let o = 0; o < a.outLen; o++) {
    const i = Math.min(Math.trunc(f(o / s)), a.inLen - 1);
    for (let j = 0; j < a.inLen; j++) if (m[o * a.inLen + j] !== (j === i ? 1 : 0)) return false;
  }
  return true;
}

const CTMS = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'];
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

const resize = (c: RuleCtx): void => {
  c.only('mode', 'coordinate_transformation_mode', 'nearest_mode', 'cubic_coeff_a', 'exclude_outside', 'extrapolation_value', 'antialias', 'axes', 'keep_aspect_ratio_policy');
  const x = c.in(0);
  const mode = c.attrs.str('mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'cubic') c.fail(`mode '${mode}' is not an ONNX value`);
  // opset 10 had no coordinate modes: asymmetric coordinates, floor for nearest (Upsample-9)
  const ctm = c.opset < 11 ? 'asymmetric' : c.attrs.str('coordinate_transformation_mode', 'half_pixel');
  const nearestMode = c.opset < 11 ? 'floor' : c.attrs.str('nearest_mode', 'round_prefer_floor');
  if (!CTMS.includes(ctm)) c.fail(`coordinate_transformation_mode '${ctm}' is not an ONNX value`);
  if (!NEAREST_MODES.includes(nearestMode)) c.fail(`nearest_mode '${nearestMode}' is not an ONNX value`);
  const policy = c.attrs.str('keep_aspect_ratio_policy', 'stretch');
  if (!['stretch', 'not_larger', 'not_smaller'].includes(policy)) c.fail(`keep_aspect_ratio_policy '${policy}' is not an ONNX value`);
  const rank = c.rank(x);
  const axes = c.attrs.ints('axes')?.map((a) => (a < 0 ? a + rank : a));
  const expand = (v: number[], fillv: number): number[] => {
    if (!axes) return v;
    const full = new Array<number>(rank).fill(fillv);
    axes.forEach((a, i) => { full[a] = v[i]!; });
    return full;
  };
  const scalesIn = c.opset < 11 ? c.input(1) : c.input(2);
  const sizesIn = c.opset < 11 ? undefined : c.input(3);
  // an empty scales input means "use sizes"
  const useScales = !!scalesIn && c.shape(scalesIn)[0] !== 0;
  // scales, sizes or roi fed at run time: Caffe2 ops compute the interpolation matrices then
  const fed = (name: string | undefined): boolean => !!name && !c.maybeConstValues(name);
  if ((useScales ? fed(scalesIn) : fed(sizesIn)) || (ctm === 'tf_crop_and_resize' && fed(c.input(1)))) {
    if (!useScales && !sizesIn) c.fail('neither scales nor sizes is given');
    dynamicResize(c, x, c.out(0), {
      mode, ctm, nearestMode, cubicA: c.attrs.float('cubic_coeff_a', -0.75), excludeOutside: c.attrs.int('exclude_outside', 0) === 1,
      antialias: c.attrs.int('antialias', 0) === 1, policy, extrapolation: c.attrs.float('extrapolation_value', 0), axes,
    }, { ...(useScales ? { scales: scalesIn! } : { sizes: sizesIn! }), ...(c.input(1) ? { roi: c.in(1) } : {}) });
    return;
  }
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (useScales) {
    const v = c.constFloats(scalesIn!, 'scales');
    if (v.length) scales = expand(v, 1);
  }
  if (!scales && sizesIn) {
    const inShape = c.staticShape(x, 'Resize with sizes');
    sizes = expand(c.constInts(sizesIn, 'sizes'), -1).map((s, i) => (s < 0 ? inShape[i]! : s));
    scales = sizes.map((s, i) => s / inShape[i]!);
    if (policy !== 'stretch') {
      // one scale for the resized axes (the smallest or largest), sizes rounded half up from it
      const on = axes ?? inShape.map((_, i) => i);
      const sc = (policy === 'not_larger' ? Math.min : Math.max)(...on.map((a) => scales![a]!));
      scales = inShape.map((_, i) => (on.includes(i) ? sc : 1));
      sizes = inShape.map((d, i) => (on.includes(i) ? Math.floor(sc * d + 0.5) : d));
    }
  }
  if (!scales) c.fail('neither scales nor sizes is given');
  if (scales.length !== rank) c.fail(`${scales.length} scales for a rank-${rank} input`);
  if (scales.some((v) => !(v > 0))) c.fail(`scales [${scales.join(', ')}] must be positive`);
  if (scales.slice(0, -2).some((v) => v !== 1)) c.fail(`scales [${scales.join(', ')}]: only the last two axes can be resized`);
  const antialias = c.attrs.int('antialias', 0) === 1 && scales.some((v) => v < 1);
  const [sh, sw] = rank >= 2 ? [scales[rank - 2]!, scales[rank - 1]!] : [1, scales[0]!];
  // the single-op forms: 4-D, whole output pixels, and (with sizes) the same output size from int(in * scale)
  let direct = rank === 4 && !antialias;
  if (direct && sizes) {
    const inShape = c.staticShape(x, 'Resize with sizes');
    const f = Math.fround;
    direct = Math.floor(f(inShape[2]! * f(sh))) === sizes[2] && Math.floor(f(inShape[3]! * f(sw))) === sizes[3];
  }
  const dims = c.info(x)?.shape;
  const nearestAxis = (k: number, sc: number): AxisResize => ({
    inLen: dims![k]!, outLen: sizes ? sizes[k]! : Math.floor(dims![k]! * sc), scale: sc, mode: 'nearest', ctm, nearestMode,
    cubicA: -0.75, excludeOutside: c.attrs.int('exclude_outside', 0) === 1, antialias: false,
  });
  const nearestDirect = (): boolean => (dims && dims.slice(2).every((d) => d >= 0) && ctm !== 'tf_crop_and_resize'
    ? nearestExact(nearestAxis(2, sh)) && nearestExact(nearestAxis(3, sw))
    : nearestMatches(ctm, nearestMode, sh, sw));
  if (direct && mode === 'nearest' && nearestDirect()) {
    c.emit('ResizeNearest', [x], [c.out(0)], { height_scale: F(sh), width_scale: F(sw) });
    return;
  }
  if (direct && mode === 'linear' && isInt(sh) && isInt(sw) && (ctm === 'half_pixel' || ctm === 'pytorch_half_pixel' || ctm === 'asymmetric')) {
    bilinearUpsample(c, x, c.out(0), sh, sw, ctm === 'asymmetric' ? 'asymmetric' : 'half_pixel');
    return;
  }
  if (direct && mode === 'linear' && ctm === 'align_corners' && c.info(x)?.shape.slice(2).every((d, i) => d >= 0 && Number.isInteger(d * [sh, sw][i]!))) {
    c.emit('UpsampleBilinear', [x], [c.out(0)], { height_scale: F(sh), width_scale: F(sw) });
    return;
  }
  let roi: number[] | undefined;
  if (ctm === 'tf_crop_and_resize') {
    const r = c.input(1) ? c.constFloats(c.in(1), 'roi') : undefined;
    if (!r) c.fail('tf_crop_and_resize needs roi');
    roi = axes ? (() => { const full = [...new Array<number>(rank).fill(0), ...new Array<number>(rank).fill(1)]; axes.forEach((a, i) => { full[a] = r[i]!; full[a + rank] = r[i + axes.length]!; }); return full; })() : r;
  }
  const shape = c.staticShape(x, `${mode} resizing with ${ctm} coordinates (as interpolation matrices)`);
  const axis = (k: number): AxisResize => ({
    inLen: shape[k]!, outLen: sizes ? sizes[k]! : Math.floor(shape[k]! * scales![k]!), scale: scales![k]!, mode, ctm, nearestMode,
    cubicA: c.attrs.float('cubic_coeff_a', -0.75), excludeOutside: c.attrs.int('exclude_outside', 0) === 1, antialias,
    ...(roi ? { roi: [roi[k]!, roi[k + rank]!] as [number, number] } : {}),
  });
  const h = rank >= 2 ? axis(rank - 2) : undefined, w = axis(rank - 1);
  const ext = ctm === 'tf_crop_and_resize' ? c.attrs.float('extrapolation_value', 0) : 0;
  if (!ext) { matrixResize(c, x, c.out(0), h, w); return; }
  // positions sampled outside the crop take extrapolation_value: their matrix rows are zero,
  // so the value is added as a constant [Ho, Wo] plane (rows of either axis outside the crop)
  const y = c.dummy();
  matrixResize(c, x, y, h, w);
  const rowsH = h ? outsideRows(h) : [false], rowsW = outsideRows(w);
  const plane = new Float32Array(rowsH.length * rowsW.length);
  rowsH.forEach((oh, i) => rowsW.forEach((ow, j) => { plane[i * rowsW.length + j] = oh || ow ? ext : 0; }));
  const e = c.dummy();
  c.emitConstant(e, new Tensor('float32', h ? [rowsH.length, rowsW.length] : [rowsW.length], plane));
  c.emit('Add', [y, e], [c.out(0)]);
};

/** X resized along its last two axes as A_h · X · A_wᵀ (BatchMatMul broadcasts the matrices). */
function matrixResize(c: RuleCtx, x: string, out: string, h: AxisResize | undefined, w: AxisResize): void {
  const isIdentity = (a: AxisResize | undefined): boolean => !a || (a.inLen === a.outLen && resizeMatrix(a).every((v, i) => v === (Math.floor(i / a.inLen) === i % a.inLen ? 1 : 0)));
  const doW = !isIdentity(w), doH = !isIdentity(h);
  if (!doW && !doH) { c.emit('Copy', [x], [out]); return; }
  let cur = x;
  if (doW) {
    const m = resizeMatrix(w);
    const t = new Float32Array(w.inLen * w.outLen);
    for (let o = 0; o < w.outLen; o++) for (let i = 0; i < w.inLen; i++) t[i * w.outLen + o] = m[o * w.inLen + i]!;
    const mat = c.dummy();
    c.emitConstant(mat, new Tensor('float32', [w.inLen, w.outLen], t));
    const next = doH ? c.dummy() : out;
    c.emit('BatchMatMul', [cur, mat], [next], { broadcast: I(1) });
    cur = next;
  }
  if (doH) {
    const mat = c.dummy();
    c.emitConstant(mat, new Tensor('float32', [h!.outLen, h!.inLen], Float32Array.from(resizeMatrix(h!))));
    c.emit('BatchMatMul', [mat, cur], [out], { broadcast: I(1) });
  }
}

/** ONNX RoiAlign(X, rois [R,4], batch_indices [R]) -> Caffe2 RoIAlign(X, [b, x1, y1, x2, y2]). */
const roiAlign = (c: RuleCtx): void => {
  c.only('mode', 'output_height', 'output_width', 'sampling_ratio', 'spatial_scale', 'coordinate_transformation_mode');
  // opset 10 had only the output_half_pixel behaviour; 16 added half_pixel as the default
  const ctm = c.opset < 16 ? 'output_half_pixel' : c.attrs.str('coordinate_transformation_mode', 'half_pixel');
  const x = c.in(0), rois = c.in(1), idx = c.in(2);
  const mode = c.attrs.str('mode', 'avg');
  if (mode === 'max') {
    roiAlignMax(c, x, rois, idx, {
      pooledH: c.attrs.int('output_height', 1), pooledW: c.attrs.int('output_width', 1), samplingRatio: c.attrs.int('sampling_ratio', 0),
      spatialScale: c.attrs.float('spatial_scale', 1), halfPixel: ctm === 'half_pixel',
    });
    return;
  }
  if (mode !== 'avg') c.fail(`mode '${mode}' is not an ONNX value`);
  const f = c.dummy(), col = c.dummy(), rois5 = c.dummy();
  c.emit('Cast', [idx], [f], { to: I(1) });
  c.emit('ExpandDims', [f], [col], { dims: INTS([1]) });
  c.emit('Concat', [col, rois], [rois5, c.dummy()], { axis: I(1) });
  c.emit('RoIAlign', [x, rois5], [c.out(0)], {
    order: S('NCHW'),
    spatial_scale: F(c.attrs.float('spatial_scale', 1)),
    pooled_h: I(c.attrs.int('output_height', 1)),
    pooled_w: I(c.attrs.int('output_width', 1)),
    sampling_ratio: I(c.attrs.int('sampling_ratio', 0)),
    aligned: I(ctm === 'half_pixel' ? 1 : 0),
  });
};

export const RESIZE_RULES: Readonly<Record<string, RuleSet>> = {
  Upsample: { '1-6': upsampleV1, '7-8': upsampleV7, '9+': upsampleV9 },
  Resize: { '10+': resize },
  RoiAlign: { '10+': roiAlign },
};

