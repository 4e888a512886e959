// Bilinear resize of interleaved uint8 images (H x W x C), bit-exact with Pillow's
// Image.resize(size, BILINEAR), which detectron2's ResizeTransform uses for uint8 images.
// Follows Pillow's src/libImaging/Resample.c: a separable convolution (horizontal pass, then
// vertical), the triangle filter's support widened by the downscale factor, coefficients
// normalised in double and then quantised to 22-bit fixed point, each pass rounded to uint8.

/** Pillow's fixed-point precision for 8-bit images: 32 - 8 - 2. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per output pixel: first input index, tap count, and `ksize` integer weights. */
export interface ResampleCoeffs {
  ksize: number;
  bounds: Int32Array;
  weights: Int32Array;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear (triangle) filter. */
export function bilinearCoeffs(inSize: number, outSize: number): ResampleCoeffs {
  const scale = inSize / outSize;
  const filterScale = scale < 1 ? 1 : scale;
  const support = 1 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero; Pillow relies on that for the "+ 0.5" rounding.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      const w = t < 1 ? 1 - t : 0;
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      const w = x < xmax && ww !== 0 ? k[x]! / ww : 0;
      // Round half away from zero, as Pillow's normalize_coeffs_8bpc does.
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = Math.max(0, xmax);
  }
  return { ksize, bounds, weights };
}

function clip8(v: number): number {
  if (v >= ONE * 256) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

function resampleHorizontal(out: Uint8Array, src: Uint8Array, h: number, w: number, c: number, ow: number, k: ResampleCoeffs): void {
  const { ksize, bounds, weights } = k;
  for (let y = 0; y < h; y++) {
    const row = y * w * c, orow = y * ow * c;
    for (let xx = 0; xx < ow; xx++) {
      const xmin = bounds[xx * 2]!, n = bounds[xx * 2 + 1]!, kb = xx * ksize;
      for (let ch = 0; ch < c; ch++) {
        let ss = HALF;
        for (let x = 0; x < n; x++) ss += src[row + (xmin + x) * c + ch]! * weights[kb + x]!;
        out[orow + xx * c + ch] = clip8(ss);
      }
    }
  }
}

function resampleVertical(out: Uint8Array, src: Uint8Array, w: number, c: number, oh: number, k: ResampleCoeffs): void {
  const { ksize, bounds, weights } = k;
  const stride = w * c;
  for (let yy = 0; yy < oh; yy++) {
    const ymin = bounds[yy * 2]!, n = bounds[yy * 2 + 1]!, kb = yy * ksize, orow = yy * stride;
    for (let i = 0; i < stride; i++) {
      let ss = HALF;
      for (let y = 0; y < n; y++) ss += src[(ymin + y) * stride + i]! * weights[kb + y]!;
      out[orow + i] = clip8(ss);
    }
  }
}

/**
 * Resizes an interleaved H x W x C uint8 image to oh x ow exactly as Pillow's
 * `Image.resize((ow, oh), Image.BILINEAR)`. A dimension that keeps its size is not resampled
 * (Pillow skips that pass), so equal sizes return a copy.
 */
export function resizeBilinearU8(src: Uint8Array, h: number, w: number, c: number, oh: number, ow: number): Uint8Array {
  if (src.length < h * w * c) throw new RangeError(`image buffer holds ${src.length} bytes, ${h}x${w}x${c} needs ${h * w * c}`);
  if (oh <= 0 || ow <= 0) throw new RangeError(`resize target must be positive, got ${oh}x${ow}`);
  let cur = src.subarray(0, h * w * c);
  if (ow !== w) {
    const tmp = new Uint8Array(h * ow * c);
    resampleHorizontal(tmp, cur, h, w, c, ow, bilinearCoeffs(w, ow));
    cur = tmp;
  }
  if (oh !== h) {
    const tmp = new Uint8Array(oh * ow * c);
    resampleVertical(tmp, cur, ow, c, oh, bilinearCoeffs(h, oh));
    cur = tmp;
  }
  return cur === src ? src.slice(0, h * w * c) : cur;
}
