import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { cast, int64WordsToF32, type CastStorage, type CastType } from '../../kernels/cast.js';
import { cast as castRef } from '../../kernels/reference/cast.js';
import { PROP, seed } from '../helpers/arb.js';

const CTOR: Record<CastType, new (n: number) => CastStorage> = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  int64: BigInt64Array, uint8: Uint8Array, uint16: Uint16Array, bool: Uint8Array,
};
const TYPES = Object.keys(CTOR) as CastType[];

function conv(to: CastType, from: CastType, vals: (number | bigint)[]): (number | bigint)[] {
  const x = new CTOR[from](vals.length);
  vals.forEach((v, i) => { (x as unknown as (number | bigint)[])[i] = v; });
  const y = new CTOR[to](vals.length);
  cast(y, to, x, from);
  return Array.from(y as ArrayLike<number | bigint>);
}

test('float -> int truncates toward zero; out of range and NaN give the x86 indefinite value', () => {
  assert.equal(conv('int32', 'float32', [1.9, -1.9, -0, 2147483520, 3e9, -3e9, NaN, Infinity]),
    [1, -1, 0, 2147483520, -2147483648, -2147483648, -2147483648, -2147483648]);
  assert.equal(conv('int64', 'float64', [2 ** 62, -(2 ** 63), 2 ** 63, NaN, -7.99]),
    [2n ** 62n, -(2n ** 63n), -(2n ** 63n), -(2n ** 63n), -7n]);
  // narrow targets keep the low bits of the 32-bit conversion
  assert.equal(conv('uint8', 'float32', [300.7, -1, 255.5, 3e9]), [44, 255, 255, 0]);
  assert.equal(conv('int8', 'float32', [127.9, 128, -129]), [127, -128, 127]);
});

test('integer narrowing wraps; widening sign-extends (int64 exact)', () => {
  assert.equal(conv('int8', 'int32', [127, 128, -129, 256]), [127, -128, 127, 0]);
  assert.equal(conv('uint16', 'int64', [65537n, -1n, 2n ** 40n + 3n]), [1, 65535, 3]);
  assert.equal(conv('int32', 'int64', [2n ** 31n, -(2n ** 63n), 2n ** 32n - 1n]), [-2147483648, 0, -1]);
  assert.equal(conv('int64', 'int32', [-1, 2147483647, -2147483648]), [-1n, 2147483647n, -2147483648n]);
  assert.equal(conv('int64', 'uint16', [65535]), [65535n]);
});

test('bool is != 0 (NaN true, -0 false); from bool gives 0/1', () => {
  assert.equal(conv('bool', 'float32', [0, -0, NaN, 0.1, -3]), [0, 0, 1, 1, 1]);
  assert.equal(conv('bool', 'int64', [0n, 2n ** 32n, -1n]), [0, 1, 1]);
  assert.equal(conv('float32', 'bool', [0, 1]), [0, 1]);
  assert.equal(conv('int64', 'bool', [1]), [1n]);
});

test('int64 -> float rounds once to nearest even (no double rounding through float64)', () => {
  // 2^53 + 2^29 + 1 is just above a float32 midpoint; via float64 it would first round to the
  // midpoint 2^53 + 2^29 and then to even, i.e. down
  const v = 2n ** 53n + 2n ** 29n + 1n;
  assert.is(conv('float32', 'int64', [v])[0], 2 ** 53 + 2 ** 30);
  assert.is(conv('float64', 'int64', [2n ** 53n + 1n])[0], 2 ** 53);
  assert.equal(conv('float32', 'int64', [-(2n ** 63n), 2n ** 63n - 1n, -5n]), [-(2 ** 63), 2 ** 63, -5]);
  const w = new Int32Array(new BigInt64Array([-v]).buffer);
  assert.is(int64WordsToF32(w[0]!, w[1]!), -(2 ** 53 + 2 ** 30));
});

