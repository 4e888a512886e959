// detectron2's test-time input pipeline for a Caffe2 model: channel order (INPUT.FORMAT),
// ResizeShortestEdge with Pillow's bilinear resampling on uint8, then
// convert_batched_inputs_to_c2_format: CHW float32, padded bottom/right to the batch's largest
// size rounded up to size_divisibility, and im_info rows [h, w, orig_h / h].

import { InputError } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { toRgb, type RgbImage } from './image.js';
import type { InputFormat } from './meta.js';
import { resizeBilinearU8 } from './resize.js';

/** One image after resizing, in the model's channel order (H x W x 3 uint8). */
export interface PreparedImage {
  origHeight: number;
  origWidth: number;
  height: number;
  width: number;
  pixels: Uint8Array;
}

/**
 * ResizeShortestEdge.get_output_shape: scale the short side to `shortEdge`, cap the long side at
 * `maxSize`, then round each side with Python's int(x + 0.5).
 */
export function resizedSize(h: number, w: number, shortEdge: number, maxSize: number): [number, number] {
  if (shortEdge <= 0) return [h, w];
  const scale = shortEdge / Math.min(h, w);
  let nh: number, nw: number;
  if (h < w) { nh = shortEdge; nw = scale * w; } else { nh = scale * h; nw = shortEdge; }
  if (Math.max(nh, nw) > maxSize) {
    const s = maxSize / Math.max(nh, nw);
    nh *= s; nw *= s;
  }
  return [Math.trunc(nh + 0.5), Math.trunc(nw + 0.5)];
}

/** RGB(A) image -> resized H x W x 3 uint8 in `format` channel order. */
export function prepareImage(img: RgbImage, opts: { minSize: number; maxSize: number; inputFormat: InputFormat }, file?: string): PreparedImage {
  const rgb = toRgb(img, file);
  const h = img.height, w = img.width;
  const [nh, nw] = resizedSize(h, w, opts.minSize, opts.maxSize);
  if (nh <= 0 || nw <= 0) {
    throw new InputError(`image of ${w}x${h} resizes to ${nw}x${nh} (min size ${opts.minSize}, max size ${opts.maxSize}): nothing left to run on`, file ? { file } : {});
  }
  // Channel order does not change a per-channel resampler, so swap first (as read_image does).
  if (opts.inputFormat === 'BGR') {
    for (let i = 0; i < rgb.length; i += 3) { const t = rgb[i]!; rgb[i] = rgb[i + 2]!; rgb[i + 2] = t; }
  }
  const pixels = nh === h && nw === w ? rgb : resizeBilinearU8(rgb, h, w, 3, nh, nw);
  return { origHeight: h, origWidth: w, height: nh, width: nw, pixels };
}

export interface BatchOptions {
  sizeDivisibility: number;
  /**
   * Value per channel (model order) for the padded area. detectron2 pads the raw image with 0,
   * so padding becomes -mean/std after the graph's normalisation; passing the pixel mean makes
   * it 0 after normalisation, which is what the PyTorch model sees.
   */
  padValue?: ArrayLike<number>;
}

/** The padded batch size: the largest image rounded up to a multiple of size_divisibility. */
export function paddedSize(images: readonly { height: number; width: number }[], sizeDivisibility: number): [number, number] {
  let H = 0, W = 0;
  for (const im of images) { H = Math.max(H, im.height); W = Math.max(W, im.width); }
  if (sizeDivisibility > 1) {
    H = Math.ceil(H / sizeDivisibility) * sizeDivisibility;
    W = Math.ceil(W / sizeDivisibility) * sizeDivisibility;
  }
  return [H, W];
}

/** Builds `data` [N, 3, H, W] float32 and `im_info` [N, 3] float32 from prepared images. */
export function batchInputs(images: readonly PreparedImage[], opts: BatchOptions): { data: Tensor<'float32'>; imInfo: Tensor<'float32'> } {
  if (!images.length) throw new InputError('no images to batch');
  const [H, W] = paddedSize(images, opts.sizeDivisibility);
  const N = images.length;
  const data = new Tensor('float32', [N, 3, H, W]);
  const imInfo = new Tensor('float32', [N, 3]);
  const d = data.data, plane = H * W;
  for (let n = 0; n < N; n++) {
    const im = images[n]!;
    for (let c = 0; c < 3; c++) {
      const pad = opts.padValue ? Math.fround(opts.padValue[c] ?? 0) : 0;
      const base = (n * 3 + c) * plane;
      if (pad !== 0) d.fill(pad, base, base + plane);
      for (let y = 0; y < im.height; y++) {
        const row = base + y * W, src = y * im.width * 3 + c;
        for (let x = 0; x < im.width; x++) d[row + x] = im.pixels[src + x * 3]!;
      }
    }
    imInfo.data[n * 3] = im.height;
    imInfo.data[n * 3 + 1] = im.width;
    imInfo.data[n * 3 + 2] = im.origHeight / im.height;
  }
  return { data, imInfo };
}
