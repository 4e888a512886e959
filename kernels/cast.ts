// Cast (caffe2/operators/cast_op.h: out[i] = static_cast<Dst>(in[i])) between float32, float64,
// int8/16/32/64, uint8/16 and bool, bit-exact with a C++ build on x86-64:
//  - float -> integer truncates toward zero. Out-of-range and NaN are undefined in C++; we give
//    what cvttss2si/cvttsd2si give: INT32_MIN for targets up to 32 bits (then cut to the target
//    width, as the compiled code does), INT64_MIN for int64.
//  - integer -> narrower integer keeps the low bits (two's complement wrap).
//  - anything -> bool is `!= 0` (NaN is true, -0 is false); bool -> number is 0 or 1.
//  - int64 -> float rounds once to nearest-even (no double rounding through float64).
//  - float16 (an extension: Caffe2's CPU Cast has no at::Half kernel) decodes exactly and then
//    converts as a float; to float16 rounds the source value once (ties to even), as ONNX does.
// int64 is handled as pairs of 32-bit words (little-endian lo, hi): no BigInt per element.

import { doubleToHalf, halfToFloat } from './half.js';

export type CastType = 'float32' | 'float64' | 'float16' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'bool';
export type CastStorage = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;
type Small = Exclude<CastStorage, BigInt64Array>;

const TWO32 = 4294967296;
const INT32_MIN = -2147483648;

function words(a: BigInt64Array): Int32Array { return new Int32Array(a.buffer, a.byteOffset, a.length * 2); }

const isFloat = (t: CastType): boolean => t === 'float32' || t === 'float64';

/** int64 (lo, hi words) -> float32, rounded once to nearest-even. */
export function int64WordsToF32(lo: number, hi: number): number {
  // |v| < 2^53: the double is exact and fround rounds once
  if (hi >= -0x200000 && hi < 0x200000) return Math.fround(hi * TWO32 + (lo >>> 0));
  // |v| >= 2^53: float32 rounding boundaries are multiples of 2^29 there, so the low 11 bits
  // only matter as "some were set". Folding them into bit 11 (round to odd) gives a 53-bit
  // value, exact as a double, on the same side of every boundary as v.
  let h = hi, l = lo >>> 0;
  const neg = h < 0;
  if (neg) { l = (TWO32 - l) % TWO32; h = ~h + (l === 0 ? 1 : 0); }
  const folded = ((l & ~0x7ff) | ((l & 0x7ff) !== 0 ? 0x800 : 0)) >>> 0;
  const r = Math.fround(h * TWO32 + folded);
  return neg ? -r : r;
}

export function cast(out: CastStorage, outType: CastType, x: CastStorage, xType: CastType, n = x.length): void {
  if (xType === 'float16' || outType === 'float16') { castHalf(out, outType, x, xType, n); return; }
  if (xType === 'int64') { castFrom64(out, outType, words(x as BigInt64Array), n); return; }
  const src = x as Small;
  if (outType === 'int64') {
    const w = words(out as BigInt64Array);
    if (isFloat(xType)) {
      for (let i = 0; i < n; i++) {
        const t = Math.trunc(src[i]!);
        if (t >= -9223372036854775808 && t < 9223372036854775808) {
          const hi = Math.floor(t / TWO32);
          w[2 * i] = t - hi * TWO32; w[2 * i + 1] = hi;
        } else { w[2 * i] = 0; w[2 * i + 1] = INT32_MIN; }
      }
    } else {
      for (let i = 0; i < n; i++) { const v = src[i]!; w[2 * i] = v; w[2 * i + 1] = v < 0 ? -1 : 0; }
    }
    return;
  }
  const dst = out as Small;
  if (outType === 'bool') {
    for (let i = 0; i < n; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  } else if (isFloat(outType) || !isFloat(xType)) {
    // typed-array stores already are the C conversion here: rounding to float, or keeping
    // the low bits of an integer
    if (n === src.length) dst.set(src);
    else for (let i = 0; i < n; i++) dst[i] = src[i]!;
  } else {
    for (let i = 0; i < n; i++) {
      const t = src[i]!;
      // the store truncates toward zero and keeps the low bits; out of int32 range (and NaN)
      // is the x86 "integer indefinite" value
      dst[i] = t > -2147483649 && t < 2147483648 ? t : INT32_MIN;
    }
  }
}

function castFrom64(out: CastStorage, outType: CastType, w: Int32Array, n: number): void {
  if (outType === 'int64') { words(out as BigInt64Array).set(w.subarray(0, 2 * n)); return; }
  const dst = out as Small;
  switch (outType) {
    case 'float64':
      for (let i = 0; i < n; i++) dst[i] = w[2 * i + 1]! * TWO32 + (w[2 * i]! >>> 0);
      return;
    case 'float32':
      for (let i = 0; i < n; i++) dst[i] = int64WordsToF32(w[2 * i]!, w[2 * i + 1]!);
      return;
    case 'bool':
      for (let i = 0; i < n; i++) dst[i] = (w[2 * i]! | w[2 * i + 1]!) !== 0 ? 1 : 0;
      return;
    default:
      for (let i = 0; i < n; i++) dst[i] = w[2 * i]!;
  }
}

/** Casts from or to float16 one element at a time through the (exact) double value. */
function castHalf(out: CastStorage, outType: CastType, x: CastStorage, xType: CastType, n: number): void {
  const src = x as ArrayLike<number | bigint>;
  if (outType === 'float16') {
    const dst = out as Uint16Array;
    if (xType === 'float16') { dst.set((x as Uint16Array).subarray(0, n)); return; }
    for (let i = 0; i < n; i++) dst[i] = doubleToHalf(Number(src[i]!));
    return;
  }
  if (outType === 'int64') {
    const w = words(out as BigInt64Array);
    for (let i = 0; i < n; i++) {
      const v = Math.trunc(halfToFloat(src[i] as number));
      // |v| <= 65504; infinities and NaN are x86's INT64_MIN
      if (Number.isFinite(v)) { w[2 * i] = v; w[2 * i + 1] = v < 0 ? -1 : 0; } else { w[2 * i] = 0; w[2 * i + 1] = INT32_MIN; }
    }
    return;
  }
  const dst = out as Small;
  for (let i = 0; i < n; i++) {
    const v = halfToFloat(src[i] as number);
    if (outType === 'bool') dst[i] = v !== 0 ? 1 : 0;
    else if (isFloat(outType) || Number.isFinite(v)) dst[i] = v;
    else dst[i] = INT32_MIN;
  }
}