test('float16: decoding is exact; encoding rounds the source once to nearest even', () => {
  // 1, -1.599609375, inf, -inf, NaN, smallest subnormal, largest half, -0, 20
  const bits = [0x3c00, 0xbe66, 0x7c00, 0xfc00, 0x7e00, 0x0001, 0x7bff, 0x8000, 0x4d00];
  const vals = conv('float64', 'float16', bits);
  assert.equal(vals, [1, -1.599609375, Infinity, -Infinity, NaN, 2 ** -24, 65504, -0, 20]);
  assert.ok(Object.is(vals[7], -0));
  assert.equal(conv('int32', 'float16', [0x3c00, 0xbe66, 0x7bff, 0x7c00]), [1, -1, 65504, -2147483648]);
  assert.equal(conv('int64', 'float16', [0xbe66, 0x7e00]), [-1n, -(2n ** 63n)]);
  assert.equal(conv('bool', 'float16', [0x8000, 0x0001, 0x7e00]), [0, 1, 1]);
  // numpy's float32 -> float16: ties to even, 65520 overflows, 1.5 * 2^-24 rounds to 2 * 2^-24
  assert.equal(conv('float16', 'float32', [1.9, -0, 65519, 65520, 1.5 * 2 ** -24, 2.5 * 2 ** -24, 0.1, NaN, -1e9]),
    [0x3f9a, 0x8000, 0x7bff, 0x7c00, 2, 2, 0x2e66, 0x7e00, 0xfc00]);
  // a double just above a half midpoint: through float32 it would land on the midpoint and round to even (down)
  assert.equal(conv('float16', 'float64', [1.5102539071813226, 1.9907226571813226]), [15883, 16375]);
  assert.equal(conv('float16', 'int64', [2049n, 2051n, -(2n ** 40n)]), [0x6800, 0x6802, 0xfc00]);
  assert.equal(conv('float16', 'float16', [0x7e01, 0x1234]), [0x7e01, 0x1234]);
});

// values that hit every rule: specials, boundaries of each width, big int64s near float32 midpoints
const SPECIAL = [0, -0, 0.5, -0.5, 1.5, -2.5, 127.5, 128, -129, 255.9, 256, 32767.5, -32769, 65535.5, 2147483647.5, -2147483648.9,
  2147483648, 4294967296, 2 ** 53, 2 ** 63, -(2 ** 63), 1e30, -1e30, NaN, Infinity, -Infinity];

function sample(type: CastType, n: number, s: number): CastStorage {
  const x = new CTOR[type](n);
  let r = s | 0 || 1;
  for (let i = 0; i < n; i++) {
    r ^= r << 13; r ^= r >>> 17; r ^= r << 5;
    const pick = SPECIAL[(r >>> 0) % SPECIAL.length]!;
    const rnd = ((r >>> 0) / 4294967296 - 0.5) * 2 ** ((r >>> 3) % 70);
    if (type === 'int64') {
      const big = (BigInt(r >>> 0) << 32n | BigInt((r * 2654435761) >>> 0)) >> BigInt((r >>> 5) % 64);
      // float32 midpoints +-1 above 2^53, where rounding through float64 first goes wrong
      const k = 54n + BigInt((r >>> 7) % 9), m = BigInt((r >>> 9) & 0x7fffff);
      const mid = (1n << k) + (m << (k - 23n)) + (1n << (k - 24n)) + BigInt(((r >>> 1) % 3) - 1);
      const small = BigInt(Math.trunc(Number.isFinite(pick) ? pick % 2 ** 62 : 7));
      const v = [big, i & 8 ? -mid : mid, small][i % 3]!;
      (x as BigInt64Array)[i] = BigInt.asIntN(64, v);
    } else {
      (x as Float64Array)[i] = type === 'bool' ? r & 1 : i % 2 ? pick : rnd;
    }
  }
  return x;
}

test('cast fast == reference for every pair of types on boundary and random values', () => {
  fc.assert(fc.property(fc.constantFrom(...TYPES), fc.constantFrom(...TYPES), fc.integer({ min: 0, max: 80 }), seed, (from, to, n, s) => {
    const x = sample(from, n, s);
    const a = new CTOR[to](n), b = new CTOR[to](n);
    cast(a, to, x, from);
    castRef(b, to, x, from);
    assert.equal(Array.from(a as ArrayLike<unknown>), Array.from(b as ArrayLike<unknown>), `${from} -> ${to}`);
  }), { numRuns: 400 });
});

test.run();
