// Image bytes -> RGB pixels the way detectron2's read_image gets them from Pillow: sniff the
// format, decode (JPEG with our libjpeg-turbo-exact decoder, PNG with fast-png), convert to RGB
// as Image.convert('RGB') does, then apply the EXIF orientation. Browser-safe.

import { decode as decodePng } from 'fast-png';
import { InputError, NotSupportedError } from '../core/errors.js';
import { applyExifOrientation, exifOrientation } from './image.js';
import { decodeJpeg } from './jpeg.js';

export interface DecodedImage {
  width: number;
  height: number;
  /** Interleaved RGB. */
  data: Uint8Array;
  format: 'jpeg' | 'png';
  /** The EXIF orientation that was applied (1 = none). */
  orientation: number;
}

export function sniffFormat(b: Uint8Array): 'jpeg' | 'png' | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  return undefined;
}

/** Decodes JPEG or PNG bytes to RGB with EXIF orientation applied; errors name `file`. */
export function decodeImage(bytes: Uint8Array, file = 'image'): DecodedImage {
  const format = sniffFormat(bytes);
  if (!format) {
    const what = bytes.length === 0 ? 'the file is empty' : `it starts with bytes ${Array.from(bytes.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ')}`;
    throw new InputError(`not a JPEG or PNG image (${what})`, { file });
  }
  if (format === 'jpeg') {
    const j = decodeJpeg(bytes, file);
    const o = applyExifOrientation(j.data, j.width, j.height, j.orientation);
    return { ...o, format, orientation: j.orientation };
  }
  const p = pngToRgb(bytes, file);
  const o = applyExifOrientation(p.data, p.width, p.height, p.orientation);
  return { ...o, format, orientation: p.orientation };
}

interface PngChunks { ihdr: boolean; iend: boolean; exif: Uint8Array | undefined; width: number; height: number }

/** Walks the chunk list: truncation shows as a chunk running past the end or a missing IEND. */
function scanPng(b: Uint8Array): PngChunks {
  const r: PngChunks = { ihdr: false, iend: false, exif: undefined, width: 0, height: 0 };
  let p = 8;
  while (p + 8 <= b.length) {
    const len = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    const type = String.fromCharCode(b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
    if (p + 12 + len > b.length) return r;
    if (type === 'IHDR' && len >= 8) {
      r.ihdr = true;
      r.width = ((b[p + 8]! << 24) | (b[p + 9]! << 16) | (b[p + 10]! << 8) | b[p + 11]!) >>> 0;
      r.height = ((b[p + 12]! << 24) | (b[p + 13]! << 16) | (b[p + 14]! << 8) | b[p + 15]!) >>> 0;
    }
    if (type === 'eXIf' && !r.exif) r.exif = b.subarray(p + 8, p + 8 + len);
    if (type === 'IEND') { r.iend = true; return r; }
    p += 12 + len;
  }
  return r;
}

function pngToRgb(bytes: Uint8Array, file: string): { width: number; height: number; data: Uint8Array; orientation: number } {
  const chunks = scanPng(bytes);
  if (!chunks.ihdr) throw new InputError('bad PNG: no IHDR chunk (truncated or corrupt)', { file });
  if (!chunks.width || !chunks.height) throw new InputError(`image has no pixels (width ${chunks.width}, height ${chunks.height})`, { file });
  if (!chunks.iend) throw new InputError('bad PNG: the data ends before the IEND chunk (image file is truncated)', { file });
  let png;
  try {
    png = decodePng(bytes);
  } catch (e) {
    throw new InputError(`bad PNG: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const { width, height, depth } = png;
  if (!width || !height) throw new InputError(`image has no pixels (width ${width}, height ${height})`, { file });
  const channels = png.channels;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const src = png.data;
  const orientation = chunks.exif ? exifOrientation(chunks.exif) : 1;
  if (depth < 8) {
    // Packed rows of 1/2/4-bit samples: grey (mode "1", "L;2", "L;4") or palette indices.
    const stride = Math.ceil((width * depth) / 8), max = (1 << depth) - 1;
    const pal = png.palette;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = x * depth, byte = src[y * stride + (bit >> 3)]!;
        const v = (byte >> (8 - depth - (bit & 7))) & max;
        const o = (y * width + x) * 3;
        if (pal) { const c = pal[v] ?? [0, 0, 0]; out[o] = c[0]!; out[o + 1] = c[1]!; out[o + 2] = c[2]!; }
        else out[o] = out[o + 1] = out[o + 2] = Math.round((v * 255) / max);
      }
    }
    return { width, height, data: out, orientation };
  }
  if (png.palette) {
    const pal = png.palette;
    for (let i = 0; i < n; i++) { const c = pal[src[i]!] ?? [0, 0, 0]; out[i * 3] = c[0]!; out[i * 3 + 1] = c[1]!; out[i * 3 + 2] = c[2]!; }
    return { width, height, data: out, orientation };
  }
  // 16-bit samples: Pillow keeps the high byte for colour and grey+alpha ("RGB;16B", "LA;16B"),
  // but opens 16-bit grey as "I;16", whose conversion to RGB clips at 255.
  const grey16 = depth === 16 && channels === 1;
  const s8 = (v: number) => (depth === 16 ? (grey16 ? Math.min(v, 255) : v >> 8) : v);
  if (channels === 1 || channels === 2) {
    for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = s8(src[i * channels]!);
  } else if (channels === 3 || channels === 4) {
    for (let i = 0; i < n; i++) {
      out[i * 3] = s8(src[i * channels]!); out[i * 3 + 1] = s8(src[i * channels + 1]!); out[i * 3 + 2] = s8(src[i * channels + 2]!);
    }
  } else throw new NotSupportedError(`PNG with ${channels} channels is not supported`, { file });
  return { width, height, data: out, orientation };
}
