// Image files for the CLI: JPEG/PNG in (decoded as detectron2's read_image does, EXIF applied),
// PNG out (RGBA pictures and 8/16-bit label maps). Errors name the file.

import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { InputError } from '../core/errors.js';
import { decodeImage, type DecodedImage } from '../detectron2/decode.js';
import type { Canvas } from '../detectron2/draw.js';

export const IMAGE_EXTENSIONS = /\.(jpe?g|png)$/i;

/** Reads and decodes an image file (JPEG or PNG, by content); RGB pixels, EXIF orientation applied. */
export function readImageFile(path: string): DecodedImage {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new InputError('is a directory, not an image', { file: path });
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`, { file: path });
  }
  return decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

function write(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

/** Writes an RGBA canvas as an RGB PNG. */
export function writeCanvasPng(path: string, c: Canvas): void {
  const rgb = new Uint8Array(c.width * c.height * 3);
  for (let i = 0; i < c.width * c.height; i++) {
    rgb[i * 3] = c.data[i * 4]!; rgb[i * 3 + 1] = c.data[i * 4 + 1]!; rgb[i * 3 + 2] = c.data[i * 4 + 2]!;
  }
  write(path, encodePng({ width: c.width, height: c.height, data: rgb, channels: 3, depth: 8 }));
}

/** Writes a label map (sem_seg classes, panoptic segment ids) as a greyscale PNG: 8-bit when every value fits, else 16-bit. */
export function writeLabelPng(path: string, labels: ArrayLike<number>, width: number, height: number): void {
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  if (max > 65535) throw new InputError(`label map has value ${max}, more than a 16-bit PNG holds`, { file: path });
  const data = max > 255 ? Uint16Array.from(labels) : Uint8Array.from(labels);
  write(path, encodePng({ width, height, data, channels: 1, depth: max > 255 ? 16 : 8 }));
}
