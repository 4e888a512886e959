// Box geometry of the detection ops (Caffe2 generate_proposals_op_util_boxes.h and the rotated
// rectangle helpers of generate_proposals_op_util_nms.h). Boxes are rows of a Float32Array at a
// stride: upright [x1, y1, x2, y2], rotated [cx, cy, w, h, angle in degrees, counter-clockwise].
// Caffe2 computes all of this in Eigen float arrays, so every operation is rounded to float32
// (`f` = Math.fround); for + - * / sqrt of float32 operands that equals float arithmetic exactly.

const f = Math.fround;

/** log(1000 / 16) as the float Caffe2 stores: the upper clip of dw and dh. */
export const BBOX_XFORM_CLIP = f(Math.log(1000 / 16));
const PI_F = f(3.14159265358979323846);

/** How deltas decode into boxes (bbox_transform and its arguments). */
export interface BoxCoder {
  /** [wx, wy, ww, wh], float32 values. */
  readonly weights: readonly number[];
  readonly clip: number;
  readonly legacyPlusOne: boolean;
  readonly angleBoundOn: boolean;
  readonly angleBoundLo: number;
  readonly angleBoundHi: number;
}

/**
 * bbox_transform_upright: n rows of boxes (stride bS) and deltas (stride dS) into out (stride oS).
 * out may alias boxes or deltas: each row is read before it is written.
 */
export function decodeUpright(
  out: Float32Array, oS: number, boxes: Float32Array, bS: number, deltas: Float32Array, dS: number, n: number, c: BoxCoder,
): void {
  const p = c.legacyPlusOne ? 1 : 0;
  const wx = f(c.weights[0]!), wy = f(c.weights[1]!), ww = f(c.weights[2]!), wh = f(c.weights[3]!);
  const clip = c.clip;
  for (let i = 0; i < n; i++) {
    const b = i * bS, d = i * dS, o = i * oS;
    const x1 = boxes[b]!, y1 = boxes[b + 1]!;
    const w = f(f(boxes[b + 2]! - x1) + p), h = f(f(boxes[b + 3]! - y1) + p);
    const cx = f(x1 + f(0.5 * w)), cy = f(y1 + f(0.5 * h));
    const dx = f(deltas[d]! / wx), dy = f(deltas[d + 1]! / wy);
    const dw = Math.min(f(deltas[d + 2]! / ww), clip), dh = Math.min(f(deltas[d + 3]! / wh), clip);
    const pcx = f(f(dx * w) + cx), pcy = f(f(dy * h) + cy);
    const hw = f(0.5 * f(f(Math.exp(dw)) * w)), hh = f(0.5 * f(f(Math.exp(dh)) * h));
    out[o] = f(pcx - hw);
    out[o + 1] = f(pcy - hh);
    out[o + 2] = f(f(pcx + hw) - p);
    out[o + 3] = f(f(pcy + hh) - p);
  }
}

/**
 * bbox_transform_rotated: weights apply to the first 4 deltas; the 5th is an angle delta in
 * radians, added in degrees. With angleBoundOn the angle is brought into [lo, hi] by one period
 * (hi - lo), once, not looped. legacy_plus_one does not apply to rotated boxes.
 */
export function decodeRotated(
  out: Float32Array, oS: number, boxes: Float32Array, bS: number, deltas: Float32Array, dS: number, n: number, c: BoxCoder,
): void {
  const wx = f(c.weights[0]!), wy = f(c.weights[1]!), ww = f(c.weights[2]!), wh = f(c.weights[3]!);
  const clip = c.clip, lo = c.angleBoundLo, hi = c.angleBoundHi, period = hi - lo;
  for (let i = 0; i < n; i++) {
    const b = i * bS, d = i * dS, o = i * oS;
    const cx = boxes[b]!, cy = boxes[b + 1]!, w = boxes[b + 2]!, h = boxes[b + 3]!, a = boxes[b + 4]!;
    const dx = f(deltas[d]! / wx), dy = f(deltas[d + 1]! / wy);
    const dw = Math.min(f(deltas[d + 2]! / ww), clip), dh = Math.min(f(deltas[d + 3]! / wh), clip);
    const da = f(f(deltas[d + 4]! * 180) / PI_F);
    let angle = f(da + a);
    if (c.angleBoundOn) {
      if (angle < lo) angle = f(angle + period);
      else if (angle > hi) angle = f(angle - period);
    }
    out[o] = f(f(dx * w) + cx);
    out[o + 1] = f(f(dy * h) + cy);
    out[o + 2] = f(f(Math.exp(dw)) * w);
    out[o + 3] = f(f(Math.exp(dh)) * h);
    out[o + 4] = angle;
  }
}

