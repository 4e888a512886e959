// The GEMM of kernels/gemm.ts as WASM SIMD128, generated at run time: the same packed panels
// (A in MR-row panels, B in NR = 8-column panels, k-major), the same KC/MC blocking and the same
// sub-problem contract, with an MR x 8 register tile of float32x4 accumulators and the epilogue
// (accumulate into C, bias per row or column, residual add, ReLU) applied in registers.
// All pointers are byte offsets into the module's memory; strides are in elements.

import { F32, Fn, I32, V128, type Label } from './builder.js';

export const SIMD_NR = 8;

export interface GemmSimdOptions {
  /** Rows of the register tile (A panel width). */
  readonly mr: number;
  readonly kc: number;
  readonly mc: number;
  /** Use f32x4.relaxed_madd (fused multiply-add where the CPU has it). */
  readonly fma: boolean;
  /** k steps per loop iteration. */
  readonly unroll: number;
}

/**
 * micro(kc, a, b, c, ldc, acc, flags, bias, res, ldr): one full MR x 8 tile,
 * C = (acc ? C : 0) + Σ_k a[k][i]·b[k][j], then the epilogue selected by `flags`
 * (bias points at the tile's first row / column bias, res at its first residual element).
 */
function micro(o: GemmSimdOptions): Fn {
  const f = new Fn('micro', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [kc, a, b, c, ldc, acc, flags, bias, res, ldr] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
  const { mr } = o;
  const accs = f.locals(V128, 2 * mr);
  const b0 = f.local(V128), b1 = f.local(V128), av = f.local(V128), t = f.local(V128);
  const row = f.local(I32), k = f.local(I32);
  for (const v of accs) f.v128Const0().set(v);

  const step = (ao: number, bo: number): void => {
    f.get(b).v128Load(bo).set(b0);
    f.get(b).v128Load(bo + 16).set(b1);
    for (let i = 0; i < mr; i++) {
      f.get(a).v128Load32Splat(ao + 4 * i).set(av);
      for (const [h, bv] of [[0, b0], [1, b1]] as const) {
        const v = accs[2 * i + h]!;
        if (o.fma) f.get(av).get(bv).get(v).f32x4RelaxedMadd().set(v);
        else f.get(v).get(av).get(bv).f32x4Mul().f32x4Add().set(v);
      }
    }
  };
  // main loop: `unroll` steps per iteration while k >= unroll, then single steps
  f.get(kc).set(k);
  const u = o.unroll;
  if (u > 1) {
    f.block((done) => {
      f.loop((top) => {
        f.get(k).i32(u).i32LtS().brIf(done);
        for (let s = 0; s < u; s++) step(s * mr * 4, s * 32);
        f.get(a).i32(u * mr * 4).i32Add().set(a);
        f.get(b).i32(u * 32).i32Add().set(b);
        f.get(k).i32(u).i32Sub().set(k);
        f.br(top);
      });
    });
  }
  f.block((done) => {
    f.loop((top) => {
      f.get(k).i32Eqz().brIf(done);
      step(0, 0);
      f.get(a).i32(mr * 4).i32Add().set(a);
      f.get(b).i32(32).i32Add().set(b);
      f.get(k).i32(1).i32Sub().set(k);
      f.br(top);
    });
  });

  // row pointer helper: row = base + i·stride (bytes)
  const rowPtr = (base: number, stride: number, i: number): void => {
    f.get(base);
    if (i > 0) f.get(stride).i32(i).i32Mul().i32Add();
  };
  const eachRow = (body: (i: number, v0: number, v1: number) => void): void => {
    for (let i = 0; i < mr; i++) body(i, accs[2 * i]!, accs[2 * i + 1]!);
  };
  const ldcB = f.local(I32), ldrB = f.local(I32);
  f.get(ldc).i32(2).i32Shl().set(ldcB);
  f.get(ldr).i32(2).i32Shl().set(ldrB);
  f.get(acc).if(() => eachRow((i, v0, v1) => {
    rowPtr(c, ldcB, i); f.set(row);
    f.get(v0).get(row).v128Load(0).f32x4Add().set(v0);
    f.get(v1).get(row).v128Load(16).f32x4Add().set(v1);
  }));
  f.get(flags).i32(3).i32And().i32(1).i32Eq().if(() => eachRow((i, v0, v1) => {
    f.get(bias).v128Load32Splat(4 * i).set(t);
    f.get(v0).get(t).f32x4Add().set(v0);
    f.get(v1).get(t).f32x4Add().set(v1);
  }));
  f.get(flags).i32(3).i32And().i32(2).i32Eq().if(() => {
    f.get(bias).v128Load(0).set(b0);
    f.get(bias).v128Load(16).set(b1);
    eachRow((_, v0, v1) => {
      f.get(v0).get(b0).f32x4Add().set(v0);
      f.get(v1).get(b1).f32x4Add().set(v1);
    });
  });
  f.get(flags).i32(8).i32And().if(() => eachRow((i, v0, v1) => {
    rowPtr(res, ldrB, i); f.set(row);
    f.get(v0).get(row).v128Load(0).f32x4Add().set(v0);
    f.get(v1).get(row).v128Load(16).f32x4Add().set(v1);
  }));
  // ReLU on the bit pattern, as kernels/activation.ts reluF32: a set sign bit gives +0
  f.get(flags).i32(4).i32And().if(() => eachRow((_, v0, v1) => {
    for (const v of [v0, v1]) f.get(v).get(v).i32(31).i32x4ShrS().v128AndNot().set(v);
  }));
  eachRow((i, v0, v1) => {
    rowPtr(c, ldcB, i); f.set(row);
    f.get(row).get(v0).v128Store(0);
    f.get(row).get(v1).v128Store(16);
  });
  return f;
}

/**
 * edge(tile, c, ldc, mr, nr, acc, flags, bias, res, ldr): stores the valid mr x nr part of a full
 * tile computed into `tile` (row stride 8) with the same epilogue as micro, scalar.
 */
function edge(): Fn {
  const f = new Fn('edge', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [tile, c, ldc, mr, nr, acc, flags, bias, res, ldr] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
  const i = f.local(I32), j = f.local(I32), cp = f.local(I32), v = f.local(F32), bits = f.local(I32);
  f.i32(0).set(i);
  f.block((doneI) => f.loop((rows) => {
    f.get(i).get(mr).i32GeS().brIf(doneI);
    f.i32(0).set(j);
    f.block((doneJ) => f.loop((cols) => {
      f.get(j).get(nr).i32GeS().brIf(doneJ);
      f.get(c).get(i).get(ldc).i32Mul().get(j).i32Add().i32(2).i32Shl().i32Add().set(cp);
      f.get(tile).get(i).i32(SIMD_NR).i32Mul().get(j).i32Add().i32(2).i32Shl().i32Add().f32Load().set(v);
      f.get(acc).if(() => { f.get(v).get(cp).f32Load().f32Add().set(v); });
      f.get(flags).i32(3).i32And().i32(1).i32Eq().if(() => { f.get(v).get(bias).get(i).i32(2).i32Shl().i32Add().f32Load().f32Add().set(v); });
      f.get(flags).i32(3).i32And().i32(2).i32Eq().if(() => { f.get(v).get(bias).get(j).i32(2).i32Shl().i32Add().f32Load().f32Add().set(v); });
      f.get(flags).i32(8).i32And().if(() => {
        f.get(v).get(res).get(i).get(ldr).i32Mul().get(j).i32Add().i32(2).i32Shl().i32Add().f32Load().f32Add().set(v);
      });
      f.get(cp).get(v).f32Store();
      // ReLU on the bits, as reluF32
      f.get(flags).i32(4).i32And().if(() => {
        f.get(cp).i32Load().set(bits);
        f.get(cp).get(bits).get(bits).i32(31).i32ShrS().i32(-1).i32Xor().i32And().i32Store();
      });
      f.get(j).i32(1).i32Add().set(j);
      f.br(cols);
    }));
    f.get(i).i32(1).i32Add().set(i);
    f.br(rows);
  }));
  return f;
}

/**
 * gemm(M, N, K, a, ka, b, c, ldc, bias, flags, res, ldr, tile): gemmPacked of kernels/gemm.ts
 * with the epilogue flags (EPI_ACC: add onto C); A's panels hold `ka` >= K steps (a K slice of a
 * longer A); `tile` is MR·8 floats of scratch for edge tiles.
 */
function gemm(o: GemmSimdOptions): Fn {
  const f = new Fn('gemm', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [M, N, K, a, ka, b, c, ldc, bias, flags, res, ldr, tile] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
  const { mr } = o;
  const pc = f.local(I32), kc = f.local(I32), accF = f.local(I32), epi = f.local(I32);
  const ic = f.local(I32), mEnd = f.local(I32), jp = f.local(I32), nr = f.local(I32), bo = f.local(I32);
  const ip = f.local(I32), rows = f.local(I32), ao = f.local(I32), co = f.local(I32), bp = f.local(I32), rp = f.local(I32);
  const forRange = (v: number, from: () => void, end: () => void, stepBy: number, body: (exit: Label) => void): void => {
    from(); f.set(v);
    f.block((exit) => f.loop((top) => {
      f.get(v); end(); f.i32GeS().brIf(exit);
      body(exit);
      f.get(v).i32(stepBy).i32Add().set(v);
      f.br(top);
    }));
  };
  const min = (x: () => void, y: () => void): void => {
    x(); y(); x(); y(); f.i32LtS().select();
  };
  forRange(pc, () => f.i32(0), () => f.get(K), o.kc, () => {
    min(() => f.get(K).get(pc).i32Sub(), () => f.i32(o.kc)); f.set(kc);
    f.get(pc).i32(0).i32GtS().get(flags).i32(16).i32And().i32Or().set(accF);
    // epilogue only after the last K block
    f.get(pc).get(kc).i32Add().get(K).i32Eq().if(() => { f.get(flags).i32(15).i32And().set(epi); }, () => { f.i32(0).set(epi); });
    forRange(ic, () => f.i32(0), () => f.get(M), o.mc, () => {
      min(() => f.get(ic).i32(o.mc).i32Add(), () => f.get(M)); f.set(mEnd);
      forRange(jp, () => f.i32(0), () => f.get(N), SIMD_NR, () => {
        min(() => f.get(N).get(jp).i32Sub(), () => f.i32(SIMD_NR)); f.set(nr);
        f.get(b).get(jp).get(K).i32Mul().get(pc).i32(SIMD_NR).i32Mul().i32Add().i32(2).i32Shl().i32Add().set(bo);
        forRange(ip, () => f.get(ic), () => f.get(mEnd), mr, () => {
          min(() => f.get(M).get(ip).i32Sub(), () => f.i32(mr)); f.set(rows);
          f.get(a).get(ip).get(ka).i32Mul().get(pc).i32(mr).i32Mul().i32Add().i32(2).i32Shl().i32Add().set(ao);
          f.get(c).get(ip).get(ldc).i32Mul().get(jp).i32Add().i32(2).i32Shl().i32Add().set(co);
          // bias at this tile's first row (row mode) or column (column mode)
          f.get(bias).get(flags).i32(3).i32And().i32(1).i32Eq().if(() => { f.get(ip).set(bp); }, () => { f.get(jp).set(bp); });
          f.get(bp).i32(2).i32Shl().i32Add().set(bp);
          f.get(res).get(ip).get(ldr).i32Mul().get(jp).i32Add().i32(2).i32Shl().i32Add().set(rp);
          f.get(rows).i32(mr).i32Eq().get(nr).i32(SIMD_NR).i32Eq().i32And().if(() => {
            f.get(kc).get(ao).get(bo).get(co).get(ldc).get(accF).get(epi).get(bp).get(rp).get(ldr).call(0);
          }, () => {
            f.get(kc).get(ao).get(bo).get(tile).i32(SIMD_NR).i32(0).i32(0).i32(0).i32(0).i32(0).call(0);
            f.get(tile).get(co).get(ldc).get(rows).get(nr).get(accF).get(epi).get(bp).get(rp).get(ldr).call(1);
          });
        });
      });
    });
  });
  return f;
}

/** The functions of the GEMM module, in index order: micro (0), edge (1), gemm (2). */
export function gemmFunctions(o: GemmSimdOptions): Fn[] {
  return [micro(o), edge(), gemm(o)];
}
