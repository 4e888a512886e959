// Axis permutation (caffe2/operators/transpose_op.h -> math::Transpose): out dims[k] = dims[perm[k]].
// Words of `unit` per element. The permutation is first simplified (size-1 axes dropped, axes
// that stay adjacent merged, a preserved innermost axis folded into the element), so NCHW<->NHWC
// becomes a batch of 2-D [C, HW] transposes; those run in cache-sized tiles with contiguous writes.

import type { Words } from './copy.js';

// Tiles of up to TILE_J = 16 input-contiguous elements (a 64-byte cache line of 4-byte words)
// by TILE_I = 64 output-contiguous ones, so each input line a tile reads is used whole while in
// L1; the edge is balanced per plane (49 columns -> 13+12+12+12, not 16+16+16+1).
const TILE_I = 64, TILE_J = 16;

/** The tile edge that splits n into equal parts of at most `max`. */
const balanced = (n: number, max: number): number => Math.ceil(n / Math.ceil(n / max));

export interface SimplePerm {
  /** Merged input dims (all > 1). */
  dims: number[];
  /** Output axis k takes merged input axis perm[k]. */
  perm: number[];
  /** Words per element after folding a preserved innermost axis. */
  unit: number;
}

/** Drops size-1 axes, merges runs of axes that stay adjacent, folds a kept innermost axis into `unit`. */
export function simplifyPermutation(dims: readonly number[], perm: readonly number[], unit: number): SimplePerm {
  const newIndex: number[] = [];
  const kept: number[] = [];
  for (let a = 0; a < dims.length; a++) {
    newIndex.push(dims[a] === 1 ? -1 : kept.length);
    if (dims[a] !== 1) kept.push(dims[a]!);
  }
  const p: number[] = [];
  for (const a of perm) if (newIndex[a]! >= 0) p.push(newIndex[a]!);
  // groups of consecutive output axes that are also consecutive input axes
  const groups: { start: number; len: number }[] = [];
  for (const a of p) {
    const g = groups[groups.length - 1];
    if (g && g.start + g.len === a) g.len++;
    else groups.push({ start: a, len: 1 });
  }
  const byInput = groups.slice().sort((x, y) => x.start - y.start);
  const rank = new Map(byInput.map((g, i) => [g, i] as const));
  const mdims = byInput.map((g) => {
    let n = 1;
    for (let k = 0; k < g.len; k++) n *= kept[g.start + k]!;
    return n;
  });
  const mperm = groups.map((g) => rank.get(g)!);
  if (mperm.length && mperm[mperm.length - 1] === mperm.length - 1) {
    unit *= mdims.pop()!;
    mperm.pop();
  }
  return { dims: mdims, perm: mperm, unit };
}

export function transpose(out: Words, x: Words, dims: readonly number[], perm: readonly number[], unit = 1): void {
  let total = unit;
  for (const d of dims) total *= d;
  if (total === 0) return;
  const s = simplifyPermutation(dims, perm, unit);
  const r = s.dims.length;
  const u = s.unit;
  if (r <= 1) {
    // identity once simplified (a single axis cannot move): a plain copy
    if (total < 32) for (let i = 0; i < total; i++) out[i] = x[i]!;
    else out.set(x.subarray(0, total));
    return;
  }
  const d = s.dims, p = s.perm;
  // strides in words: input axis k in the input, and input axis k in the output
  const sIn = new Array<number>(r), sOut = new Array<number>(r);
  let acc = u;
  for (let k = r - 1; k >= 0; k--) { sIn[k] = acc; acc *= d[k]!; }
  acc = u;
  for (let k = r - 1; k >= 0; k--) { sOut[p[k]!] = acc; acc *= d[p[k]!]!; }
  // the tile: input axis a becomes the output's innermost, input innermost axis b moves out
  const a = p[r - 1]!, b = r - 1;
  const Da = d[a]!, Db = d[b]!, sIa = sIn[a]!, sOb = sOut[b]!;
  // the remaining axes are walked with an odometer
  const rest: number[] = [];
  for (let k = 0; k < r; k++) if (k !== a && k !== b) rest.push(k);
  const nr = rest.length;
  const idx = new Array<number>(nr).fill(0);
  let batches = 1;
  for (const k of rest) batches *= d[k]!;
  let baseIn = 0, baseOut = 0;
  // a plane with a side of 2..4 (RGB images, boxes) streams along the long side instead
  const plane = u !== 1 ? tileN : Db <= 4 ? narrowIn : Da <= 4 ? narrowOut : tile1;
  for (let t = 0; t < batches; t++) {
    plane(out, x, baseIn, baseOut, Da, Db, sIa, sOb, u);
    for (let q = nr - 1; q >= 0; q--) {
      const k = rest[q]!;
      baseIn += sIn[k]!; baseOut += sOut[k]!;
      if (++idx[q]! < d[k]!) break;
      baseIn -= d[k]! * sIn[k]!; baseOut -= d[k]! * sOut[k]!;
      idx[q] = 0;
    }
  }
}

