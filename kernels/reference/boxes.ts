// Reference twins of kernels/boxes.ts, written column by column the way Caffe2's Eigen code is
// (caffe2/operators/generate_proposals_op_util_boxes.h, rotated helpers in
// generate_proposals_op_util_nms.h). Float32 rounding after every operation, as Eigen float.

import type { BoxCoder } from '../boxes.js';

const f = Math.fround;
const PI_F = f(3.14159265358979323846);

function col(a: Float32Array, stride: number, j: number, n: number): Float32Array {
  const c = new Float32Array(n);
  for (let i = 0; i < n; i++) c[i] = a[i * stride + j]!;
  return c;
}

function setCol(a: Float32Array, stride: number, j: number, c: ArrayLike<number>): void {
  for (let i = 0; i < c.length; i++) a[i * stride + j] = c[i]!;
}

const map = (a: Float32Array, fn: (v: number, i: number) => number): Float32Array => a.map((v, i) => f(fn(v, i)));

export function decodeUpright(
  out: Float32Array, oS: number, boxes: Float32Array, bS: number, deltas: Float32Array, dS: number, n: number, c: BoxCoder,
): void {
  const p = c.legacyPlusOne ? 1 : 0;
  const [x1, y1, x2, y2] = [0, 1, 2, 3].map((j) => col(boxes, bS, j, n)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const d = [0, 1, 2, 3].map((j) => col(deltas, dS, j, n));
  const widths = map(x2, (v, i) => f(v - x1[i]!) + p);
  const heights = map(y2, (v, i) => f(v - y1[i]!) + p);
  const ctrX = map(x1, (v, i) => v + f(0.5 * widths[i]!));
  const ctrY = map(y1, (v, i) => v + f(0.5 * heights[i]!));
  const dx = map(d[0]!, (v) => v / f(c.weights[0]!));
  const dy = map(d[1]!, (v) => v / f(c.weights[1]!));
  const dw = map(d[2]!, (v) => Math.min(f(v / f(c.weights[2]!)), c.clip));
  const dh = map(d[3]!, (v) => Math.min(f(v / f(c.weights[3]!)), c.clip));
  const predCtrX = map(dx, (v, i) => f(v * widths[i]!) + ctrX[i]!);
  const predCtrY = map(dy, (v, i) => f(v * heights[i]!) + ctrY[i]!);
  const predW = map(dw, (v, i) => f(Math.exp(v)) * widths[i]!);
  const predH = map(dh, (v, i) => f(Math.exp(v)) * heights[i]!);
  setCol(out, oS, 0, map(predCtrX, (v, i) => v - f(0.5 * predW[i]!)));
  setCol(out, oS, 1, map(predCtrY, (v, i) => v - f(0.5 * predH[i]!)));
  setCol(out, oS, 2, map(predCtrX, (v, i) => f(v + f(0.5 * predW[i]!)) - p));
  setCol(out, oS, 3, map(predCtrY, (v, i) => f(v + f(0.5 * predH[i]!)) - p));
}

export function decodeRotated(
  out: Float32Array, oS: number, boxes: Float32Array, bS: number, deltas: Float32Array, dS: number, n: number, c: BoxCoder,
): void {
  const b = [0, 1, 2, 3, 4].map((j) => col(boxes, bS, j, n));
  const d = [0, 1, 2, 3, 4].map((j) => col(deltas, dS, j, n));
  const dx = map(d[0]!, (v) => v / f(c.weights[0]!));
  const dy = map(d[1]!, (v) => v / f(c.weights[1]!));
  const dw = map(d[2]!, (v) => Math.min(f(v / f(c.weights[2]!)), c.clip));
  const dh = map(d[3]!, (v) => Math.min(f(v / f(c.weights[3]!)), c.clip));
  const da = map(d[4]!, (v) => f(v * 180) / PI_F);
  const angles = map(da, (v, i) => v + b[4]![i]!);
  if (c.angleBoundOn) {
    const period = c.angleBoundHi - c.angleBoundLo;
    for (let i = 0; i < n; i++) {
      if (angles[i]! < c.angleBoundLo) angles[i] = f(angles[i]! + period);
      else if (angles[i]! > c.angleBoundHi) angles[i] = f(angles[i]! - period);
    }
  }
  setCol(out, oS, 0, map(dx, (v, i) => f(v * b[2]![i]!) + b[0]![i]!));
  setCol(out, oS, 1, map(dy, (v, i) => f(v * b[3]![i]!) + b[1]![i]!));
  setCol(out, oS, 2, map(dw, (v, i) => f(Math.exp(v)) * b[2]![i]!));
  setCol(out, oS, 3, map(dh, (v, i) => f(Math.exp(v)) * b[3]![i]!));
  setCol(out, oS, 4, angles);
}

const clamp = (v: number, hi: number): number => Math.max(Math.min(v, hi), 0);

export function clipUpright(boxes: Float32Array, bS: number, n: number, height: number, width: number, legacyPlusOne: boolean): void {
  const p = legacyPlusOne ? 1 : 0;
  for (let j = 0; j < 4; j++) setCol(boxes, bS, j, map(col(boxes, bS, j, n), (v) => clamp(v, (j % 2 ? height : width) - p)));
}

export function clipRotated(
  boxes: Float32Array, bS: number, n: number, height: number, width: number, angleThresh: number, legacyPlusOne: boolean,
): void {
  const p = legacyPlusOne ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const r = boxes.subarray(i * bS, i * bS + 5);
    if (!(Math.abs(r[4]!) <= angleThresh)) continue;
    const xyxy = Float32Array.of(r[0]! - f(f(r[2]! - p) / 2), r[1]! - f(f(r[3]! - p) / 2), r[0]! + f(f(r[2]! - p) / 2), r[1]! + f(f(r[3]! - p) / 2));
    clipUpright(xyxy, 4, 1, height, width, legacyPlusOne);
    r[0] = f(xyxy[0]! + xyxy[2]!) / 2;
    r[1] = f(xyxy[1]! + xyxy[3]!) / 2;
    r[2] = f(xyxy[2]! - xyxy[0]!) + p;
    r[3] = f(xyxy[3]! - xyxy[1]!) + p;
  }
}

