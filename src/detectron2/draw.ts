// Drawing primitives on RGBA pixel buffers (the browser's ImageData layout): alpha blending
// with exact area coverage for axis-aligned rectangles, supersampled coverage for circles and
// lines, mask fills and outlines, and bitmap-font text. Coordinates follow matplotlib's image
// extent: pixel (x, y) covers [x, x+1) x [y, y+1).

import { ADVANCE, GLYPH_H, GLYPH_W, glyphRows, textSize } from './font.js';

export interface Canvas {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  data: Uint8Array | Uint8ClampedArray;
}

/** An RGB colour with components in [0, 1] (matplotlib's convention). */
export type Rgb = readonly [number, number, number];

/** A canvas from RGB pixels (alpha 255); its data is a Uint8ClampedArray, ready for `new ImageData(data, w, h)`. */
export function canvasFromRgb(rgb: Uint8Array, width: number, height: number): Canvas {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    data[i * 4] = rgb[j]!; data[i * 4 + 1] = rgb[j + 1]!; data[i * 4 + 2] = rgb[j + 2]!; data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** Source-over blend of `color` with opacity `a` (0..1) into pixel (x, y); outside is ignored. */
export function blendPixel(c: Canvas, x: number, y: number, color: Rgb, a: number): void {
  if (x < 0 || y < 0 || x >= c.width || y >= c.height || !(a > 0)) return;
  const o = (y * c.width + x) * 4, k = Math.min(a, 1);
  for (let i = 0; i < 3; i++) c.data[o + i] = Math.round(c.data[o + i]! * (1 - k) + color[i]! * 255 * k);
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** Fills the rectangle [x0, x1) x [y0, y1) with exact per-pixel area coverage. */
export function fillRect(c: Canvas, x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha: number): void {
  const xs = Math.max(0, Math.floor(x0)), xe = Math.min(c.width, Math.ceil(x1));
  const ys = Math.max(0, Math.floor(y0)), ye = Math.min(c.height, Math.ceil(y1));
  for (let y = ys; y < ye; y++) {
    const cy = overlap(y, y + 1, y0, y1);
    for (let x = xs; x < xe; x++) blendPixel(c, x, y, color, alpha * cy * overlap(x, x + 1, x0, x1));
  }
}

/** Outline of a box, `width` pixels wide, centred on its edges (matplotlib Rectangle, no fill). */
export function strokeRect(c: Canvas, x0: number, y0: number, x1: number, y1: number, width: number, color: Rgb, alpha: number): void {
  const h = width / 2;
  const ox0 = x0 - h, oy0 = y0 - h, ox1 = x1 + h, oy1 = y1 + h;
  const ix0 = x0 + h, iy0 = y0 + h, ix1 = x1 - h, iy1 = y1 - h;
  const xs = Math.max(0, Math.floor(ox0)), xe = Math.min(c.width, Math.ceil(ox1));
  const ys = Math.max(0, Math.floor(oy0)), ye = Math.min(c.height, Math.ceil(oy1));
  for (let y = ys; y < ye; y++) {
    const oy = overlap(y, y + 1, oy0, oy1), iy = ix1 > ix0 && iy1 > iy0 ? overlap(y, y + 1, iy0, iy1) : 0;
    for (let x = xs; x < xe; x++) {
      const cov = oy * overlap(x, x + 1, ox0, ox1) - iy * overlap(x, x + 1, ix0, ix1);
      blendPixel(c, x, y, color, alpha * cov);
    }
  }
}

const SS = 4; // supersampling per axis for curved shapes

/** A filled circle (matplotlib Circle, data units = pixels). */
export function fillCircle(c: Canvas, cx: number, cy: number, r: number, color: Rgb, alpha = 1): void {
  const xs = Math.max(0, Math.floor(cx - r)), xe = Math.min(c.width, Math.ceil(cx + r));
  const ys = Math.max(0, Math.floor(cy - r)), ye = Math.min(c.height, Math.ceil(cy + r));
  for (let y = ys; y < ye; y++) {
    for (let x = xs; x < xe; x++) {
      let n = 0;
      for (let j = 0; j < SS; j++) for (let i = 0; i < SS; i++) {
        const dx = x + (i + 0.5) / SS - cx, dy = y + (j + 0.5) / SS - cy;
        if (dx * dx + dy * dy <= r * r) n++;
      }
      blendPixel(c, x, y, color, (alpha * n) / (SS * SS));
    }
  }
}

/** A straight line of `width` pixels with round ends. */
export function drawLine(c: Canvas, x0: number, y0: number, x1: number, y1: number, width: number, color: Rgb, alpha = 1): void {
  const h = width / 2;
  const xs = Math.max(0, Math.floor(Math.min(x0, x1) - h)), xe = Math.min(c.width, Math.ceil(Math.max(x0, x1) + h));
  const ys = Math.max(0, Math.floor(Math.min(y0, y1) - h)), ye = Math.min(c.height, Math.ceil(Math.max(y0, y1) + h));
  const dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  for (let y = ys; y < ye; y++) {
    for (let x = xs; x < xe; x++) {
      let n = 0;
      for (let j = 0; j < SS; j++) for (let i = 0; i < SS; i++) {
        const px = x + (i + 0.5) / SS, py = y + (j + 0.5) / SS;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - x0) * dx + (py - y0) * dy) / len2)) : 0;
        const ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
        if (ex * ex + ey * ey <= h * h) n++;
      }
      blendPixel(c, x, y, color, (alpha * n) / (SS * SS));
    }
  }
}

