// Pixel stages of libjpeg-turbo's decompression, bit-exact: the accurate integer IDCT
// (jidctint.c jpeg_idct_islow), chroma upsampling (jdsample.c: fancy triangle filters for 2:1
// cases, replication otherwise) and the fixed-point YCbCr->RGB tables (jdcolor.c).

import { NotSupportedError } from '../core/errors.js';

/**
 * A component's plane (rows of `stride` samples, `dw` x `dh` of them real) at full image size
 * W x H, upsampled by (hx, vx) with the method libjpeg-turbo's jdsample.c picks.
 */
export function upsamplePlane(plane: Uint8Array, stride: number, dw: number, dh: number, hx: number, vx: number, W: number, H: number, what: string): Uint8Array {
  const out = new Uint8Array(W * H);
  if (hx === 1 && vx === 1) {
    for (let y = 0; y < H; y++) out.set(plane.subarray(y * stride, y * stride + W), y * W);
    return out;
  }
  if (!Number.isInteger(hx) || !Number.isInteger(vx)) throw new NotSupportedError(`JPEG sampling ${what} (fractional upsampling) is not supported`);
  const row = (y: number) => Math.min(Math.max(y, 0), dh - 1) * stride;
  // Triangle-filter ("fancy") upsampling needs more than two input columns for the 2:1
  // horizontal cases; libjpeg-turbo falls back to replication otherwise.
  const fancyH2 = hx === 2 && dw > 2;
  if (hx === 2 && vx === 1 && fancyH2) {
    for (let y = 0; y < H; y++) upsampleH2V1Row(plane, row(y), dw, out, y * W, W);
    return out;
  }
  if (hx === 1 && vx === 2) {
    for (let y = 0; y < H; y++) {
      const r0 = row(y >> 1), r1 = row((y & 1) ? (y >> 1) + 1 : (y >> 1) - 1), bias = (y & 1) ? 2 : 1;
      for (let x = 0; x < W; x++) out[y * W + x] = (plane[r0 + x]! * 3 + plane[r1 + x]! + bias) >> 2;
    }
    return out;
  }
  if (hx === 2 && vx === 2 && fancyH2) {
    const sums = new Int32Array(dw);
    for (let y = 0; y < H; y++) {
      // Nearest input row and the next nearest (above for even output rows, below for odd).
      const r0 = row(y >> 1), r1 = row((y & 1) ? (y >> 1) + 1 : (y >> 1) - 1);
      for (let i = 0; i < dw; i++) sums[i] = plane[r0 + i]! * 3 + plane[r1 + i]!;
      upsampleH2V2Row(sums, dw, out, y * W, W);
    }
    return out;
  }
  for (let y = 0; y < H; y++) {
    const r = Math.floor(y / vx) * stride;
    for (let x = 0; x < W; x++) out[y * W + x] = plane[r + Math.floor(x / hx)]!;
  }
  return out;
}

/** jdsample.c h2v1_fancy_upsample on one row: 3/4 nearer + 1/4 further sample, biases 1 and 2. */
function upsampleH2V1Row(p: Uint8Array, r: number, dw: number, out: Uint8Array, o: number, W: number): void {
  const put = (x: number, v: number) => { if (x < W) out[o + x] = v; };
  put(0, p[r]!);
  put(1, (p[r]! * 3 + p[r + 1]! + 2) >> 2);
  for (let i = 1; i < dw - 1; i++) {
    const v = p[r + i]! * 3;
    put(2 * i, (v + p[r + i - 1]! + 1) >> 2);
    put(2 * i + 1, (v + p[r + i + 1]! + 2) >> 2);
  }
  const last = p[r + dw - 1]!;
  put(2 * dw - 2, (last * 3 + p[r + dw - 2]! + 1) >> 2);
  put(2 * dw - 1, last);
}

