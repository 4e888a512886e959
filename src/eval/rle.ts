// COCO run-length encoded masks with pycocotools semantics (cocoapi common/maskApi.c).
// Layout: a mask is h x w, flattened column-major (x outer, y inner); counts alternate runs of
// 0s and 1s starting with 0s. Counts are uint32 and wrap like the C code's `uint` arithmetic.

import { InputError } from '../core/errors.js';

export interface Rle {
  h: number;
  w: number;
  counts: Uint32Array;
}

/** COCO's JSON form: compressed (string counts) or uncompressed (number[] counts). */
export interface RleJson {
  size: [number, number] | number[];
  counts: string | number[];
}

/**
 * Encodes a binary mask (nonzero = 1). `order` 'F' (pycocotools' column-major) or 'C' (row-major
 * h x w, as masks pasted into an image are). For 'C' the bounding box is found first with a
 * sequential scan, so the column-major walk only visits the box and the zeros around it are
 * counted arithmetically.
 */
export function rleEncode(mask: ArrayLike<number>, h: number, w: number, order: 'F' | 'C' = 'F'): Rle {
  const a = h * w;
  if (mask.length < a) throw new InputError(`mask has ${mask.length} elements, expected h*w = ${h}*${w} = ${a}`);
  let x0 = 0, x1 = w - 1, y0 = 0, y1 = h - 1;
  if (order === 'C') {
    x0 = w; x1 = -1; y0 = h; y1 = -1;
    for (let y = 0; y < h; y++) {
      const r = y * w;
      for (let x = 0; x < w; x++) {
        if (!mask[r + x]) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
    if (x1 < 0) return { h, w, counts: Uint32Array.of(a) };
  }
  const cnts: number[] = [];
  let p = 0, c = 0;
  /** Appends n zeros. */
  const zeros = (n: number): void => {
    if (n <= 0) return;
    if (p !== 0) { cnts.push(c); c = 0; p = 0; }
    c += n;
  };
  zeros(x0 * h);
  for (let x = x0; x <= x1; x++) {
    zeros(y0);
    for (let y = y0; y <= y1; y++) {
      const v = (order === 'F' ? mask[x * h + y]! : mask[y * w + x]!) ? 1 : 0;
      if (v !== p) { cnts.push(c); c = 0; p = v; }
      c++;
    }
    zeros(h - 1 - y1);
  }
  zeros((w - 1 - x1) * h);
  cnts.push(c);
  return { h, w, counts: Uint32Array.from(cnts) };
}

/** Decodes to a column-major (or row-major with 'C') 0/1 mask; throws if the runs overflow h*w. */
export function rleDecode(r: Rle, order: 'F' | 'C' = 'F'): Uint8Array {
  const { h, w, counts } = r;
  const a = h * w;
  const out = new Uint8Array(a);
  let pos = 0, v = 0;
  for (let j = 0; j < counts.length; j++) {
    const n = counts[j]!;
    if (pos + n > a) throw new InputError(`RLE runs sum past h*w = ${h}*${w} = ${a} at count #${j} (invalid RLE mask)`);
    if (v) {
      if (order === 'F') out.fill(1, pos, pos + n);
      else for (let k = pos; k < pos + n; k++) { const x = (k / h) | 0; out[(k - x * h) * w + x] = 1; }
    }
    pos += n;
    v ^= 1;
  }
  return out;
}

/**
 * COCO's compressed counts string: LEB128-like, 5 bits a char (+48), bit 0x20 = more, sign bit
 * 0x10 on the last char; from the 4th count on, the delta to the count two back is stored.
 */
export function rleToString(r: Rle): string {
  const c = r.counts;
  const codes: number[] = [];
  for (let i = 0; i < c.length; i++) {
    let x = c[i]!;
    if (i > 2) x -= c[i - 2]!;
    for (;;) {
      const lo = x - Math.floor(x / 32) * 32;
      x = Math.floor(x / 32);
      const more = lo & 0x10 ? x !== -1 : x !== 0;
      codes.push((more ? lo | 0x20 : lo) + 48);
      if (!more) break;
    }
  }
  let s = '';
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
  return s;
}

export function rleFromString(s: string, h: number, w: number): Rle {
  const cnts = new Uint32Array(s.length);
  return { h, w, counts: cnts.subarray(0, decodeCounts(s, cnts, 'RLE string')) };
}

/** The number of 1 pixels (uint32 sum, as maskApi's rleArea). */
export function rleArea(r: Rle): number {
  let a = 0;
  const c = r.counts;
  for (let j = 1; j < c.length; j += 2) a = (a + c[j]!) >>> 0;
  return a;
}

/** Tight box [x, y, w, h] of the 1 pixels; a run that crosses columns spans the full height. */
export function rleToBbox(r: Rle, out: Float64Array | number[] = new Float64Array(4), o = 0): Float64Array | number[] {
  const { h, w, counts } = r;
  const m = counts.length - (counts.length % 2);
  if (m === 0 || h === 0) { out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0; return out; }
  let xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
  for (let j = 0; j < m; j++) {
    cc = (cc + counts[j]!) >>> 0;
    const t = (cc - (j & 1)) >>> 0;
    const x = Math.floor(t / h), y = t - x * h; // exact: t < 2^32 and h, x far below 2^20
    if ((j & 1) === 0) xp = x;
    else if (xp < x) { ys = 0; ye = h - 1; }
    if (x < xs) xs = x;
    if (x > xe) xe = x;
    if (y < ys) ys = y;
    if (y > ye) ye = y;
  }
  out[o] = xs; out[o + 2] = xe - xs + 1;
  out[o + 1] = ys; out[o + 3] = ye - ys + 1;
  return out;
}

/** Union (or intersection) of masks of one size; a size mismatch yields an empty 0x0 RLE as maskApi. */
export function rleMerge(rles: readonly Rle[], intersect = false): Rle {
  if (rles.length === 0) return { h: 0, w: 0, counts: new Uint32Array(0) };
  const first = rles[0]!;
  let h = first.h, w = first.w;
  if (rles.length === 1) return { h, w, counts: first.counts.slice() };
  let acc: Uint32Array = first.counts;
  for (let i = 1; i < rles.length; i++) {
    const B = rles[i]!;
    if (B.h !== h || B.w !== w) { h = w = 0; acc = new Uint32Array(0); break; }
    acc = mergeTwo(acc, B.counts, intersect);
  }
  return { h, w, counts: acc === first.counts ? acc.slice() : acc };
}

function mergeTwo(A: Uint32Array, B: Uint32Array, intersect: boolean): Uint32Array {
  const out: number[] = [];
  let ca = A[0] ?? 0, cb = B[0] ?? 0, a = 1, b = 1, va = 0, vb = 0, v = 0, cc = 0, ct = 1;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    cc += c; ct = 0;
    ca -= c; if (!ca && a < A.length) { ca = A[a++]!; va ^= 1; } ct += ca;
    cb -= c; if (!cb && b < B.length) { cb = B[b++]!; vb ^= 1; } ct += cb;
    const vp = v;
    v = intersect ? va & vb : va | vb;
    if (v !== vp || ct === 0) { out.push(cc); cc = 0; }
  }
  return Uint32Array.from(out);
}

/**
 * Rasterises one polygon [x0, y0, x1, y1, ...] as pycocotools' rleFrPoly: vertices scaled by 5
 * and rounded, edges walked point by point on the fine grid, x-crossings at pixel centres
 * kept, their y (rounded up) turned into column-major run boundaries.
 */
export function rleFromPolygon(xy: ArrayLike<number>, h: number, w: number): Rle {
  const k = Math.floor(xy.length / 2);
  const scale = 5;
  const x = new Int32Array(k + 1), y = new Int32Array(k + 1);
  // C's (int) cast truncates toward zero, also for vertices left of or above the image
  for (let j = 0; j < k; j++) x[j] = Math.trunc(scale * xy[j * 2]! + 0.5);
  for (let j = 0; j < k; j++) y[j] = Math.trunc(scale * xy[j * 2 + 1]! + 0.5);
  x[k] = x[0]!; y[k] = y[0]!;
  // maskApi walks every edge point by point on the fine grid and keeps the steps where x moves
  // across a pixel centre, fine x 5c+2 -> 5c+3 (column c >= 0), with the lower of the two y.
  // Between edges the walk repeats the vertex (or, left of the image, moves where no column is
  // kept), and the boundaries are sorted afterwards, so each edge is done on its own and only
  // at those steps.
  let cap = 16, na = 0;
  let a = new Uint32Array(cap);
  const emit = (col: number, vmin: number): void => {
    let yd = (vmin + 0.5) / scale - 0.5;
    if (yd < 0) yd = 0; else if (yd > h) yd = h;
    if (na === cap) { const b2 = new Uint32Array(cap *= 2); b2.set(a); a = b2; }
    a[na++] = (col * h + Math.ceil(yd)) >>> 0;
  };
  for (let j = 0; j < k; j++) {
    let xs = x[j]!, xe = x[j + 1]!, ys = y[j]!, ye = y[j + 1]!;
    const dx = Math.abs(xe - xs), dy = Math.abs(ys - ye);
    if (dx === 0 && dy === 0) continue; // one point, the shared vertex: no step
    // walk every edge from its lower end so both directions round the same way
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) { let t = xs; xs = xe; xe = t; t = ys; ys = ye; ye = t; }
    if (dx >= dy) {
      // x moves by 1 every step: the steps t -> t+1 with xs + t = 5c + 2
      const s = (ye - ys) / dx;
      for (let t = (((2 - xs) % 5) + 5) % 5; t < dx; t += 5) {
        const col = (xs + t - 2) / 5;
        if (col < 0 || col > w - 1) continue;
        const v0 = Math.trunc(ys + s * t + 0.5), v1 = Math.trunc(ys + s * (t + 1) + 0.5);
        emit(col, v0 < v1 ? v0 : v1);
      }
    } else {
      // y moves by 1 every step and x by at most 1
      const s = (xe - xs) / dy;
      let up = Math.trunc(xs + 0.5); // u at t = 0 as maskApi computes it
      for (let t = 1; t <= dy; t++) {
        const u = Math.trunc(xs + s * t + 0.5);
        if (u !== up) {
          const lo = u < up ? u : up;
          if ((lo - 2) % 5 === 0 && lo >= 2 && (lo - 2) / 5 <= w - 1) emit((lo - 2) / 5, ys + t - 1);
          up = u;
        }
      }
    }
  }
  if (na === cap) { const b2 = new Uint32Array(cap + 1); b2.set(a); a = b2; }
  a[na++] = (h * w) >>> 0;
  const sorted = a.subarray(0, na).sort();
  // boundaries -> run lengths; a zero-length run merges its neighbours
  let p = 0;
  for (let j = 0; j < sorted.length; j++) { const t = sorted[j]!; sorted[j] = t - p; p = t; }
  const b: number[] = [sorted[0]!];
  for (let j = 1; j < sorted.length;) {
    if (sorted[j]! > 0) b.push(sorted[j++]!);
    else { j++; if (j < sorted.length) b[b.length - 1] = (b[b.length - 1]! + sorted[j++]!) >>> 0; }
  }
  return { h, w, counts: Uint32Array.from(b) };
}

