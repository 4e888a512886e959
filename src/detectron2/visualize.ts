// detectron2's Visualizer (utils/visualizer.py) rasterised into RGBA buffers: instance
// predictions (boxes at alpha 0.5, masks at alpha 0.5 with solid outlines, "name 87%" labels on
// black at 0.8, keypoints with the COCO skeleton) and panoptic segmentation (alpha 0.7).
// Colours come from detectron2's colormap; instead of detectron2's random pick, each instance takes
// the unused palette colour farthest from the mean colour of the pixels it covers, so pictures are
// reproducible and a mask never vanishes into a background of its own colour. Sizes follow its matplotlib figure at 100 dpi (points -> pixels).

import type { Instances } from './postprocess/boxes.js';
import type { PanopticResult } from './postprocess/panoptic.js';
import { canvasFromRgb, drawLine, drawText, fillCircle, fillMask, outlineMask, strokeRect, type Canvas, type Rgb } from './draw.js';
import { COCO_KEYPOINT_NAMES } from './coco.js';
import { unitForPoints } from './font.js';

/** detectron2/utils/colormap.py _COLORS (RGB, 0..1), 74 entries. */
const COLORS = [
  0, .447, .741, .85, .325, .098, .929, .694, .125, .494, .184, .556, .466, .674, .188, .301, .745, .933, .635, .078, .184,
  .3, .3, .3, .6, .6, .6, 1, 0, 0, 1, .5, 0, .749, .749, 0, 0, 1, 0, 0, 0, 1, .667, 0, 1, .333, .333, 0, .333, .667, 0,
  .333, 1, 0, .667, .333, 0, .667, .667, 0, .667, 1, 0, 1, .333, 0, 1, .667, 0, 1, 1, 0, 0, .333, .5, 0, .667, .5, 0, 1, .5,
  .333, 0, .5, .333, .333, .5, .333, .667, .5, .333, 1, .5, .667, 0, .5, .667, .333, .5, .667, .667, .5, .667, 1, .5, 1, 0, .5,
  1, .333, .5, 1, .667, .5, 1, 1, .5, 0, .333, 1, 0, .667, 1, 0, 1, 1, .333, 0, 1, .333, .333, 1, .333, .667, 1, .333, 1, 1,
  .667, 0, 1, .667, .333, 1, .667, .667, 1, .667, 1, 1, 1, 0, 1, 1, .333, 1, 1, .667, 1, .333, 0, 0, .5, 0, 0, .667, 0, 0,
  .833, 0, 0, 1, 0, 0, 0, .167, 0, 0, .333, 0, 0, .5, 0, 0, .667, 0, 0, .833, 0, 0, 1, 0, 0, 0, .167, 0, 0, .333, 0, 0, .5,
  0, 0, .667, 0, 0, .833, 0, 0, 1, 0, 0, 0, .143, .143, .143, .857, .857, .857, 1, 1, 1,
];
export const PALETTE_SIZE = COLORS.length / 3;

/**
 * For each instance in turn, the unused palette colour farthest (RGB distance) from the mean
 * colour under its mask, or under its box without one; ties go to the lower palette index.
 */
export function contrastingColors(c: Canvas, regions: readonly { box: ArrayLike<number>; mask?: ArrayLike<number> | undefined }[]): Rgb[] {
  const used = new Set<number>();
  const W = c.width, H = c.height, d = c.data;
  return regions.map(({ box, mask }) => {
    let r = 0, g = 0, b = 0, n = 0;
    const x0 = Math.max(0, Math.floor(box[0]!)), y0 = Math.max(0, Math.floor(box[1]!));
    const x1 = Math.min(W, Math.ceil(box[2]!)), y1 = Math.min(H, Math.ceil(box[3]!));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * W + x;
        if (mask && !mask[i]) continue;
        r += d[4 * i]!; g += d[4 * i + 1]!; b += d[4 * i + 2]!; n++;
      }
    }
    const mean = n ? [r / n / 255, g / n / 255, b / n / 255] : [0.5, 0.5, 0.5];
    if (used.size === PALETTE_SIZE) used.clear();
    let best = 0, bestD = -1;
    for (let k = 0; k < PALETTE_SIZE; k++) {
      if (used.has(k)) continue;
      const e = paletteColor(k);
      const dist = (e[0] - mean[0]!) ** 2 + (e[1] - mean[1]!) ** 2 + (e[2] - mean[2]!) ** 2;
      if (dist > bestD) { bestD = dist; best = k; }
    }
    used.add(best);
    return paletteColor(best);
  });
}