/** clip_boxes_upright in place: x into [0, width - p], y into [0, height - p] (min, then max). */
export function clipUpright(boxes: Float32Array, bS: number, n: number, height: number, width: number, legacyPlusOne: boolean): void {
  const p = legacyPlusOne ? 1 : 0;
  const xm = width - p, ym = height - p;
  for (let i = 0; i < n; i++) {
    const b = i * bS;
    boxes[b] = Math.max(Math.min(boxes[b]!, xm), 0);
    boxes[b + 1] = Math.max(Math.min(boxes[b + 1]!, ym), 0);
    boxes[b + 2] = Math.max(Math.min(boxes[b + 2]!, xm), 0);
    boxes[b + 3] = Math.max(Math.min(boxes[b + 3]!, ym), 0);
  }
}

/**
 * clip_boxes_rotated in place: only rows with |angle| <= angleThresh (nearly upright) are clipped,
 * through xyxy and back; a negative threshold clips nothing. The angle is kept.
 */
export function clipRotated(
  boxes: Float32Array, bS: number, n: number, height: number, width: number, angleThresh: number, legacyPlusOne: boolean,
): void {
  const p = legacyPlusOne ? 1 : 0;
  const xm = width - p, ym = height - p;
  for (let i = 0; i < n; i++) {
    const b = i * bS;
    if (!(Math.abs(boxes[b + 4]!) <= angleThresh)) continue;
    const cx = boxes[b]!, cy = boxes[b + 1]!;
    const hw = f(f(boxes[b + 2]! - p) / 2), hh = f(f(boxes[b + 3]! - p) / 2);
    const x1 = Math.max(Math.min(f(cx - hw), xm), 0), x2 = Math.max(Math.min(f(cx + hw), xm), 0);
    const y1 = Math.max(Math.min(f(cy - hh), ym), 0), y2 = Math.max(Math.min(f(cy + hh), ym), 0);
    boxes[b] = f(f(x1 + x2) / 2);
    boxes[b + 1] = f(f(y1 + y2) / 2);
    boxes[b + 2] = f(f(x2 - x1) + p);
    boxes[b + 3] = f(f(y2 - y1) + p);
  }
}

/**
 * filter_boxes_upright: writes the ascending indices of rows whose sides are >= minSize (already
 * scaled by im_info[2], a double) and whose center lies inside imH x imW; returns the count.
 */
export function filterUpright(
  keep: Int32Array, boxes: Float32Array, bS: number, n: number, minSize: number, imH: number, imW: number, legacyPlusOne: boolean,
): number {
  const p = legacyPlusOne ? 1 : 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const b = i * bS;
    const ws = f(f(boxes[b + 2]! - boxes[b]!) + p), hs = f(f(boxes[b + 3]! - boxes[b + 1]!) + p);
    const xc = f(boxes[b]! + f(ws / 2)), yc = f(boxes[b + 1]! + f(hs / 2));
    if (ws >= minSize && hs >= minSize && xc < imW && yc < imH) keep[k++] = i;
  }
  return k;
}

/** filter_boxes_rotated: the same test on the box's own center and size. */
export function filterRotated(keep: Int32Array, boxes: Float32Array, bS: number, n: number, minSize: number, imH: number, imW: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) {
    const b = i * bS;
    if (boxes[b + 2]! >= minSize && boxes[b + 3]! >= minSize && boxes[b]! < imW && boxes[b + 1]! < imH) keep[k++] = i;
  }
  return k;
}

// ------------------------------------------------------------ rotated rectangle intersection
// Caffe2's replacement for cv::rotatedRectangleIntersection: edge crossings plus contained
// vertices, ordered by a Graham scan, area by the shoelace formula. Float2 math is float32;
// the area accumulates in double. Scratch is module-level: no allocation per call.