type Plane = (out: Words, x: Words, bi: number, bo: number, Da: number, Db: number, sIa: number, sOb: number, u: number) => void;

/** out[bo + i + j*sOb] = x[bi + i*sIa + j] over a Da x Db plane, one word per element. */
const tile1: Plane = (out, x, bi, bo, Da, Db, sIa, sOb) => {
  const TI = balanced(Da, TILE_I), TJ = balanced(Db, TILE_J);
  for (let i0 = 0; i0 < Da; i0 += TI) {
    const i1 = i0 + TI < Da ? i0 + TI : Da;
    for (let j0 = 0; j0 < Db; j0 += TJ) {
      const j1 = j0 + TJ < Db ? j0 + TJ : Db;
      for (let j = j0; j < j1; j++) {
        let o = bo + j * sOb + i0, s = bi + i0 * sIa + j;
        for (let i = i0; i < i1; i++) { out[o++] = x[s]!; s += sIa; }
      }
    }
  }
};

/** The same with u words per element (8-byte types, folded inner axes). */
const tileN: Plane = (out, x, bi, bo, Da, Db, sIa, sOb, u) => {
  const TI = balanced(Da, TILE_I), TJ = balanced(Db, TILE_J);
  for (let i0 = 0; i0 < Da; i0 += TI) {
    const i1 = i0 + TI < Da ? i0 + TI : Da;
    for (let j0 = 0; j0 < Db; j0 += TJ) {
      const j1 = j0 + TJ < Db ? j0 + TJ : Db;
      for (let j = j0; j < j1; j++) {
        let o = bo + j * sOb + i0 * u, s = bi + i0 * sIa + j * u;
        for (let i = i0; i < i1; i++) {
          for (let w = 0; w < u; w++) out[o + w] = x[s + w]!;
          o += u; s += sIa;
        }
      }
    }
  }
};

/** 2 <= Db <= 4: each short input row of Db words feeds Db output rows, all written in order. */
const narrowIn: Plane = (out, x, bi, bo, Da, Db, sIa, sOb) => {
  const o1 = bo + sOb, o2 = bo + 2 * sOb, o3 = bo + 3 * sOb;
  let s = bi;
  switch (Db) {
    case 2: for (let i = 0; i < Da; i++, s += sIa) { out[bo + i] = x[s]!; out[o1 + i] = x[s + 1]!; } break;
    case 3: for (let i = 0; i < Da; i++, s += sIa) { out[bo + i] = x[s]!; out[o1 + i] = x[s + 1]!; out[o2 + i] = x[s + 2]!; } break;
    default:
      for (let i = 0; i < Da; i++, s += sIa) { out[bo + i] = x[s]!; out[o1 + i] = x[s + 1]!; out[o2 + i] = x[s + 2]!; out[o3 + i] = x[s + 3]!; }
  }
};

/** 2 <= Da <= 4: Da input rows are read in order and interleaved into short output rows. */
const narrowOut: Plane = (out, x, bi, bo, Da, Db, sIa, sOb) => {
  const s1 = bi + sIa, s2 = bi + 2 * sIa, s3 = bi + 3 * sIa;
  let o = bo;
  switch (Da) {
    case 2: for (let j = 0; j < Db; j++, o += sOb) { out[o] = x[bi + j]!; out[o + 1] = x[s1 + j]!; } break;
    case 3: for (let j = 0; j < Db; j++, o += sOb) { out[o] = x[bi + j]!; out[o + 1] = x[s1 + j]!; out[o + 2] = x[s2 + j]!; } break;
    default:
      for (let j = 0; j < Db; j++, o += sOb) { out[o] = x[bi + j]!; out[o + 1] = x[s1 + j]!; out[o + 2] = x[s2 + j]!; out[o + 3] = x[s3 + j]!; }
  }
};
