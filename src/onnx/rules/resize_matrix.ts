// ONNX Resize as interpolation matrices: every mode ONNX defines per axis (nearest with its
// rounding modes, linear, cubic, antialiased filters; every coordinate transformation) is a
// linear map from the input positions of one axis to its output positions, and ONNX applies the
// axes one after another. So a resize of the last two axes is A_h · X · A_wᵀ: two Caffe2
// BatchMatMuls with constant matrices. The weights follow onnx/reference/ops/op_resize.py
// (_interpolate_1d_with_x): coefficients over the n nearest positions, edge-clamped, or zeroed and
// renormalised with exclude_outside. tf_crop_and_resize's extrapolated positions get zero rows
// (the caller adds extrapolation_value there).

export interface AxisResize {
  inLen: number;
  outLen: number;
  /** ONNX's scale for the axis (sizes / input when sizes are given). */
  scale: number;
  mode: 'nearest' | 'linear' | 'cubic';
  ctm: string;
  nearestMode: string;
  cubicA: number;
  excludeOutside: boolean;
  antialias: boolean;
  /** tf_crop_and_resize: the axis' [start, end] in normalised coordinates. */
  roi?: [number, number];
}

function nearestCoeffs(ratio: number, mode: string): number[] {
  if (Number.isInteger(ratio)) return [0, 1];
  switch (mode) {
    case 'round_prefer_floor': return [ratio <= 0.5 ? 1 : 0, ratio > 0.5 ? 1 : 0];
    case 'round_prefer_ceil': return [ratio < 0.5 ? 1 : 0, ratio >= 0.5 ? 1 : 0];
    case 'floor': return [1, 0];
    case 'ceil': return [0, 1];
    default: throw new Error(`nearest_mode '${mode}'`);
  }
}

function cubicCoeffs(r: number, A: number): number[] {
  const s = 1 - r;
  return [
    ((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
    ((A + 2) * r - (A + 3)) * r * r + 1,
    ((A + 2) * s - (A + 3)) * s * s + 1,
    ((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A,
  ];
}

function cubicAntialias(ratio: number, scale: number, A: number): number[] {
  const sc = Math.min(scale, 1);
  const k = (x: number): number => {
    x = Math.abs(x);
    if (x <= 1) return (A + 2) * x ** 3 - (A + 3) * x * x + 1;
    if (x < 2) return A * x ** 3 - 5 * A * x * x + 8 * A * x - 4 * A;
    return 0;
  };
  const start = Math.floor(-2 / sc) + 1, end = 2 - start;
  const c: number[] = [];
  for (let i = start; i < end; i++) c.push(k(sc * (i - ratio)));
  const sum = c.reduce((a, b) => a + b, 0);
  return c.map((v) => v / sum);
}

function linearAntialias(ratio: number, scale: number): number[] {
  const sc = Math.min(scale, 1);
  const start = Math.floor(-1 / sc) + 1, footprint = 2 - 2 * start;
  const c: number[] = [];
  for (let i = start; i < start + footprint; i++) c.push(Math.min(1, Math.max(0, 1 - Math.abs((i - ratio) * sc))));
  const sum = c.reduce((a, b) => a + b, 0);
  return c.map((v) => v / sum);
}

/** Source coordinate of output position x, or undefined where tf_crop_and_resize extrapolates. */
function source(x: number, a: AxisResize): number | undefined {
  const n = a.inLen, outF = a.scale * n;
  switch (a.ctm) {
    case 'align_corners': return outF === 1 ? 0 : (x * (n - 1)) / (outF - 1);
    case 'asymmetric': return x / a.scale;
    case 'pytorch_half_pixel': return outF === 1 ? -0.5 : (x + 0.5) / a.scale - 0.5;
    case 'half_pixel': return (x + 0.5) / a.scale - 0.5;
    case 'half_pixel_symmetric': {
      const offset = (n / 2) * (1 - a.outLen / outF);
      return offset + (x + 0.5) / a.scale - 0.5;
    }
    case 'tf_half_pixel_for_nn': return (x + 0.5) / a.scale;
    case 'tf_crop_and_resize': {
      const [s, e] = a.roi!;
      let v = outF === 1 ? ((e - s) * (n - 1)) / 2 : (x * (e - s) * (n - 1)) / (outF - 1);
      v += s * (n - 1);
      return v < 0 || v > n - 1 ? undefined : v;
    }
    default: throw new Error(`coordinate_transformation_mode '${a.ctm}'`);
  }
}

/**
 * The n positions nearest x, ascending, found as ONNX's reference finds them: in the input padded
 * by `pad` on both sides, around the double x + pad (smaller first on ties). That rounding can
 * move the window a place from the one the coefficients were computed for (x = 1e-16: x + pad
 * rounds to pad), and the reference applies them to it all the same.
 */
function neighbours(x: number, n: number, pad: number, inLen: number): number[] {
  const xp = x + pad, limit = inLen + 2 * pad;
  const base = Math.floor(xp);
  const cands: number[] = [];
  for (let i = base - n - 1; i <= base + n + 1; i++) if (i >= 0 && i < limit) cands.push(i);
  cands.sort((p, q) => Math.abs(xp - p) - Math.abs(xp - q) || p - q);
  return cands.slice(0, n).sort((p, q) => p - q).map((i) => i - pad);
}

/** The [outLen, inLen] interpolation matrix of one axis, row-major, float64. */
export function resizeMatrix(a: AxisResize): Float64Array {
  const m = new Float64Array(a.outLen * a.inLen);
  for (let o = 0; o < a.outLen; o++) {
    const x = source(o, a);
    if (x === undefined) continue; // extrapolated: the value is extrapolation_value (0 here)
    const ratio = Number.isInteger(x) ? 1 : x - Math.floor(x);
    let c: number[];
    if (a.mode === 'nearest') c = nearestCoeffs(ratio, a.nearestMode);
    else if (a.mode === 'linear') c = a.antialias && a.scale < 1 ? linearAntialias(ratio, a.scale) : [1 - ratio, ratio];
    else c = a.antialias && a.scale < 1 ? cubicAntialias(ratio, a.scale, a.cubicA) : cubicCoeffs(ratio, a.cubicA);
    const idx = neighbours(x, c.length, Math.ceil(c.length / 2), a.inLen);
    if (a.excludeOutside) {
      for (let k = 0; k < idx.length; k++) if (idx[k]! < 0 || idx[k]! >= a.inLen) c[k] = 0;
      const sum = c.reduce((p, q) => p + q, 0);
      c = c.map((v) => v / sum);
    }
    for (let k = 0; k < idx.length; k++) {
      const j = Math.min(a.inLen - 1, Math.max(0, idx[k]!));
      m[o * a.inLen + j] += c[k]!;
    }
  }
  return m;
}

/** Which output positions tf_crop_and_resize samples outside the input (extrapolated). */
export function outsideRows(a: AxisResize): boolean[] {
  return Array.from({ length: a.outLen }, (_, o) => source(o, a) === undefined);
}
