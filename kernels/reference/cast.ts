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

export function cast(out: CastStorage, outType: CastType, x: CastStorage, xType: CastType, n = x.length): void {
  const src = x as ArrayLike<number | bigint>;
  const dst = out as unknown as { [i: number]: number | bigint };
  const fromFloat = xType === 'float32' || xType === 'float64';
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    if (outType === 'bool') { dst[i] = v !== 0 && v !== 0n ? 1 : 0; continue; }
    if (outType === 'float32') { dst[i] = typeof v === 'bigint' ? bigintToF32(v) : Math.fround(v); continue; }
    if (outType === 'float64') { dst[i] = Number(v); continue; }
    if (outType === 'int64') { dst[i] = typeof v === 'bigint' ? v : fromFloat ? truncIndefinite(v, 64) : BigInt(v); continue; }
    const [bits, signed] = BITS[outType]!;
    const wide = typeof v === 'bigint' ? v : fromFloat ? truncIndefinite(v, 32) : BigInt(v);
    dst[i] = Number(signed ? BigInt.asIntN(bits, wide) : BigInt.asUintN(bits, wide));
  }
}