/** Colour k of detectron2's colormap (wrapping). */
export function paletteColor(k: number): Rgb {
  const i = ((k % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE;
  return [COLORS[i * 3]!, COLORS[i * 3 + 1]!, COLORS[i * 3 + 2]!];
}

const RED: Rgb = [1, 0, 0];
const OFF_WHITE: Rgb = [1, 1, 240 / 255];
const BLACK: Rgb = [0, 0, 0];
const SMALL_OBJECT_AREA = 1000;
const LARGE_MASK_AREA = 120000;
const KEYPOINT_THRESHOLD = 0.05;
const PT = 100 / 72; // pixels per point at matplotlib's default 100 dpi

/** detectron2's KEYPOINT_CONNECTION_RULES for COCO persons: [from, to, RGB 0..255]. */
const SKELETON: [string, string, [number, number, number]][] = [
  ['left_ear', 'left_eye', [102, 204, 255]], ['right_ear', 'right_eye', [51, 153, 255]], ['left_eye', 'nose', [102, 0, 204]],
  ['nose', 'right_eye', [51, 102, 255]], ['left_shoulder', 'right_shoulder', [255, 128, 0]], ['left_shoulder', 'left_elbow', [153, 255, 204]],
  ['right_shoulder', 'right_elbow', [128, 229, 255]], ['left_elbow', 'left_wrist', [153, 255, 153]], ['right_elbow', 'right_wrist', [102, 255, 224]],
  ['left_hip', 'right_hip', [255, 102, 0]], ['left_hip', 'left_knee', [255, 255, 77]], ['right_hip', 'right_knee', [153, 255, 204]],
  ['left_knee', 'left_ankle', [191, 255, 128]], ['right_knee', 'right_ankle', [255, 195, 77]],
];

function rgbToHls(r: number, g: number, b: number): [number, number, number] {
  const mx = Math.max(r, g, b), mn = Math.min(r, g, b), l = (mn + mx) / 2;
  if (mn === mx) return [0, l, 0];
  const s = l <= 0.5 ? (mx - mn) / (mx + mn) : (mx - mn) / (2 - mx - mn);
  const rc = (mx - r) / (mx - mn), gc = (mx - g) / (mx - mn), bc = (mx - b) / (mx - mn);
  const h = r === mx ? bc - gc : g === mx ? 2 + rc - bc : 4 + gc - rc;
  return [(((h / 6) % 1) + 1) % 1, l, s];
}

function hlsToRgb(h: number, l: number, s: number): Rgb {
  if (s === 0) return [l, l, l];
  const m2 = l <= 0.5 ? l * (1 + s) : l + s - l * s, m1 = 2 * l - m2;
  const v = (hue: number) => {
    hue = ((hue % 1) + 1) % 1;
    if (hue < 1 / 6) return m1 + (m2 - m1) * hue * 6;
    if (hue < 0.5) return m2;
    if (hue < 2 / 3) return m1 + (m2 - m1) * (2 / 3 - hue) * 6;
    return m1;
  };
  return [v(h + 1 / 3), v(h), v(h - 1 / 3)];
}

/** Visualizer._change_color_brightness: scale the HLS lightness by (1 + factor), clipped. */
export function changeBrightness(c: Rgb, factor: number): Rgb {
  const [h, l, s] = rgbToHls(c[0], c[1], c[2]);
  const nl = Math.min(1, Math.max(0, l + factor * l));
  const [r, g, b] = hlsToRgb(h, nl, s);
  return [Math.min(1, Math.max(0, r)), Math.min(1, Math.max(0, g)), Math.min(1, Math.max(0, b))];
}

/** draw_text's colour rule: no component below 0.2, the largest at least 0.8 (text sits on black). */
function textColor(c: Rgb): Rgb {
  const v = c.map((x) => Math.max(x, 0.2));
  let k = 0;
  for (let i = 1; i < 3; i++) if (v[i]! > v[k]!) k = i;
  v[k] = Math.max(0.8, v[k]!);
  return [v[0]!, v[1]!, v[2]!];
}

/** Python's '{:.0f}'.format(x): round half to even on the exact binary value. */
export function formatPercent(score: number): string {
  const v = score * 100;
  let r = Math.round(v);
  if (Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0) r -= 1;
  return `${r}%`;
}

export interface VisOptions {
  /** Draw only instances with score >= this (detectron2's demo uses 0.5). */
  scoreThreshold?: number;
  thingClasses?: readonly string[];
  stuffClasses?: readonly string[];
  keypointNames?: readonly string[];
}

interface Ctx { c: Canvas; fontPt: number }

function defaultFontPt(c: Canvas): number {
  return Math.max(Math.floor(Math.sqrt(c.height * c.width) / 90), 10);
}

function label(cls: number, score: number | undefined, names: readonly string[] | undefined): string {
  const n = names && names.length ? (names[cls] ?? String(cls)) : String(cls);
  return score === undefined ? n : `${n} ${formatPercent(score)}`;
}

function drawLabel(x: Ctx, text: string, px: number, py: number, color: Rgb, pt: number, align: 'left' | 'center'): void {
  drawText(x.c, text, px, py, { unit: unitForPoints(pt), color: textColor(color), background: BLACK, backgroundAlpha: 0.8, pad: Math.max(1, Math.round(0.7 * PT)), align });
}

function labelPlacement(x: Ctx, box: [number, number, number, number], pos: [number, number], align: 'left' | 'center'): { pos: [number, number]; pt: number; align: 'left' | 'center' } {
  const [x0, y0, x1, y1] = box;
  const H = x.c.height, W = x.c.width;
  // Small objects get the label beside them rather than over them.
  if ((y1 - y0) * (x1 - x0) < SMALL_OBJECT_AREA || y1 - y0 < 40) pos = y1 >= H - 5 ? [x1, y0] : [x0, y1];
  const ratio = (y1 - y0) / Math.sqrt(H * W);
  const pt = Math.min(2, Math.max(1.2, (ratio - 0.02) / 0.08 + 1)) * 0.5 * x.fontPt;
  return { pos, pt, align };
}

/** Median pixel (x, y) of a mask, as np.median(mask.nonzero(), axis=1)[::-1]. */
function medianPoint(mask: ArrayLike<number>, W: number, H: number): [number, number] | undefined {
  const xs: number[] = [], ys: number[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (mask[y * W + x]) { xs.push(x); ys.push(y); }
  if (!xs.length) return undefined;
  const med = (a: number[]) => { a.sort((p, q) => p - q); const m = a.length >> 1; return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2; };
  return [med(xs), med(ys)];
}

function maskBox(mask: ArrayLike<number>, W: number, H: number): [number, number, number, number] | undefined {
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (mask[y * W + x]) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}

function drawKeypoints(x: Ctx, kps: Float32Array, names: readonly string[] | undefined): void {
  const visible = new Map<string, [number, number]>();
  for (let k = 0; k < kps.length / 3; k++) {
    const px = kps[k * 3]!, py = kps[k * 3 + 1]!, p = kps[k * 3 + 2]!;
    if (!(p > KEYPOINT_THRESHOLD)) continue;
    fillCircle(x.c, px, py, 3, RED);
    if (names?.[k]) visible.set(names[k]!, [px, py]);
  }
  const lw = Math.max((x.fontPt / 3), 1) * PT;
  for (const [a, b, col] of SKELETON) {
    const p = visible.get(a), q = visible.get(b);
    if (p && q) drawLine(x.c, p[0], p[1], q[0], q[1], lw, [col[0] / 255, col[1] / 255, col[2] / 255]);
  }
  const ls = visible.get('left_shoulder'), rs = visible.get('right_shoulder');
  if (ls && rs) {
    const mid: [number, number] = [(ls[0] + rs[0]) / 2, (ls[1] + rs[1]) / 2];
    const nose = visible.get('nose');
    if (nose) drawLine(x.c, nose[0], nose[1], mid[0], mid[1], lw, RED);
    const lh = visible.get('left_hip'), rh = visible.get('right_hip');
    if (lh && rh) drawLine(x.c, (lh[0] + rh[0]) / 2, (lh[1] + rh[1]) / 2, mid[0], mid[1], lw, RED);
  }
}

/** Visualizer.draw_instance_predictions (ColorMode.IMAGE) onto `c`, in place. */
export function drawInstancePredictions(c: Canvas, inst: Instances, o: VisOptions = {}): Canvas {
  const x: Ctx = { c, fontPt: defaultFontPt(c) };
  const thr = o.scoreThreshold ?? 0;
  const idx = Array.from(inst.scores, (_, i) => i).filter((i) => inst.scores[i]! >= thr);
  const colors = contrastingColors(c, idx.map((i) => ({ box: inst.boxes.subarray(i * 4, i * 4 + 4), mask: inst.masks?.[i] })));
  const colorOf = new Map(idx.map((i, k) => [i, colors[k]!]));
  const area = (i: number) => (inst.boxes[i * 4 + 2]! - inst.boxes[i * 4]!) * (inst.boxes[i * 4 + 3]! - inst.boxes[i * 4 + 1]!);
  // Largest first, so small instances stay visible on top.
  const order = idx.slice().sort((a, b) => area(b) - area(a) || a - b);
  const boxLw = Math.max(x.fontPt / 4, 1) * PT;
  for (const i of order) {
    const color = colorOf.get(i)!;
    const b = Array.from(inst.boxes.subarray(i * 4, i * 4 + 4)) as [number, number, number, number];
    strokeRect(c, b[0], b[1], b[2], b[3], boxLw, color, 0.5);
    const m = inst.masks?.[i];
    if (m) { fillMask(c, m, color, 0.5); outlineMask(c, m, color, 1); }
    const pl = labelPlacement(x, b, [b[0], b[1]], 'left');
    drawLabel(x, label(inst.classes[i]!, inst.scores[i], o.thingClasses), pl.pos[0], pl.pos[1], changeBrightness(color, 0.7), pl.pt, pl.align);
  }
  if (inst.keypoints && inst.numKeypoints) {
    const K = inst.numKeypoints;
    const names = o.keypointNames ?? (K === 17 ? COCO_KEYPOINT_NAMES : undefined);
    for (const i of order) drawKeypoints(x, inst.keypoints.subarray(i * K * 3, (i + 1) * K * 3), names);
  }
  return c;
}

/** 8-connected components of a mask; returns each component's pixel indices. */
function components(mask: ArrayLike<number>, W: number, H: number): number[][] {
  const seen = new Uint8Array(W * H), out: number[][] = [];
  for (let s = 0; s < W * H; s++) {
    if (!mask[s] || seen[s]) continue;
    const comp: number[] = [s], stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const p = stack.pop()!, px = p % W, py = (p / W) | 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const qx = px + dx, qy = py + dy, q = qy * W + qx;
        if (qx < 0 || qy < 0 || qx >= W || qy >= H || seen[q] || !mask[q]) continue;
        seen[q] = 1; comp.push(q); stack.push(q);
      }
    }
    out.push(comp);
  }
  return out;
}

/** Visualizer.draw_panoptic_seg (alpha 0.7): stuff regions with names, then things with labels. */
export function drawPanopticSeg(c: Canvas, pan: PanopticResult, o: VisOptions = {}): Canvas {
  const x: Ctx = { c, fontPt: defaultFontPt(c) };
  const W = c.width, H = c.height;
  const maskOf = (id: number) => Uint8Array.from(pan.seg, (v) => (v === id ? 1 : 0));
  for (const s of pan.segmentsInfo.filter((s) => !s.isthing)) {
    const m = maskOf(s.id);
    const color = paletteColor(s.category_id + 37);
    fillMask(c, m, color, 0.7);
    outlineMask(c, m, OFF_WHITE, 1);
    const comps = components(m, W, H).sort((a, b) => b.length - a.length);
    comps.forEach((comp, k) => {
      if (k > 0 && comp.length <= LARGE_MASK_AREA) return;
      const cm = new Uint8Array(W * H);
      for (const p of comp) cm[p] = 1;
      const pt = medianPoint(cm, W, H)!;
      drawLabel(x, o.stuffClasses?.[s.category_id] ?? `stuff ${s.category_id}`, pt[0], pt[1], changeBrightness(color, 0.7), x.fontPt, 'center');
    });
  }
  const things = pan.segmentsInfo.filter((s) => s.isthing).map((s, k) => ({ s, m: maskOf(s.id), color: paletteColor(k) }));
  const area = (m: Uint8Array) => m.reduce((a, v) => a + v, 0);
  things.sort((a, b) => area(b.m) - area(a.m));
  for (const { s, m, color } of things) {
    fillMask(c, m, color, 0.7);
    outlineMask(c, m, color, 1);
    const box = maskBox(m, W, H), mid = medianPoint(m, W, H);
    if (!box || !mid) continue;
    const pl = labelPlacement(x, box, mid, 'center');
    drawLabel(x, label(s.category_id, s.score, o.thingClasses), pl.pos[0], pl.pos[1], changeBrightness(color, 0.7), pl.pt, pl.align);
  }
  return c;
}

/** The picture of one result over the original RGB image (panoptic colouring when present). */
export function visualize(rgb: Uint8Array, width: number, height: number, r: { instances: Instances; panopticSeg?: PanopticResult }, o: VisOptions = {}): Canvas {
  const c = canvasFromRgb(rgb, width, height);
  if (r.panopticSeg) return drawPanopticSeg(c, r.panopticSeg, o);
  return drawInstancePredictions(c, r.instances, o);
}
