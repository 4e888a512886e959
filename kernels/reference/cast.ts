// Reference twin of kernels/cast.ts: each element through an exact intermediate (a JS number for
// floats and small ints, a bigint for int64), then the C++ static_cast rule for the target
// (caffe2/operators/cast_op.h), with x86-64 results where C++ leaves it undefined.

import type { CastStorage, CastType } from '../cast.js';

const BITS: Partial<Record<CastType, [number, boolean]>> = {
  int8: [8, true], int16: [16, true], int32: [32, true], uint8: [8, false], uint16: [16, false],
};

/** The float32 nearest to an integer, ties to even, decided with exact bigint distances. */
function bigintToF32(v: bigint): number {
  const f = Math.fround(Number(v));
  if (!Number.isFinite(f) || Math.abs(f) < 2 ** 24) return f;
  // neighbours of f in float32 (integers at this magnitude)
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(f))) - 23);
  let best = f;
  for (const c of [f - ulp, f + ulp, f - ulp / 2, f + ulp / 2]) {
    if (Math.fround(c) !== c) continue;
    const dc = BigInt(c) - v, db = BigInt(best) - v;
    const ac = dc < 0n ? -dc : dc, ab = db < 0n ? -db : db;
    const evenC = (new Uint32Array(Float32Array.of(c).buffer)[0]! & 1) === 0;
    if (ac < ab || (ac === ab && evenC)) best = c;
  }
  return best;
}

function truncIndefinite(v: number, bits: 32 | 64): bigint {
  const t = Math.trunc(v);
  const lim = 2 ** (bits - 1);
  return Number.isNaN(t) || t < -lim || t >= lim ? -(1n << BigInt(bits - 1)) : BigInt(t);
}

/** Every finite non-negative fp16 value, indexed by its bit pattern (ascending; built on first use). */
let halves: number[] | undefined;

function halfValue(h: number): number {
  const e = (h >> 10) & 0x1f, m = h & 0x3ff, s = h & 0x8000 ? -1 : 1;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (e === 0 ? m / 1024 * 2 ** -14 : (1 + m / 1024) * 2 ** (e - 15));
}

/** The nearest fp16: the two halves around |v| by bisection, the closer one, ties to the even pattern; past 65520, infinity. */
function nearestHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  halves ??= Array.from({ length: 0x7c00 }, (_, b) => halfValue(b));
  const a = Math.abs(v), sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  if (a >= 65504 + 16) return sign | 0x7c00;
  let lo = 0, hi = halves.length - 1; // halves[lo] <= a < halves[hi] unless a is the top half
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (halves[mid]! <= a) lo = mid; else hi = mid; }
  const dl = a - halves[lo]!, dh = halves[hi]! - a;
  return sign | (dl < dh || (dl === dh && lo % 2 === 0) ? lo : hi);
}

export function cast(out: CastStorage, outType: CastType, x: CastStorage, xType: CastType, n = x.length): void {
  const src = x as ArrayLike<number | bigint>;
  const dst = out as unknown as { [i: number]: number | bigint };
  const fromFloat = xType === 'float32' || xType === 'float64' || xType === 'float16';
  for (let i = 0; i < n; i++) {
    const v = xType === 'float16' ? halfValue(src[i] as number) : src[i]!;
    if (outType === 'float16') { dst[i] = xType === 'float16' ? src[i]! : nearestHalf(Number(v)); continue; }
    if (outType === 'bool') { dst[i] = v !== 0 && v !== 0n ? 1 : 0; continue; }
    if (outType === 'float32') { dst[i] = typeof v === 'bigint' ? bigintToF32(v) : Math.fround(v); continue; }
    if (outType === 'float64') { dst[i] = Number(v); continue; }
    if (outType === 'int64') { dst[i] = typeof v === 'bigint' ? v : fromFloat ? truncIndefinite(v, 64) : BigInt(v); continue; }
    const [bits, signed] = BITS[outType]!;
    const wide = typeof v === 'bigint' ? v : fromFloat ? truncIndefinite(v, 32) : BigInt(v);
    dst[i] = Number(signed ? BigInt.asIntN(bits, wide) : BigInt.asUintN(bits, wide));
  }
}