export function filterUpright(
  keep: Int32Array, boxes: Float32Array, bS: number, n: number, minSize: number, imH: number, imW: number, legacyPlusOne: boolean,
): number {
  const p = legacyPlusOne ? 1 : 0;
  const x1 = col(boxes, bS, 0, n), y1 = col(boxes, bS, 1, n);
  const ws = map(col(boxes, bS, 2, n), (v, i) => f(v - x1[i]!) + p);
  const hs = map(col(boxes, bS, 3, n), (v, i) => f(v - y1[i]!) + p);
  const xc = map(x1, (v, i) => v + f(ws[i]! / 2));
  const yc = map(y1, (v, i) => v + f(hs[i]! / 2));
  let k = 0;
  for (let i = 0; i < n; i++) if (ws[i]! >= minSize && hs[i]! >= minSize && xc[i]! < imW && yc[i]! < imH) keep[k++] = i;
  return k;
}

export function filterRotated(keep: Int32Array, boxes: Float32Array, bS: number, n: number, minSize: number, imH: number, imW: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) {
    const [cx, cy, w, h] = boxes.subarray(i * bS, i * bS + 4);
    if (w! >= minSize && h! >= minSize && cx! < imW && cy! < imH) keep[k++] = i;
  }
  return k;
}

interface Pt { x: number; y: number }
const sub = (a: Pt, b: Pt): Pt => ({ x: f(a.x - b.x), y: f(a.y - b.y) });
const add = (a: Pt, b: Pt): Pt => ({ x: f(a.x + b.x), y: f(a.y + b.y) });
const scale = (s: number, a: Pt): Pt => ({ x: f(s * a.x), y: f(s * a.y) });
const cross2 = (a: Pt, b: Pt): number => f(f(a.x * b.y) - f(b.x * a.y));
const dot2 = (a: Pt, b: Pt): number => f(f(a.x * b.x) + f(a.y * b.y));

function rectVertices(cx: number, cy: number, w: number, h: number, angle: number): Pt[] {
  const theta = -angle * 0.01745329251;
  const b = f(f(Math.cos(theta)) * 0.5), a = f(f(Math.sin(theta)) * 0.5);
  const c = { x: cx, y: cy };
  const p0 = { x: f(f(cx - f(a * h)) - f(b * w)), y: f(f(cy + f(b * h)) - f(a * w)) };
  const p1 = { x: f(f(cx + f(a * h)) - f(b * w)), y: f(f(cy - f(b * h)) - f(a * w)) };
  return [p0, p1, sub(scale(2, c), p0), sub(scale(2, c), p1)];
}

