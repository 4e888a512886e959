// Packing the GEMM's B operand in WASM SIMD: kernels/im2col.ts im2colPacked (2-D) and packPanels
// for row-major B (a 1x1 conv's input), same layout: column jj of the block goes to panel jj >> 3,
// lane jj & 7, so dst = panel·kc·8 + row·8 + lane floats. Runs of contiguous source floats are
// copied four lanes at a time (stride 2: two loads and an even-lane shuffle); edges go one by one.

import { Fn, I32, V128, type Label } from './builder.js';

/** Emits the store-side loops shared by both functions: zero runs and copy runs into panels. */
class PanelWriter {
  readonly jj: number;
  readonly n: number;
  readonly src: number;
  readonly addr: number;
  private readonly zero: number;
  constructor(private readonly f: Fn, private readonly dst: number, private readonly pstride: number, private readonly rowOff: number) {
    this.jj = f.local(I32);
    this.n = f.local(I32);
    this.src = f.local(I32);
    this.addr = f.local(I32);
    this.zero = f.local(V128);
  }

  /** addr = dst + (jj >> 3)·pstride + rowOff + (jj & 7)·4 */
  private at(): void {
    const { f } = this;
    f.get(this.dst).get(this.jj).i32(3).i32ShrU().get(this.pstride).i32Mul().i32Add()
      .get(this.rowOff).i32Add().get(this.jj).i32(7).i32And().i32(2).i32Shl().i32Add().set(this.addr);
  }

  /** A 4-lane step is possible: jj % 4 == 0 and n >= min. */
  private wide(min: number): void {
    this.f.get(this.jj).i32(3).i32And().i32Eqz().get(this.n).i32(min).i32GeS().i32And();
  }

  private advance(lanes: number, srcBytes: number): void {
    const { f } = this;
    f.get(this.jj).i32(lanes).i32Add().set(this.jj);
    f.get(this.n).i32(lanes).i32Sub().set(this.n);
    if (srcBytes) f.get(this.src).i32(srcBytes).i32Add().set(this.src);
  }

  private loop(body: () => void): void {
    const { f } = this;
    f.block((done: Label) => f.loop((top: Label) => {
      f.get(this.n).i32(0).i32LeS().brIf(done);
      this.at();
      body();
      f.br(top);
    }));
  }

  /** n zeros at columns jj.. */
  zeros(): void {
    const { f } = this;
    this.loop(() => {
      this.wide(4);
      f.if(() => { f.get(this.addr).get(this.zero).v128Store(); this.advance(4, 0); },
        () => { f.get(this.addr).f32(0).f32Store(); this.advance(1, 0); });
    });
  }

  /** n source floats from src (element stride `stride`, a local) at columns jj.. */
  copy(stride: number): void {
    const { f } = this;
    this.loop(() => {
      f.get(stride).i32(1).i32Eq();
      this.wide(4);
      f.i32And();
      f.if(() => {
        f.get(this.addr).get(this.src).v128Load().v128Store();
        this.advance(4, 16);
      }, () => {
        // stride 2: lanes 0, 2, 4, 6 of eight floats; n >= 5 keeps the eighth inside the run
        f.get(stride).i32(2).i32Eq();
        this.wide(5);
        f.i32And();
        f.if(() => {
          f.get(this.addr).get(this.src).v128Load().get(this.src).v128Load(16)
            .i8x16Shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]).v128Store();
          this.advance(4, 32);
        }, () => {
          f.get(this.addr).get(this.src).f32Load().f32Store();
          f.get(this.jj).i32(1).i32Add().set(this.jj);
          f.get(this.n).i32(1).i32Sub().set(this.n);
          f.get(this.src).get(stride).i32(2).i32Shl().i32Add().set(this.src);
        });
      });
    });
  }
}

/**
 * packb(dst, src, ld, K, nc): packPanels(dst, 0, src, 0, 1, ld, nc, K, 8) in bytes: K rows of
 * nc contiguous floats (row stride ld floats) into 8-wide panels; lanes past nc are zero.
 */
function packb(): Fn {
  const f = new Fn('packb', [I32, I32, I32, I32, I32]);
  const [dst, src, ld, K, nc] = [0, 1, 2, 3, 4] as const;
  const pstride = f.local(I32), rowOff = f.local(I32), r = f.local(I32), one = f.local(I32);
  const w = new PanelWriter(f, dst, pstride, rowOff);
  f.get(K).i32(5).i32Shl().set(pstride);
  f.i32(1).set(one);
  f.i32(0).set(r);
  f.block((done) => f.loop((top) => {
    f.get(r).get(K).i32GeS().brIf(done);
    f.get(r).i32(5).i32Shl().set(rowOff);
    f.i32(0).set(w.jj);
    f.get(nc).set(w.n);
    f.get(src).get(r).get(ld).i32Mul().i32(2).i32Shl().i32Add().set(w.src);
    w.copy(one);
    // zero lanes of the last panel
    f.i32(0).get(nc).i32Sub().i32(7).i32And().set(w.n);
    w.zeros();
    f.get(r).i32(1).i32Add().set(r);
    f.br(top);
  }));
  return f;
}