const P1 = new Float64Array(8), P2 = new Float64Array(8), V1 = new Float64Array(8), V2 = new Float64Array(8);
// at most 16 edge crossings + 2 x 4 contained vertices, plus one slot for the sort
const MAX_PTS = 24;
const PTS = new Float64Array(2 * MAX_PTS), Q = new Float64Array(2 * MAX_PTS + 2);
const SAME_EPS = f(0.00001), DET_EPS = f(1e-14);

/** Vertices of a rotated box; the angle is negated (cv::RotatedRect turns clockwise). */
function vertices(pt: Float64Array, cx: number, cy: number, w: number, h: number, angle: number): void {
  const rad = -angle * 0.01745329251;
  const b = f(f(Math.cos(rad)) * 0.5), a = f(f(Math.sin(rad)) * 0.5);
  pt[0] = f(f(cx - f(a * h)) - f(b * w));
  pt[1] = f(f(cy + f(b * h)) - f(a * w));
  pt[2] = f(f(cx + f(a * h)) - f(b * w));
  pt[3] = f(f(cy - f(b * h)) - f(a * w));
  pt[4] = f(f(2 * cx) - pt[0]!);
  pt[5] = f(f(2 * cy) - pt[1]!);
  pt[6] = f(f(2 * cx) - pt[2]!);
  pt[7] = f(f(2 * cy) - pt[3]!);
}

const cross = (ax: number, ay: number, bx: number, by: number): number => f(f(ax * by) - f(bx * ay));
const dot = (ax: number, ay: number, bx: number, by: number): number => f(f(ax * bx) + f(ay * by));

/** Appends the vertices of `p` that lie inside the rectangle `r` (edge vectors `v`). */
function insideVertices(p: Float64Array, r: Float64Array, v: Float64Array, num: number): number {
  const abx = v[0]!, aby = v[1]!, dax = v[6]!, day = v[7]!;
  const abab = dot(abx, aby, abx, aby), adad = dot(dax, day, dax, day);
  for (let i = 0; i < 4; i++) {
    const apx = f(p[2 * i]! - r[0]!), apy = f(p[2 * i + 1]! - r[1]!);
    const apab = dot(apx, apy, abx, aby), apad = -dot(apx, apy, dax, day);
    if (apab >= 0 && apad >= 0 && apab <= abab && apad <= adad) {
      PTS[2 * num] = p[2 * i]!;
      PTS[2 * num + 1] = p[2 * i + 1]!;
      num++;
    }
  }
  return num;
}

/** Graham-scan order of the angle comparator (collinear: nearer first), as libstdc++'s insertion sort. */
function hullLess(i: number, j: number): boolean {
  const t = cross(Q[2 * i]!, Q[2 * i + 1]!, Q[2 * j]!, Q[2 * j + 1]!);
  if (Math.abs(t) < 1e-6) return dot(Q[2 * i]!, Q[2 * i + 1]!, Q[2 * i]!, Q[2 * i + 1]!) < dot(Q[2 * j]!, Q[2 * j + 1]!, Q[2 * j]!, Q[2 * j + 1]!);
  return t > 0;
}

function moveQ(dst: number, src: number): void { Q[2 * dst] = Q[2 * src]!; Q[2 * dst + 1] = Q[2 * src + 1]!; }