/** Blends `color` over every mask pixel (row-major, canvas-sized, nonzero = inside). */
export function fillMask(c: Canvas, mask: ArrayLike<number>, color: Rgb, alpha: number): void {
  for (let i = 0, n = c.width * c.height; i < n; i++) if (mask[i]) blendPixel(c, i % c.width, (i / c.width) | 0, color, alpha);
}

/** Paints the mask's boundary pixels (inside pixels with a 4-neighbour outside or on the border). */
export function outlineMask(c: Canvas, mask: ArrayLike<number>, color: Rgb, alpha = 1): void {
  const W = c.width, H = c.height;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask[i]) continue;
      const edge = x === 0 || y === 0 || x === W - 1 || y === H - 1 || !mask[i - 1] || !mask[i + 1] || !mask[i - W] || !mask[i + W];
      if (edge) blendPixel(c, x, y, color, alpha);
    }
  }
}

export interface TextStyle {
  /** Pixels per font pixel (fractional sizes are anti-aliased). */
  unit: number;
  color: Rgb;
  /** Label background (detectron2: black at 0.8), padding in pixels around the text. */
  background?: Rgb;
  backgroundAlpha?: number;
  pad?: number;
  align?: 'left' | 'center';
}

/** Draws `text` with its top-left (or top-centre) at (x, y); returns the background box. */
export function drawText(c: Canvas, text: string, x: number, y: number, s: TextStyle): [number, number, number, number] {
  const { width, height } = textSize(text, s.unit);
  const left = s.align === 'center' ? x - width / 2 : x, top = y;
  const pad = s.pad ?? 1;
  const box: [number, number, number, number] = [left - pad, top - pad, left + width + pad, top + height + pad];
  if (s.background) fillRect(c, box[0], box[1], box[2], box[3], s.background, s.backgroundAlpha ?? 1);
  const u = s.unit;
  for (let k = 0; k < text.length; k++) {
    const rows = glyphRows(text[k]!);
    const gx = left + k * ADVANCE * u;
    for (let r = 0; r < GLYPH_H; r++) {
      const bits = rows[r]!;
      if (!bits) continue;
      for (let col = 0; col < GLYPH_W; col++) {
        // Font pixels are u x u squares; fractional units are anti-aliased by area coverage.
        if ((bits >> (GLYPH_W - 1 - col)) & 1) fillRect(c, gx + col * u, top + r * u, gx + (col + 1) * u, top + (r + 1) * u, s.color, 1);
      }
    }
  }
  return box;
}