/**
 * im2col(dst, x, cn, H, W, kH, kW, sH, sW, dH, dW, pT, pL, outW, oh0, ow0, nc, taps): the 2-D
 * im2colPacked of channels [0, cn) of the image at x (bytes) for the nc output columns starting
 * at (oh0, ow0); taps (bytes) holds per kw the int32 pair [tapLo, tapHi) of geometry.ts.
 */
function im2col(): Fn {
  const f = new Fn('im2col', new Array<typeof I32>(18).fill(I32));
  const [dst, x, cn, H, W, kH, kW, sH, sW, dH, dW, pT, pL, outW, oh0, ow0, nc, taps] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] as const;
  const pstride = f.local(I32), rowOff = f.local(I32), c = f.local(I32), kh = f.local(I32), kw = f.local(I32), xc = f.local(I32);
  const lo = f.local(I32), hi = f.local(I32), oh = f.local(I32), ow = f.local(I32), left = f.local(I32), owEnd = f.local(I32);
  const ih = f.local(I32), a = f.local(I32), b = f.local(I32), rowOk = f.local(I32);
  const w = new PanelWriter(f, dst, pstride, rowOff);
  // kc = cn·kH·kW rows; a panel is kc·8 floats
  f.get(cn).get(kH).i32Mul().get(kW).i32Mul().i32(5).i32Shl().set(pstride);
  f.i32(0).set(rowOff);
  const count = (v: number, end: number, body: () => void): void => {
    f.i32(0).set(v);
    f.block((done) => f.loop((top) => {
      f.get(v).get(end).i32GeS().brIf(done);
      body();
      f.get(v).i32(1).i32Add().set(v);
      f.br(top);
    }));
  };
  const clamp = (v: number, min: number, max: number): void => {
    // v = min(max(v, min), max)
    f.get(v).get(min).get(v).get(min).i32GtS().select().set(v);
    f.get(v).get(max).get(v).get(max).i32LtS().select().set(v);
  };
  count(c, cn, () => {
    f.get(x).get(c).get(H).i32Mul().get(W).i32Mul().i32(2).i32Shl().i32Add().set(xc);
    count(kh, kH, () => {
      count(kw, kW, () => {
        f.get(taps).get(kw).i32(3).i32Shl().i32Add().i32Load().set(lo);
        f.get(taps).get(kw).i32(3).i32Shl().i32Add().i32Load(4).set(hi);
        f.get(oh0).set(oh); f.get(ow0).set(ow); f.get(nc).set(left); f.i32(0).set(w.jj);
        f.block((done) => f.loop((top) => {
          f.get(left).i32(0).i32LeS().brIf(done);
          // one output row segment [ow, owEnd) at fixed oh
          f.get(ow).get(left).i32Add().set(owEnd);
          f.get(owEnd).get(outW).get(owEnd).get(outW).i32LtS().select().set(owEnd);
          f.get(oh).get(sH).i32Mul().get(pT).i32Sub().get(kh).get(dH).i32Mul().i32Add().set(ih);
          f.get(ih).i32(0).i32GeS().get(ih).get(H).i32LtS().i32And().set(rowOk);
          // valid taps [a, b) within [ow, owEnd): the whole segment is zeros when the row is out
          f.get(lo).set(a); clamp(a, ow, owEnd);
          f.get(hi).set(b); clamp(b, a, owEnd);
          f.get(rowOk).i32Eqz().if(() => { f.get(owEnd).set(a); f.get(owEnd).set(b); });
          f.get(a).get(ow).i32Sub().set(w.n);
          w.zeros();
          f.get(b).get(a).i32Sub().set(w.n);
          f.get(xc).get(ih).get(W).i32Mul().get(a).get(sW).i32Mul().i32Add().get(pL).i32Sub()
            .get(kw).get(dW).i32Mul().i32Add().i32(2).i32Shl().i32Add().set(w.src);
          w.copy(sW);
          f.get(owEnd).get(b).i32Sub().set(w.n);
          w.zeros();
          f.get(left).get(owEnd).get(ow).i32Sub().i32Sub().set(left);
          f.i32(0).set(ow);
          f.get(oh).i32(1).i32Add().set(oh);
          f.br(top);
        }));
        // zero lanes of the last panel
        f.i32(0).get(nc).i32Sub().i32(7).i32And().set(w.n);
        w.zeros();
        f.get(rowOff).i32(32).i32Add().set(rowOff);
      });
    });
  });
  return f;
}

/** The B-packing functions, in index order after the GEMM's. */
export function im2colFunctions(): Fn[] {
  return [packb(), im2col()];
}