/** A box [x, y, w, h] rasterised as the polygon of its corners (maskApi's rleFrBbox). */
export function rleFromBbox(bb: ArrayLike<number>, h: number, w: number): Rle {
  const xs = bb[0]!, ys = bb[1]!, xe = xs + bb[2]!, ye = ys + bb[3]!;
  return rleFromPolygon([xs, ys, xs, ye, xe, ye, xe, ys], h, w);
}

/**
 * One growing buffer that many decoded RLEs share (fewer allocations when decoding thousands of
 * masks); views stay valid after `reset`, which only lets later RLEs reuse the space.
 */
export class RleArena {
  private buf = new Uint32Array(1 << 16);
  private off = 0;
  reset(): void { this.off = 0; }
  /** Room for up to n counts; `commit(m)` keeps the first m. */
  take(n: number): Uint32Array {
    if (this.off + n > this.buf.length) { this.buf = new Uint32Array(Math.max(this.buf.length * 2, n)); this.off = 0; }
    return this.buf.subarray(this.off, this.off + n);
  }
  commit(m: number): void { this.off += m; }
}

/** An RLE from COCO JSON: compressed string counts or uncompressed count arrays. */
export function rleFromJson(obj: RleJson, where = 'segmentation', arena?: RleArena): Rle {
  const [h, w] = checkSize(obj, where);
  if (typeof obj.counts === 'string') {
    const cnts = arena ? arena.take(obj.counts.length) : new Uint32Array(obj.counts.length);
    const m = decodeCounts(obj.counts, cnts, `${where}.counts`);
    arena?.commit(m);
    return { h, w, counts: cnts.subarray(0, m) };
  }
  if (Array.isArray(obj.counts)) {
    const c = obj.counts;
    for (let i = 0; i < c.length; i++) {
      if (!Number.isInteger(c[i]) || c[i]! < 0) throw new InputError(`${where}.counts[${i}] must be a non-negative integer, got ${JSON.stringify(c[i])}`);
    }
    return { h, w, counts: Uint32Array.from(c) };
  }
  throw new InputError(`${where}.counts must be a string or an array of integers, got ${typeof obj.counts}`);
}

