// Winograd F(2x2, 3x3) transforms in WASM SIMD (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2015): V = Bᵀ d B of 4x4 input tiles and Y = Aᵀ M A of the 16 products back to
// 2x2 outputs, four adjacent tiles at a time (one tile per lane), single tiles at the edges.
//   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]     Aᵀ = [1 1 1 0; 0 1 -1 -1]
// Tiles are numbered row-major over the output (tW tiles a row); a block holds tiles [t0, t0 + nt).
// The 16 transformed inputs go to 16 packed B operands (matrix ξ = 4i + j at dst + ξ·ldv bytes, row c,
// column t: panel t >> 3, lane t & 7); the 16 products come back as 16 matrices M_ξ [Kout x TB].

import { F32, Fn, I32, V128, type Label } from './builder.js';

type Ty = typeof F32 | typeof V128;

/** Emits a ± b into `out` for scalars or 4-lane vectors. */
function addSub(f: Fn, ty: Ty, out: number, a: number, b: number, sub: boolean): void {
  f.get(a).get(b);
  if (ty === V128) { if (sub) f.f32x4Sub(); else f.f32x4Add(); } else if (sub) f.f32Sub(); else f.f32Add();
  f.set(out);
}

/** V = Bᵀ d B on 16 locals d[r·4 + c] (rows r of the tile, columns c): results in v[ξ]. */
function inputTransform(f: Fn, ty: Ty, d: number[], t: number[], v: number[]): void {
  // rows: t0 = d0 - d2, t1 = d1 + d2, t2 = d2 - d1, t3 = d1 - d3 (per column)
  for (let c = 0; c < 4; c++) {
    addSub(f, ty, t[c]!, d[c]!, d[8 + c]!, true);
    addSub(f, ty, t[4 + c]!, d[4 + c]!, d[8 + c]!, false);
    addSub(f, ty, t[8 + c]!, d[8 + c]!, d[4 + c]!, true);
    addSub(f, ty, t[12 + c]!, d[4 + c]!, d[12 + c]!, true);
  }
  // columns, the same combination
  for (let r = 0; r < 4; r++) {
    addSub(f, ty, v[r * 4]!, t[r * 4]!, t[r * 4 + 2]!, true);
    addSub(f, ty, v[r * 4 + 1]!, t[r * 4 + 1]!, t[r * 4 + 2]!, false);
    addSub(f, ty, v[r * 4 + 2]!, t[r * 4 + 2]!, t[r * 4 + 1]!, true);
    addSub(f, ty, v[r * 4 + 3]!, t[r * 4 + 1]!, t[r * 4 + 3]!, true);
  }
}

/** Y = Aᵀ M A on 16 locals m[ξ]: y[0..3] = rows (0, 0), (0, 1), (1, 0), (1, 1); s is 8 temporaries. */
function outputTransform(f: Fn, ty: Ty, m: number[], s: number[], y: number[]): void {
  for (let c = 0; c < 4; c++) {
    // s0 = m0 + m1 + m2, s1 = m1 - m2 - m3 (rows)
    addSub(f, ty, s[c]!, m[c]!, m[4 + c]!, false);
    addSub(f, ty, s[c]!, s[c]!, m[8 + c]!, false);
    addSub(f, ty, s[4 + c]!, m[4 + c]!, m[8 + c]!, true);
    addSub(f, ty, s[4 + c]!, s[4 + c]!, m[12 + c]!, true);
  }
  for (let r = 0; r < 2; r++) {
    addSub(f, ty, y[2 * r]!, s[4 * r]!, s[4 * r + 1]!, false);
    addSub(f, ty, y[2 * r]!, y[2 * r]!, s[4 * r + 2]!, false);
    addSub(f, ty, y[2 * r + 1]!, s[4 * r + 1]!, s[4 * r + 2]!, true);
    addSub(f, ty, y[2 * r + 1]!, y[2 * r + 1]!, s[4 * r + 3]!, true);
  }
}

const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

/**
 * wino_in(dst, ldv, x, cs, H, W, pT, pL, tW, t0, nt): input tiles of channels [0, cs) of the image
 * plane stack at x (bytes, planes H x W) for tiles [t0, t0 + nt), into 16 packed B blocks of cs
 * rows (tile t at column t - t0). Tiles outside the input read zeros (padding).
 */