/** jdsample.c h2v2_fancy_upsample on one row of column sums (3*near + far): biases 8 and 7. */
function upsampleH2V2Row(c: Int32Array, dw: number, out: Uint8Array, o: number, W: number): void {
  const put = (x: number, v: number) => { if (x < W) out[o + x] = v; };
  put(0, (c[0]! * 4 + 8) >> 4);
  put(1, (c[0]! * 3 + c[1]! + 7) >> 4);
  for (let i = 1; i < dw - 1; i++) {
    put(2 * i, (c[i]! * 3 + c[i - 1]! + 8) >> 4);
    put(2 * i + 1, (c[i]! * 3 + c[i + 1]! + 7) >> 4);
  }
  put(2 * dw - 2, (c[dw - 1]! * 3 + c[dw - 2]! + 8) >> 4);
  put(2 * dw - 1, (c[dw - 1]! * 4 + 7) >> 4);
}

export function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return (t + (t >> 8)) >> 8;
}

// jdcolor.c build_ycc_rgb_table: 16-bit fixed point, FIX(x) = round(x * 65536).
const CR_R = new Int32Array(256), CB_B = new Int32Array(256), CR_G = new Float64Array(256), CB_G = new Float64Array(256);
{
  const FIX = (x: number) => Math.trunc(x * 65536 + 0.5);
  for (let i = 0; i < 256; i++) {
    const x = i - 128;
    CR_R[i] = Math.floor((FIX(1.402) * x + 32768) / 65536);
    CB_B[i] = Math.floor((FIX(1.772) * x + 32768) / 65536);
    CR_G[i] = -FIX(0.71414) * x;
    CB_G[i] = -FIX(0.34414) * x + 32768;
  }
}

function clamp255(v: number): number { return v < 0 ? 0 : v > 255 ? 255 : v; }

export function yccToRgb(y: number, cb: number, cr: number, out: Uint8Array, o: number): void {
  out[o] = clamp255(y + CR_R[cr]!);
  out[o + 1] = clamp255(y + Math.floor((CB_G[cb]! + CR_G[cr]!) / 65536));
  out[o + 2] = clamp255(y + CB_B[cb]!);
}

// jidctint.c: CONST_BITS 13, PASS1_BITS 2 and its FIX constants.
const F0298 = 2446, F0390 = 3196, F0541 = 4433, F0765 = 6270, F0899 = 7373, F1175 = 9633, F1501 = 12299,
  F1847 = 15137, F1961 = 16069, F2053 = 16819, F2562 = 20995, F3072 = 25172;

/** DESCALE: round-half-up arithmetic right shift (products exceed 32 bits, so in doubles). */
function descale(x: number, n: number): number { return Math.floor((x + 2 ** (n - 1)) / 2 ** n); }

/** libjpeg's post-IDCT range limit: (v + 128) clamped to 0..255 after masking with 1023. */
function rangeLimit(v: number): number {
  const i = v & 1023;
  if (i < 128) return i + 128;
  if (i < 512) return 255;
  if (i < 896) return 0;
  return i - 896;
}