function checkSize(obj: RleJson, where: string): [number, number] {
  const size = obj.size;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new InputError(`${where}.size must be [height, width], got ${JSON.stringify(size)}`);
  }
  return size as [number, number];
}

let scratchCounts = new Uint32Array(1024);

/**
 * Area (and, into `box`, toBbox's [x, y, w, h]) of a JSON RLE: what loadRes needs of every
 * mask result. Compressed counts are decoded into a reused buffer, not a new array.
 */
export function rleJsonAreaBox(obj: RleJson, box: number[] | undefined, where = 'segmentation'): number {
  const [h, w] = checkSize(obj, where);
  const c = obj.counts;
  let r: Rle;
  if (typeof c === 'string') {
    if (scratchCounts.length < c.length) scratchCounts = new Uint32Array(c.length * 2);
    r = { h, w, counts: scratchCounts.subarray(0, decodeCounts(c, scratchCounts, where)) };
  } else {
    r = rleFromJson(obj, where);
  }
  if (box) rleToBbox(r, box);
  return rleArea(r);
}

/** Decodes a compressed counts string into `out` (length >= s.length); returns the count. */
function decodeCounts(s: string, out: Uint32Array, where: string): number {
  const n = s.length;
  let m = 0, p = 0;
  while (p < n) {
    const start = p;
    let c = s.charCodeAt(p++) - 48;
    let x = c & 0x1f, sh = 5;
    // up to 6 chars (30 bits) stay in int32; longer counts take the exact slow path
    while (c & 0x20 && sh < 30) {
      if (p >= n) throw new InputError(`${where}: RLE string ends inside a count at char ${p} ('${s.slice(Math.max(0, p - 8))}')`);
      c = s.charCodeAt(p++) - 48;
      x |= (c & 0x1f) << sh;
      sh += 5;
    }
    if (c & 0x20) { p = start; x = longCount(s, p, where); while (s.charCodeAt(p++) - 48 & 0x20); }
    else if (c & 0x10) x |= -1 << sh; // sign-extend: every bit above the ones read is set
    if (m > 2) x += out[m - 2]!;
    out[m++] = x >>> 0;
  }
  return m;
}