function winoIn(): Fn {
  const f = new Fn('wino_in', new Array<typeof I32>(11).fill(I32));
  const [dst, ldv, x, cs, H, W, pT, pL, tW, t0, nt] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
  const c = f.local(I32), t = f.local(I32), th = f.local(I32), tw = f.local(I32), xc = f.local(I32);
  const ih0 = f.local(I32), iw0 = f.local(I32), ih = f.local(I32), iw = f.local(I32), row = f.local(I32), addr = f.local(I32);
  const pstride = f.local(I32), ok = f.local(I32);
  const dv = f.locals(V128, 16), tv = f.locals(V128, 16), vv = f.locals(V128, 16);
  const l0 = f.local(V128), l1 = f.local(V128);
  const ds = f.locals(F32, 16), ts = f.locals(F32, 16), vs = f.locals(F32, 16);
  f.get(cs).i32(5).i32Shl().set(pstride);
  // address of (row c, column t) in block ξ: dst + ξ·ldv + (t >> 3)·pstride + c·32 + (t & 7)·4
  const at = (): void => {
    f.get(dst).get(t).i32(3).i32ShrU().get(pstride).i32Mul().i32Add().get(c).i32(5).i32Shl().i32Add()
      .get(t).i32(7).i32And().i32(2).i32Shl().i32Add().set(addr);
  };
  const storeAll = (vals: number[], vector: boolean): void => {
    for (let xi = 0; xi < 16; xi++) {
      f.get(addr).get(vals[xi]!);
      if (vector) f.v128Store(); else f.f32Store();
      if (xi < 15) f.get(addr).get(ldv).i32Add().set(addr);
    }
  };
  f.i32(0).set(c);
  f.block((doneC: Label) => f.loop((nextC: Label) => {
    f.get(c).get(cs).i32GeS().brIf(doneC);
    f.get(x).get(c).get(H).i32Mul().get(W).i32Mul().i32(2).i32Shl().i32Add().set(xc);
    // tile coordinates of t0, advanced with t
    f.get(t0).get(tW).i32DivS().set(th);
    f.get(t0).get(th).get(tW).i32Mul().i32Sub().set(tw);
    f.i32(0).set(t);
    f.block((doneT: Label) => f.loop((nextT: Label) => {
      f.get(t).get(nt).i32GeS().brIf(doneT);
      f.get(th).i32(1).i32Shl().get(pT).i32Sub().set(ih0);
      f.get(tw).i32(1).i32Shl().get(pL).i32Sub().set(iw0);
      at();
      // four tiles in one tile row, t % 4 = 0, and columns iw0 .. iw0 + 9 inside the row
      f.get(t).i32(3).i32And().i32Eqz().get(t).i32(4).i32Add().get(nt).i32LeS().i32And()
        .get(tw).i32(4).i32Add().get(tW).i32LeS().i32And()
        .get(iw0).i32(0).i32GeS().i32And().get(iw0).i32(10).i32Add().get(W).i32LeS().i32And().set(ok);
      f.get(ok).if(() => {
        for (let rr = 0; rr < 4; rr++) {
          f.get(ih0).i32(rr).i32Add().set(ih);
          f.get(ih).i32(0).i32GeS().get(ih).get(H).i32LtS().i32And().if(() => {
            f.get(xc).get(ih).get(W).i32Mul().get(iw0).i32Add().i32(2).i32Shl().i32Add().set(row);
            // lanes q = tiles: column j of tile q is x[iw0 + 2q + j]
            f.get(row).v128Load(0).set(l0); f.get(row).v128Load(16).set(l1);
            f.get(l0).get(l1).i8x16Shuffle(EVEN).set(dv[rr * 4]!);
            f.get(l0).get(l1).i8x16Shuffle(ODD).set(dv[rr * 4 + 1]!);
            f.get(row).v128Load(8).set(l0); f.get(row).v128Load(24).set(l1);
            f.get(l0).get(l1).i8x16Shuffle(EVEN).set(dv[rr * 4 + 2]!);
            f.get(l0).get(l1).i8x16Shuffle(ODD).set(dv[rr * 4 + 3]!);
          }, () => {
            for (let j = 0; j < 4; j++) f.v128Const0().set(dv[rr * 4 + j]!);
          });
        }
        inputTransform(f, V128, dv, tv, vv);
        storeAll(vv, true);
        f.get(t).i32(4).i32Add().set(t);
        f.get(tw).i32(4).i32Add().set(tw);
      }, () => {
        // one tile, each tap bounds-checked
        for (let rr = 0; rr < 4; rr++) {
          f.get(ih0).i32(rr).i32Add().set(ih);
          for (let j = 0; j < 4; j++) {
            f.get(iw0).i32(j).i32Add().set(iw);
            f.f32(0).set(ds[rr * 4 + j]!);
            f.get(ih).i32(0).i32GeS().get(ih).get(H).i32LtS().i32And().get(iw).i32(0).i32GeS().i32And().get(iw).get(W).i32LtS().i32And()
              .if(() => { f.get(xc).get(ih).get(W).i32Mul().get(iw).i32Add().i32(2).i32Shl().i32Add().f32Load().set(ds[rr * 4 + j]!); });
          }
        }
        inputTransform(f, F32, ds, ts, vs);
        storeAll(vs, false);
        f.get(t).i32(1).i32Add().set(t);
        f.get(tw).i32(1).i32Add().set(tw);
      });
      f.get(tw).get(tW).i32GeS().if(() => { f.get(tw).get(tW).i32Sub().set(tw); f.get(th).i32(1).i32Add().set(th); });
      f.br(nextT);
    }));
    f.get(c).i32(1).i32Add().set(c);
    f.br(nextC);
  }));
  return f;
}

