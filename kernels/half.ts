// IEEE binary16 (fp16) bit patterns <-> numbers. Decoding is exact; encoding rounds the double
// once to the nearest half, ties to even (numpy's astype(float16), ONNX Cast), so a float64
// source is not rounded twice through float32. Overflow past 65520 gives infinity; NaN keeps
// its sign and becomes the quiet NaN 0x7e00.

/** The value of an fp16 bit pattern (exact as a double). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1024 + m) * 2 ** (e - 25);
}

/** n / 2^k rounded to an integer, ties to even (n / 2^k is exact in a double). */
function roundEven(q: number): number {
  const f = Math.floor(q), d = q - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** The fp16 bit pattern nearest to v (one rounding, ties to even). */
export function doubleToHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  // 65520 is halfway between the largest half (65504) and 2^16: ties go to the even pattern, inf
  if (a >= 65520) return sign | 0x7c00;
  // subnormals (and the carry into the smallest normal, 0x400) are multiples of 2^-24
  if (a < 2 ** -14) return sign | roundEven(a * 2 ** 24);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  // 1024 + mantissa; a carry to 2048 moves into the exponent by the addition below
  const m = roundEven(a * 2 ** (10 - e));
  return sign | (((e + 15) << 10) + (m - 1024));
}