export function rotatedIntersection(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number {
  const pts1 = rectVertices(a[ao]!, a[ao + 1]!, a[ao + 2]!, a[ao + 3]!, a[ao + 4]!);
  const pts2 = rectVertices(b[bo]!, b[bo + 1]!, b[bo + 2]!, b[bo + 3]!, b[bo + 4]!);
  if (pts1.every((p, i) => !(Math.abs(f(p.x - pts2[i]!.x)) > f(0.00001)) && !(Math.abs(f(p.y - pts2[i]!.y)) > f(0.00001)))) {
    return Math.min(f(a[ao + 2]! * a[ao + 3]!), f(b[bo + 2]! * b[bo + 3]!));
  }
  const vec1 = pts1.map((p, i) => sub(pts1[(i + 1) % 4]!, p));
  const vec2 = pts2.map((p, i) => sub(pts2[(i + 1) % 4]!, p));
  const pts: Pt[] = [];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const det = cross2(vec2[j]!, vec1[i]!);
      if (Math.abs(det) <= f(1e-14)) continue;
      const v12 = sub(pts2[j]!, pts1[i]!);
      const t1 = f(cross2(vec2[j]!, v12) / det), t2 = f(cross2(vec1[i]!, v12) / det);
      if (t1 >= 0 && t1 <= 1 && t2 >= 0 && t2 <= 1) pts.push(add(pts1[i]!, scale(t1, vec1[i]!)));
    }
  }
  const inside = (ps: Pt[], rect: Pt[], vec: Pt[]): void => {
    const ab = vec[0]!, da = vec[3]!;
    for (const p of ps) {
      const ap = sub(p, rect[0]!);
      const apab = dot2(ap, ab), apad = -dot2(ap, da);
      if (apab >= 0 && apad >= 0 && apab <= dot2(ab, ab) && apad <= dot2(da, da)) pts.push(p);
    }
  };
  inside(pts1, pts2, vec2);
  inside(pts2, pts1, vec1);
  if (pts.length <= 2) return 0;
  return convexHullArea(pts);
}

function convexHullArea(p: Pt[]): number {
  let t = 0;
  for (let i = 1; i < p.length; i++) if (p[i]!.y < p[t]!.y || (p[i]!.y === p[t]!.y && p[i]!.x < p[t]!.x)) t = i;
  const q = p.map((v) => sub(v, p[t]!));
  [q[0], q[t]] = [q[t]!, q[0]!];
  const less = (a: Pt, b: Pt): boolean => {
    const c = cross2(a, b);
    return Math.abs(c) < 1e-6 ? dot2(a, a) < dot2(b, b) : c > 0;
  };
  // std::sort on fewer than 17 elements is libstdc++'s insertion sort
  for (let i = 2; i < q.length; i++) {
    const v = q[i]!;
    if (less(v, q[1]!)) { q.splice(i, 1); q.splice(1, 0, v); continue; }
    let j = i;
    while (less(v, q[j - 1]!)) { q[j] = q[j - 1]!; j--; }
    q[j] = v;
  }
  let k = 1;
  while (k < q.length && !(dot2(q[k]!, q[k]!) > 1e-8)) k++;
  if (k === q.length) return 0;
  const hull = [q[0]!, q[k]!];
  for (let i = k + 1; i < q.length; i++) {
    while (hull.length > 1 && cross2(sub(q[i]!, hull[hull.length - 2]!), sub(hull[hull.length - 1]!, hull[hull.length - 2]!)) >= 0) hull.pop();
    hull.push(q[i]!);
  }
  let area = 0;
  for (let i = 1; i < hull.length - 1; i++) area += Math.abs(cross2(sub(hull[i]!, hull[0]!), sub(hull[i + 1]!, hull[0]!)));
  return hull.length <= 2 ? 0 : area / 2;
}

export function rotatedIoU(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number {
  const inter = f(rotatedIntersection(a, ao, b, bo));
  return f(inter / f(f(f(a[ao + 2]! * a[ao + 3]!) + f(b[bo + 2]! * b[bo + 3]!)) - inter));
}
