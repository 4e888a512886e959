// Reference twins of kernels/activation.ts: the plainest formula per element, float32 rounding
// made explicit with Math.fround. Sources: caffe2/operators/relu_op.cc (max(x, 0)),
// leaky_relu_op.cc (max(x,0) + min(x,0)*alpha), sigmoid_op.cc (1/(1+exp(-x))), tanh_op.cc,
// exp/log/sqrt/abs/negative_op.cc, clip_op.cc (min(max(x, lo), hi)), scale_op.cc, pow_op.cc,
// elu_op.cc ((x < 0).select(alpha*(exp(x)-1), x)), selu_op.cc (scale*(x > 0 ? x : alpha*exp(x)-alpha)),
// softplus_op.cc (log(exp(x)+1)), softsign_op.cc (x/(1+|x|)), prelu_op.cc (max(x,0) + min(x,0)*w[c]),
// floor_op.cc.

import type { FloatArray, SignedArray } from '../activation.js';

const f = Math.fround;

export function reluF32(out: Float32Array, x: Float32Array, n = x.length): void {
  for (let i = 0; i < n; i++) out[i] = Math.max(x[i]!, 0);
}

export function leakyReluF32(out: Float32Array, x: Float32Array, alpha: number): void {
  for (let i = 0; i < x.length; i++) out[i] = f(Math.max(x[i]!, 0) + f(Math.min(x[i]!, 0) * alpha));
}

export function eluF32(out: Float32Array, x: Float32Array, alpha: number): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! < 0 ? f(alpha * (Math.exp(x[i]!) - 1)) : x[i]!;
}

export function seluF32(out: Float32Array, x: Float32Array, alpha: number, scale: number): void {
  for (let i = 0; i < x.length; i++) out[i] = f(scale * (x[i]! > 0 ? x[i]! : alpha * Math.exp(x[i]!) - alpha));
}

export function softplusF32(out: Float32Array, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = f(Math.log1p(Math.exp(x[i]!)));
}

export function softsignF32(out: Float32Array, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]! / (1 + Math.abs(x[i]!)));
}

/** Channel of element i: (i / inner) % C, as in PReluOp's NCHW loop (NHWC: inner = 1). */
export function preluF32(out: Float32Array, x: Float32Array, slope: Float32Array, inner: number): void {
  for (let i = 0; i < x.length; i++) {
    const w = slope.length === 1 ? slope[0]! : slope[Math.floor(i / inner) % slope.length]!;
    out[i] = f(Math.max(x[i]!, 0) + f(Math.min(x[i]!, 0) * w));
  }
}

export function sigmoidF32(out: Float32Array, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = f(1 / (1 + Math.exp(-x[i]!)));
}

export function tanhF32(out: Float32Array, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = f(Math.tanh(x[i]!));
}

export function expF32(out: Float32Array, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = f(Math.exp(x[i]!));
}

export function logF32(out: Float32Array, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = f(Math.log(x[i]!));
}

export function sqrtF32(out: Float32Array, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = f(Math.sqrt(x[i]!));
}

/** floor as x minus its non-negative fractional part (x - x mod 1, mod taken toward -inf). */
export function floorFloat(out: FloatArray, x: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v) || Number.isInteger(v)) { out[i] = v; continue; }
    const frac = v % 1;
    out[i] = v - (frac < 0 ? frac + 1 : frac);
  }
}

export function absNum(out: SignedArray, x: SignedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]!);
}

export function negNum(out: SignedArray, x: SignedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
}

export function absI64(out: BigInt64Array, x: BigInt64Array): void {
  for (let i = 0; i < x.length; i++) out[i] = BigInt.asIntN(64, x[i]! < 0n ? -x[i]! : x[i]!);
}

export function negI64(out: BigInt64Array, x: BigInt64Array): void {
  for (let i = 0; i < x.length; i++) out[i] = BigInt.asIntN(64, -x[i]!);
}

export function clipF32(out: Float32Array, x: Float32Array, lo: number, hi: number): void {
  for (let i = 0; i < x.length; i++) out[i] = Number.isNaN(x[i]!) ? NaN : Math.min(Math.max(x[i]!, lo), hi);
}

export function scaleFloat(out: FloatArray, x: FloatArray, scale: number): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * scale;
}

export function powScalarF32(out: Float32Array, x: Float32Array, e: number): void {
  for (let i = 0; i < x.length; i++) out[i] = f(Math.pow(x[i]!, e));
}
