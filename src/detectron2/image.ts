// Decoded pixel images as the wrapper sees them: interleaved 8-bit RGB or RGBA rows (the
// browser's ImageData is RGBA), plus the EXIF orientation transforms detectron2's read_image
// applies before anything else.

import { InputError } from '../core/errors.js';

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved rows, `channels` bytes per pixel, R G B (A) order. */
  data: Uint8Array | Uint8ClampedArray;
  /** 3 (RGB) or 4 (RGBA; alpha is dropped, as PIL's convert('RGB') does). Default 4 when data holds 4 bytes a pixel. */
  channels?: 3 | 4;
}

/** Channels of an image, checked against its buffer; throws InputError naming `file`. */
export function imageChannels(img: RgbImage, file?: string): 3 | 4 {
  const where = file ? { file } : {};
  if (!Number.isSafeInteger(img.width) || !Number.isSafeInteger(img.height) || img.width <= 0 || img.height <= 0) {
    throw new InputError(`image has no pixels (width ${img.width}, height ${img.height})`, where);
  }
  const px = img.width * img.height;
  const c = img.channels ?? (img.data.length === px * 3 ? 3 : 4);
  if (c !== 3 && c !== 4) throw new InputError(`image must have 3 (RGB) or 4 (RGBA) channels, got ${String(c)}`, where);
  if (img.data.length < px * c) {
    throw new InputError(`image buffer holds ${img.data.length} bytes, ${img.width}x${img.height}x${c} needs ${px * c}`, where);
  }
  return c;
}

/** The image as tightly packed RGB bytes (alpha dropped without compositing, like PIL's convert('RGB')). */
export function toRgb(img: RgbImage, file?: string): Uint8Array {
  const c = imageChannels(img, file);
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  if (c === 3) { out.set(img.data.subarray(0, n * 3)); return out; }
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i * 3] = img.data[j]!; out[i * 3 + 1] = img.data[j + 1]!; out[i * 3 + 2] = img.data[j + 2]!;
  }
  return out;
}

/**
 * Applies an EXIF orientation (1..8) to an RGB image, as detectron2's `_apply_exif_orientation`
 * does with PIL's transpose methods: 2 mirror, 3 rotate 180, 4 flip, 5 transpose,
 * 6 rotate 270 (i.e. 90 clockwise), 7 transverse, 8 rotate 90 (counter-clockwise).
 * Other values leave the image as is.
 */
export function applyExifOrientation(rgb: Uint8Array, width: number, height: number, orientation: number): { data: Uint8Array; width: number; height: number } {
  if (!(orientation >= 2 && orientation <= 8)) return { data: rgb, width, height };
  const swap = orientation >= 5;
  const ow = swap ? height : width, oh = swap ? width : height;
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // Source pixel (sx, sy) of output pixel (x, y).
      let sx: number, sy: number;
      switch (orientation) {
        case 2: sx = width - 1 - x; sy = y; break;
        case 3: sx = width - 1 - x; sy = height - 1 - y; break;
        case 4: sx = x; sy = height - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = height - 1 - x; break;
        case 7: sx = width - 1 - y; sy = height - 1 - x; break;
        default: sx = width - 1 - y; sy = x; break; // 8
      }
      const s = (sy * width + sx) * 3, d = (y * ow + x) * 3;
      out[d] = rgb[s]!; out[d + 1] = rgb[s + 1]!; out[d + 2] = rgb[s + 2]!;
    }
  }
  return { data: out, width: ow, height: oh };
}

/** Reads the Orientation tag (0x0112) from a TIFF-structured EXIF block; 1 when absent or malformed. */
export function exifOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const le = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!le && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 1;
  const u16 = (o: number) => (le ? tiff[o]! | (tiff[o + 1]! << 8) : (tiff[o]! << 8) | tiff[o + 1]!);
  const u32 = (o: number) => (le ? (u16(o) | (u16(o + 2) << 16)) >>> 0 : ((u16(o) << 16) | u16(o + 2)) >>> 0);
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return 1;
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > tiff.length) return 1;
    if (u16(e) === 0x0112) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}
