// Feature detection and the generated SIMD kernel module. The module is built once per
// (shared, fma) flavour from kernels/wasm/*_simd.ts, compiled once, and instantiated against a
// memory per thread (a WebAssembly.Module can be posted to workers).

import { Fn, I32, V128, buildModule } from './builder.js';
import { gemmFunctions } from './gemm_simd.js';
import { im2colFunctions } from './im2col_simd.js';
import { winogradFunctions } from './winograd_simd.js';
import { MR, KC, MC } from '../gemm.js';

export interface SimdFeatures {
  /** SIMD128 validates and compiles. */
  readonly simd: boolean;
  /** Relaxed SIMD (f32x4.relaxed_madd): Chrome 114+, Node only with --experimental-wasm-relaxed-simd. */
  readonly relaxed: boolean;
}

function validates(body: (f: Fn) => void): boolean {
  try {
    const f = new Fn('t', [I32], [V128]);
    body(f);
    return typeof WebAssembly === 'object' && WebAssembly.validate(buildModule({ min: 1 }, [f]));
  } catch {
    return false;
  }
}

let features: SimdFeatures | undefined;

/** What this platform's WebAssembly supports (checked once, by validating tiny modules). */
export function simdFeatures(): SimdFeatures {
  features ??= {
    simd: validates((f) => f.get(0).v128Load32Splat().v128Const0().f32x4Add()),
    relaxed: validates((f) => f.get(0).v128Load32Splat().v128Const0().v128Const0().f32x4RelaxedMadd()),
  };
  return features;
}

/** Forgets the detected features (after the host enabled a WebAssembly feature at run time). */
export function resetSimdFeatures(): void {
  features = undefined;
}

/** The exports of the kernel module; pointers are byte offsets, strides in elements. */
export interface SimdExports {
  gemm(M: number, N: number, K: number, a: number, ka: number, b: number, c: number, ldc: number,
    bias: number, flags: number, res: number, ldr: number, tile: number): void;
  packb(dst: number, src: number, ld: number, K: number, nc: number): void;
  im2col(dst: number, x: number, cn: number, H: number, W: number, kH: number, kW: number, sH: number, sW: number,
    dH: number, dW: number, pT: number, pL: number, outW: number, oh0: number, ow0: number, nc: number, taps: number): void;
  wino_in(dst: number, ldv: number, x: number, cs: number, H: number, W: number, pT: number, pL: number, tW: number, t0: number, nt: number): void;
  wino_out(y: number, m: number, ldm: number, K: number, ldc: number, t0: number, nt: number, tW: number, outH: number, outW: number,
    bias: number, flags: number, res: number): void;
}

const modules = new Map<string, WebAssembly.Module>();

/** The compiled kernel module for a memory of this kind (cached). */
export function simdModule(shared: boolean, fma: boolean): WebAssembly.Module {
  const key = `${shared}/${fma}`;
  let m = modules.get(key);
  if (!m) {
    const fns = [...gemmFunctions({ mr: MR, kc: KC, mc: MC, fma, unroll: 1 }), ...im2colFunctions(), ...winogradFunctions()];
    m = new WebAssembly.Module(buildModule({ min: 1, max: 65536, shared }, fns));
    modules.set(key, m);
  }
  return m;
}

export function instantiateSimd(module: WebAssembly.Module, memory: WebAssembly.Memory): SimdExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdExports;
}