/** Area of the convex hull of PTS[0..num), shifted to the lowest point (Caffe2 convex_hull_graham). */
function hullArea(num: number): number {
  let t = 0;
  for (let i = 1; i < num; i++) {
    const yi = PTS[2 * i + 1]!, yt = PTS[2 * t + 1]!;
    if (yi < yt || (yi === yt && PTS[2 * i]! < PTS[2 * t]!)) t = i;
  }
  const sx = PTS[2 * t]!, sy = PTS[2 * t + 1]!;
  for (let i = 0; i < num; i++) { Q[2 * i] = f(PTS[2 * i]! - sx); Q[2 * i + 1] = f(PTS[2 * i + 1]! - sy); }
  Q[2 * t] = Q[0]!; Q[2 * t + 1] = Q[1]!; Q[0] = 0; Q[1] = 0;
  // insertion sort of q[1..num) exactly as std::sort does it for up to 16 elements;
  // slot MAX_PTS holds the value being inserted
  const tmp = MAX_PTS;
  for (let i = 2; i < num; i++) {
    moveQ(tmp, i);
    if (hullLess(tmp, 1)) {
      for (let j = i; j > 1; j--) moveQ(j, j - 1);
      moveQ(1, tmp);
    } else {
      let j = i;
      while (hullLess(tmp, j - 1)) { moveQ(j, j - 1); j--; }
      moveQ(j, tmp);
    }
  }
  let k = 1;
  for (; k < num; k++) if (dot(Q[2 * k]!, Q[2 * k + 1]!, Q[2 * k]!, Q[2 * k + 1]!) > 1e-8) break;
  if (k === num) return 0;
  moveQ(1, k);
  let m = 2;
  for (let i = k + 1; i < num; i++) {
    while (m > 1 && cross(f(Q[2 * i]! - Q[2 * m - 4]!), f(Q[2 * i + 1]! - Q[2 * m - 3]!),
      f(Q[2 * m - 2]! - Q[2 * m - 4]!), f(Q[2 * m - 1]! - Q[2 * m - 3]!)) >= 0) m--;
    moveQ(m++, i);
  }
  if (m <= 2) return 0;
  let area = 0;
  for (let i = 1; i < m - 1; i++) {
    area += Math.abs(cross(f(Q[2 * i]! - Q[0]!), f(Q[2 * i + 1]! - Q[1]!), f(Q[2 * i + 2]! - Q[0]!), f(Q[2 * i + 3]! - Q[1]!)));
  }
  return area / 2;
}

/** Intersection area (double) of two rotated boxes at rows a (offset ao) and b (offset bo). */
export function rotatedIntersection(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number {
  const w1 = a[ao + 2]!, h1 = a[ao + 3]!, w2 = b[bo + 2]!, h2 = b[bo + 3]!;
  vertices(P1, a[ao]!, a[ao + 1]!, w1, h1, a[ao + 4]!);
  vertices(P2, b[bo]!, b[bo + 1]!, w2, h2, b[bo + 4]!);
  let same = true;
  for (let i = 0; i < 8; i++) if (Math.abs(f(P1[i]! - P2[i]!)) > SAME_EPS) { same = false; break; }
  if (same) return Math.min(f(w1 * h1), f(w2 * h2));
  for (let i = 0; i < 4; i++) {
    const n = (i + 1) % 4;
    V1[2 * i] = f(P1[2 * n]! - P1[2 * i]!); V1[2 * i + 1] = f(P1[2 * n + 1]! - P1[2 * i + 1]!);
    V2[2 * i] = f(P2[2 * n]! - P2[2 * i]!); V2[2 * i + 1] = f(P2[2 * n + 1]! - P2[2 * i + 1]!);
  }
  let num = 0;
  for (let i = 0; i < 4; i++) {
    const v1x = V1[2 * i]!, v1y = V1[2 * i + 1]!;
    for (let j = 0; j < 4; j++) {
      const v2x = V2[2 * j]!, v2y = V2[2 * j + 1]!;
      const det = cross(v2x, v2y, v1x, v1y);
      if (Math.abs(det) <= DET_EPS) continue;
      const x12 = f(P2[2 * j]! - P1[2 * i]!), y12 = f(P2[2 * j + 1]! - P1[2 * i + 1]!);
      const t1 = f(cross(v2x, v2y, x12, y12) / det), t2 = f(cross(v1x, v1y, x12, y12) / det);
      if (t1 >= 0 && t1 <= 1 && t2 >= 0 && t2 <= 1) {
        PTS[2 * num] = f(P1[2 * i]! + f(t1 * v1x));
        PTS[2 * num + 1] = f(P1[2 * i + 1]! + f(t1 * v1y));
        num++;
      }
    }
  }
  num = insideVertices(P1, P2, V2, num);
  num = insideVertices(P2, P1, V1, num);
  if (num <= 2) return 0;
  return hullArea(num);
}

/** IoU of two rotated boxes the way rotated NMS computes it: float intersection and areas. */
export function rotatedIoU(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number {
  const inter = f(rotatedIntersection(a, ao, b, bo));
  const areaA = f(a[ao + 2]! * a[ao + 3]!), areaB = f(b[bo + 2]! * b[bo + 3]!);
  return f(inter / f(f(areaA + areaB) - inter));
}