/**
 * wino_out(y, m, ldm, K, ldc, t0, nt, tW, outH, outW, bias, flags, res): the 2x2 outputs of tiles
 * [t0, t0 + nt) for output channels [0, K) of the image at y (bytes; planes outH x outW) from the
 * 16 product matrices (M_ξ[k][t] at m + ξ·ldm + (k·ldc + t)·4), then the epilogue of gemm.ts: bias
 * per channel (flags & 3 = 1), residual laid out as y (flags & 8), ReLU on the bits (flags & 4).
 */
function winoOut(): Fn {
  const f = new Fn('wino_out', new Array<typeof I32>(13).fill(I32));
  const [y, m, ldm, K, ldc, t0, nt, tW, outH, outW, bias, flags, res] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
  const k = f.local(I32), t = f.local(I32), th = f.local(I32), tw = f.local(I32), src = f.local(I32), yk = f.local(I32), rk = f.local(I32);
  const oh = f.local(I32), ow = f.local(I32), p = f.local(I32), ok = f.local(I32), plane = f.local(I32);
  const mv = f.locals(V128, 16), sv = f.locals(V128, 8), yv = f.locals(V128, 4), bv = f.local(V128), lo = f.local(V128), hi = f.local(V128);
  const ms = f.locals(F32, 16), ss = f.locals(F32, 8), ys = f.locals(F32, 4), bs = f.local(F32);
  f.get(outH).get(outW).i32Mul().i32(2).i32Shl().set(plane);
  f.i32(0).set(k);
  f.block((doneK: Label) => f.loop((nextK: Label) => {
    f.get(k).get(K).i32GeS().brIf(doneK);
    f.get(y).get(k).get(plane).i32Mul().i32Add().set(yk);
    f.get(res).get(k).get(plane).i32Mul().i32Add().set(rk);
    f.f32(0).set(bs);
    f.get(flags).i32(3).i32And().i32(1).i32Eq().if(() => { f.get(bias).get(k).i32(2).i32Shl().i32Add().f32Load().set(bs); });
    f.get(bs).f32x4Splat().set(bv);
    f.get(t0).get(tW).i32DivS().set(th);
    f.get(t0).get(th).get(tW).i32Mul().i32Sub().set(tw);
    f.i32(0).set(t);
    f.block((doneT: Label) => f.loop((nextT: Label) => {
      f.get(t).get(nt).i32GeS().brIf(doneT);
      f.get(m).get(k).get(ldc).i32Mul().get(t).i32Add().i32(2).i32Shl().i32Add().set(src);
      f.get(th).i32(1).i32Shl().set(oh);
      f.get(tw).i32(1).i32Shl().set(ow);
      // four tiles of one row whose 2x8 outputs are all inside
      f.get(t).i32(4).i32Add().get(nt).i32LeS().get(tw).i32(4).i32Add().get(tW).i32LeS().i32And()
        .get(ow).i32(8).i32Add().get(outW).i32LeS().i32And().get(oh).i32(2).i32Add().get(outH).i32LeS().i32And().set(ok);
      f.get(ok).if(() => {
        for (let xi = 0; xi < 16; xi++) f.get(src).get(ldm).i32(xi).i32Mul().i32Add().v128Load().set(mv[xi]!);
        outputTransform(f, V128, mv, sv, yv);
        for (let r = 0; r < 2; r++) {
          // interleave the tiles' two columns: y(r, 0) lanes and y(r, 1) lanes -> 8 floats of the row
          f.get(yv[2 * r]!).get(yv[2 * r + 1]!).i8x16Shuffle([0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23]).set(lo);
          f.get(yv[2 * r]!).get(yv[2 * r + 1]!).i8x16Shuffle([8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31]).set(hi);
          f.get(oh).i32(r).i32Add().get(outW).i32Mul().get(ow).i32Add().i32(2).i32Shl().set(p);
          f.get(flags).i32(3).i32And().i32(1).i32Eq().if(() => {
            f.get(lo).get(bv).f32x4Add().set(lo);
            f.get(hi).get(bv).f32x4Add().set(hi);
          });
          f.get(flags).i32(8).i32And().if(() => {
            f.get(lo).get(rk).get(p).i32Add().v128Load().f32x4Add().set(lo);
            f.get(hi).get(rk).get(p).i32Add().v128Load(16).f32x4Add().set(hi);
          });
          f.get(flags).i32(4).i32And().if(() => {
            f.get(lo).get(lo).i32(31).i32x4ShrS().v128AndNot().set(lo);
            f.get(hi).get(hi).i32(31).i32x4ShrS().v128AndNot().set(hi);
          });
          f.get(yk).get(p).i32Add().get(lo).v128Store();
          f.get(yk).get(p).i32Add().get(hi).v128Store(16);
        }
        f.get(t).i32(4).i32Add().set(t);
        f.get(tw).i32(4).i32Add().set(tw);
      }, () => {
        for (let xi = 0; xi < 16; xi++) f.get(src).get(ldm).i32(xi).i32Mul().i32Add().f32Load().set(ms[xi]!);
        outputTransform(f, F32, ms, ss, ys);
        for (let q = 0; q < 4; q++) {
          const dr = q >> 1, dc = q & 1;
          f.get(oh).i32(dr).i32Add().get(outH).i32LtS().get(ow).i32(dc).i32Add().get(outW).i32LtS().i32And().if(() => {
            f.get(oh).i32(dr).i32Add().get(outW).i32Mul().get(ow).i32Add().i32(dc).i32Add().i32(2).i32Shl().set(p);
            f.get(flags).i32(3).i32And().i32(1).i32Eq().if(() => { f.get(ys[q]!).get(bs).f32Add().set(ys[q]!); });
            f.get(flags).i32(8).i32And().if(() => { f.get(ys[q]!).get(rk).get(p).i32Add().f32Load().f32Add().set(ys[q]!); });
            f.get(yk).get(p).i32Add().get(ys[q]!).f32Store();
            f.get(flags).i32(4).i32And().if(() => {
              f.get(yk).get(p).i32Add().get(yk).get(p).i32Add().i32Load().get(yk).get(p).i32Add().i32Load().i32(31).i32ShrS().i32(-1).i32Xor().i32And().i32Store();
            });
          });
        }
        f.get(t).i32(1).i32Add().set(t);
        f.get(tw).i32(1).i32Add().set(tw);
      });
      f.get(tw).get(tW).i32GeS().if(() => { f.get(tw).get(tW).i32Sub().set(tw); f.get(th).i32(1).i32Add().set(th); });
      f.br(nextT);
    }));
    f.get(k).i32(1).i32Add().set(k);
    f.br(nextK);
  }));
  return f;
}

/** The Winograd functions, in index order after the GEMM's and im2col's. */
export function winogradFunctions(): Fn[] {
  return [winoIn(), winoOut()];
}
