// COCO compressed RLE of binary masks, byte-identical to pycocotools (maskApi.c rleEncode +
// rleToString): runs over the column-major (x outer, y inner) pixels, starting with a run of 0s;
// counts after the second are stored as differences to the count two back, 5 bits a char.

export interface CocoRle {
  size: [number, number];
  counts: string;
}

/** Run lengths of a row-major H x W mask in COCO's column-major order. */
export function maskRuns(mask: ArrayLike<number>, H: number, W: number): number[] {
  // Bounding box first (a sequential scan); outside it every pixel is 0, so the column-major walk
  // only visits the box and counts the zeros around it arithmetically.
  let x0 = W, x1 = -1, y0 = H, y1 = -1;
  for (let y = 0; y < H; y++) {
    const r = y * W;
    for (let x = 0; x < W; x++) {
      if (!mask[r + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  if (x1 < 0) return [H * W];
  const runs: number[] = [];
  let prev = 0, run = 0;
  /** Appends n pixels of value v. */
  const emit = (v: number, n: number) => {
    if (n <= 0) return;
    if (v !== prev) { runs.push(run); run = 0; prev = v; }
    run += n;
  };
  emit(0, x0 * H);
  for (let x = x0; x <= x1; x++) {
    emit(0, y0);
    for (let y = y0; y <= y1; y++) {
      const v = mask[y * W + x] ? 1 : 0;
      if (v !== prev) { runs.push(run); run = 0; prev = v; }
      run++;
    }
    emit(0, H - 1 - y1);
  }
  emit(0, (W - 1 - x1) * H);
  runs.push(run);
  return runs;
}

export function runsToString(runs: readonly number[]): string {
  let s = '';
  for (let i = 0; i < runs.length; i++) {
    let x = runs[i]! - (i > 2 ? runs[i - 2]! : 0);
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** pycocotools.mask.encode(np.asfortranarray(mask)) for a row-major H x W 0/1 mask. */
export function encodeMask(mask: ArrayLike<number>, H: number, W: number): CocoRle {
  return { size: [H, W], counts: runsToString(maskRuns(mask, H, W)) };
}

/** Decodes a compressed COCO RLE to a row-major H x W 0/1 mask. */
export function decodeMask(rle: CocoRle): Uint8Array {
  const [H, W] = rle.size;
  const s = rle.counts;
  const runs: number[] = [];
  for (let p = 0; p < s.length;) {
    let x = 0, k = 0, more = true, c = 0;
    while (more) {
      if (p >= s.length) throw new RangeError(`RLE counts end inside a number (at char ${p})`);
      c = s.charCodeAt(p++) - 48;
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      k++;
    }
    if (c & 0x10) x -= 2 ** (5 * k);
    if (runs.length > 2) x += runs[runs.length - 2]!;
    runs.push(x);
  }
  const out = new Uint8Array(H * W);
  let pos = 0, v = 0;
  for (const r of runs) {
    if (r < 0 || pos + r > H * W) throw new RangeError(`RLE runs overflow the ${H}x${W} mask`);
    if (v) for (let i = pos; i < pos + r; i++) { const x = Math.floor(i / H), y = i - x * H; out[y * W + x] = 1; }
    pos += r; v ^= 1;
  }
  return out;
}