/** jpeg_idct_islow on one block: dequantise, columns into `ws`, rows into `out`. */
export function idctIslow(coefs: Int16Array, off: number, q: Int32Array, ws: Int32Array, out: Uint8Array, o: number, stride: number): void {
  for (let c = 0; c < 8; c++) {
    const i = off + c;
    if (coefs[i + 8] === 0 && coefs[i + 16] === 0 && coefs[i + 24] === 0 && coefs[i + 32] === 0 && coefs[i + 40] === 0 && coefs[i + 48] === 0 && coefs[i + 56] === 0) {
      const dc = coefs[i]! * q[c]! * 4;
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    let z2 = coefs[i + 16]! * q[16 + c]!, z3 = coefs[i + 48]! * q[48 + c]!;
    let z1 = (z2 + z3) * F0541;
    let tmp2 = z1 + z3 * -F1847, tmp3 = z1 + z2 * F0765;
    z2 = coefs[i]! * q[c]!; z3 = coefs[i + 32]! * q[32 + c]!;
    let tmp0 = (z2 + z3) * 8192, tmp1 = (z2 - z3) * 8192;
    const t10 = tmp0 + tmp3, t13 = tmp0 - tmp3, t11 = tmp1 + tmp2, t12 = tmp1 - tmp2;
    tmp0 = coefs[i + 56]! * q[56 + c]!; tmp1 = coefs[i + 40]! * q[40 + c]!;
    tmp2 = coefs[i + 24]! * q[24 + c]!; tmp3 = coefs[i + 8]! * q[8 + c]!;
    z1 = tmp0 + tmp3; z2 = tmp1 + tmp2; z3 = tmp0 + tmp2; let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * F1175;
    tmp0 *= F0298; tmp1 *= F2053; tmp2 *= F3072; tmp3 *= F1501;
    z1 *= -F0899; z2 *= -F2562; z3 *= -F1961; z4 *= -F0390;
    z3 += z5; z4 += z5;
    tmp0 += z1 + z3; tmp1 += z2 + z4; tmp2 += z2 + z3; tmp3 += z1 + z4;
    ws[c] = descale(t10 + tmp3, 11); ws[56 + c] = descale(t10 - tmp3, 11);
    ws[8 + c] = descale(t11 + tmp2, 11); ws[48 + c] = descale(t11 - tmp2, 11);
    ws[16 + c] = descale(t12 + tmp1, 11); ws[40 + c] = descale(t12 - tmp1, 11);
    ws[24 + c] = descale(t13 + tmp0, 11); ws[32 + c] = descale(t13 - tmp0, 11);
  }
  for (let r = 0; r < 8; r++) {
    const w = r * 8, d = o + r * stride;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 4] === 0 && ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const v = rangeLimit(descale(ws[w]!, 5));
      for (let x = 0; x < 8; x++) out[d + x] = v;
      continue;
    }
    let z2 = ws[w + 2]!, z3 = ws[w + 6]!;
    let z1 = (z2 + z3) * F0541;
    let tmp2 = z1 + z3 * -F1847, tmp3 = z1 + z2 * F0765;
    let tmp0 = (ws[w]! + ws[w + 4]!) * 8192, tmp1 = (ws[w]! - ws[w + 4]!) * 8192;
    const t10 = tmp0 + tmp3, t13 = tmp0 - tmp3, t11 = tmp1 + tmp2, t12 = tmp1 - tmp2;
    tmp0 = ws[w + 7]!; tmp1 = ws[w + 5]!; tmp2 = ws[w + 3]!; tmp3 = ws[w + 1]!;
    z1 = tmp0 + tmp3; z2 = tmp1 + tmp2; z3 = tmp0 + tmp2; let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * F1175;
    tmp0 *= F0298; tmp1 *= F2053; tmp2 *= F3072; tmp3 *= F1501;
    z1 *= -F0899; z2 *= -F2562; z3 *= -F1961; z4 *= -F0390;
    z3 += z5; z4 += z5;
    tmp0 += z1 + z3; tmp1 += z2 + z4; tmp2 += z2 + z3; tmp3 += z1 + z4;
    out[d] = rangeLimit(descale(t10 + tmp3, 18)); out[d + 7] = rangeLimit(descale(t10 - tmp3, 18));
    out[d + 1] = rangeLimit(descale(t11 + tmp2, 18)); out[d + 6] = rangeLimit(descale(t11 - tmp2, 18));
    out[d + 2] = rangeLimit(descale(t12 + tmp1, 18)); out[d + 5] = rangeLimit(descale(t12 - tmp1, 18));
    out[d + 3] = rangeLimit(descale(t13 + tmp0, 18)); out[d + 4] = rangeLimit(descale(t13 - tmp0, 18));
  }
}