/** A count of 7+ chars, in doubles (maskApi's long arithmetic). */
function longCount(s: string, p: number, where: string): number {
  let x = 0, scale = 1, more = 1;
  while (more) {
    if (p >= s.length) throw new InputError(`${where}: RLE string ends inside a count at char ${p} ('${s.slice(Math.max(0, p - 8))}')`);
    const c = s.charCodeAt(p++) - 48;
    x += (c & 0x1f) * scale;
    more = c & 0x20;
    scale *= 32;
    if (!more && c & 0x10) x -= scale;
  }
  return x;
}

export function rleToJson(r: Rle): { size: [number, number]; counts: string } {
  return { size: [r.h, r.w], counts: rleToString(r) };
}

/** A compressed COCO RLE as it appears in JSON (what pycocotools.mask.encode returns). */
export interface CocoRle { size: [number, number]; counts: string }

/** pycocotools.mask.encode(np.asfortranarray(mask)) for a row-major H x W 0/1 mask. */
export function encodeMask(mask: ArrayLike<number>, H: number, W: number): CocoRle {
  return rleToJson(rleEncode(mask, H, W, 'C'));
}

/** Decodes a compressed COCO RLE to a row-major H x W 0/1 mask. */
export function decodeMask(rle: CocoRle): Uint8Array {
  const [H, W] = rle.size;
  return rleDecode(rleFromString(rle.counts, H, W), 'C');
}

export type Segmentation = number[][] | RleJson;

/**
 * COCO's annToRLE: polygons (merged into one mask), uncompressed or compressed RLE. As
 * frPyObjects, a list whose first entry has 4 numbers is read as boxes, not polygons.
 */
export function segmentationToRle(segm: Segmentation, h: number, w: number, where = 'segmentation'): Rle {
  if (Array.isArray(segm)) {
    if (segm.length === 0) throw new InputError(`${where} is an empty polygon list`);
    const first = segm[0];
    if (!Array.isArray(first)) throw new InputError(`${where} must be a list of polygons [[x0, y0, x1, y1, ...], ...], got ${JSON.stringify(segm).slice(0, 60)}`);
    const asBox = first.length === 4;
    if (!asBox && first.length < 4) throw new InputError(`${where}[0] is a polygon of ${first.length} numbers (pycocotools needs more than 4)`);
    const parts = segm.map((p, i) => {
      if (!Array.isArray(p) || !p.every((n) => typeof n === 'number')) throw new InputError(`${where}[${i}] must be a list of numbers`);
      if (asBox && p.length !== 4) throw new InputError(`${where}[${i}] has ${p.length} numbers, but ${where}[0] has 4 (read as boxes, as pycocotools does)`);
      return asBox ? rleFromBbox(p, h, w) : rleFromPolygon(p, h, w);
    });
    return rleMerge(parts);
  }
  if (segm && typeof segm === 'object' && 'counts' in segm && 'size' in segm) {
    return rleFromJson(segm, where);
  }
  throw new InputError(`${where} must be polygons or an RLE {size, counts}, got ${JSON.stringify(segm)?.slice(0, 60)}`);
}
