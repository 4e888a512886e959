// Random fills (caffe2/operators/filler_op.h: UniformFill, GaussianFill, XavierFill, MSRAFill):
// a seeded xoshiro128** generator per op, so a net fills the same values on every load. Caffe2
// draws from its context's mt19937, so the values differ from Caffe2's; the distributions match.

import type { ValueInfo } from '../core/tensor.js';
import { checkFillerArgs, fillShape, fillerArgs, type FillerParams } from './fill_util.js';
import { defineOp, type AnyOpDef, type ArgSpecs, type Args, type OpDef } from './schema.js';

/** xoshiro128** state: four uint32 words (never all zero). */
export type RngState = Uint32Array;

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Seeds `s` from a 32-bit seed with splitmix32, as xoshiro's authors recommend. */
export function seedRng(s: RngState, seed: number): void {
  let z = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
    s[i] = (t ^ (t >>> 16)) >>> 0;
  }
  if (!(s[0]! | s[1]! | s[2]! | s[3]!)) s[0] = 1;
}

/** Next uint32. */
export function nextU32(s: RngState): number {
  const r = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
  const t = s[1]! << 9;
  s[2] ^= s[0]!; s[3] ^= s[1]!; s[1] ^= s[2]!; s[0] ^= s[3]!;
  s[2] ^= t;
  s[3] = rotl(s[3]!, 11);
  return r;
}

/** Uniform double in [0, 1) with 53 random bits. */
export function nextUnit(s: RngState): number {
  return ((nextU32(s) >>> 5) * 67108864 + (nextU32(s) >>> 6)) / 9007199254740992;
}

/** Uniform float32 values in [lo, hi) (std::uniform_real_distribution). */
export function fillUniform(out: Float32Array, lo: number, hi: number, s: RngState): void {
  const span = hi - lo;
  for (let i = 0; i < out.length; i++) {
    const v = Math.fround(lo + nextUnit(s) * span);
    // rounding to float32 can land on hi itself; keep the interval half-open
    out[i] = v < hi || lo === hi ? v : lo;
  }
}

/** Normal values (Box-Muller on two uniforms; the second variate is used too). */
export function fillGaussian(out: Float32Array, mean: number, std: number, s: RngState): void {
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - nextUnit(s); // (0, 1], so log(u) is finite
    const r = Math.sqrt(-2 * Math.log(u)), th = 2 * Math.PI * nextUnit(s);
    out[i] = mean + std * r * Math.cos(th);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(th);
  }
}

const BASE_SEED = 0x5eed_c2f1;

/** Per-plan generator of one random op (what `prepare` returns). */
export interface RandomState { rng: RngState; seeded: boolean }

export function newRandomState(): RandomState { return { rng: new Uint32Array(4), seeded: false }; }

/** The op's generator, seeded from its index on first use and advancing across runs. */
export function opRng(st: RandomState, opIndex: number): RngState {
  if (!st.seeded) { seedRng(st.rng, BASE_SEED ^ Math.imul(opIndex + 1, 0x9e3779b1)); st.seeded = true; }
  return st.rng;
}

/**
 * A float32 FillerOp whose values come from `fill`. The generator is seeded from the op's index on
 * the first run and advances across runs, as Caffe2's per-op context generator does.
 */
export function randomFill<A extends ArgSpecs>(spec: {
  type: string; doc: string; args: A;
  check?(a: Args<A>): void;
  fill(out: Float32Array, shape: readonly number[], a: Args<A> & FillerParams, rng: RngState): void;
}): AnyOpDef {
  const def: OpDef<A & typeof fillerArgs, Args<A> & FillerParams, RandomState> = {
    type: spec.type, category: 'Data', doc: spec.doc,
    inputs: [{ name: 'shape_source', optional: true }],
    outputs: [{ name: 'output' }],
    args: { ...fillerArgs, ...spec.args },
    normalize(a, io) {
      const p = a as unknown as Args<A> & FillerParams;
      checkFillerArgs(p, io.numInputs);
      spec.check?.(p);
      return p;
    },
    infer(ins, p) { return [{ dtype: 'float32', shape: fillShape(ins, p) }]; },
    prepare: newRandomState,
    run(ctx, p) {
      const rng = opRng(ctx.state, ctx.opIndex);
      const src: ValueInfo[] = ctx.numInputs ? [{ dtype: ctx.in(0).dtype, shape: ctx.in(0).shape.slice(), value: ctx.in(0) }] : [];
      const out = ctx.alloc(0, 'float32', fillShape(src, p));
      spec.fill(out.data, out.shape, p, rng);
    },
  };
  return defineOp(def);
}
