// Benchmark shapes from the real models. The conv and FC shapes of detectron2's R50-FPN Mask R-CNN
// (COCO, ../shared/golden/big) at test size 800x1333, padded to 800x1344 (size_divisibility 32):
// ResNet-50 with stride in the 1x1 convs (STRIDE_IN_1X1), FPN, RPN head on P2..P6, box head on
// 1000 proposals, mask head on 100 detections. Every weight shape here is checked against
// big/weights_manifest.json by checkAgainstManifest().

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ConvShape {
  name: string;
  /** How many convs of the model have exactly this shape. */
  count: number;
  N: number; C: number; H: number; W: number;
  M: number; k: number; s: number; p: number;
  /** ConvTranspose (X has C channels, Y has M). */
  transpose?: boolean;
}

export interface GemmShape { name: string; count: number; M: number; K: number; N: number }

const HP = 800, WP = 1344;

function c(name: string, count: number, C: number, M: number, k: number, s: number, H: number, W: number, N = 1): ConvShape {
  return { name, count, N, C, H, W, M, k, s, p: (k - 1) >> 1 };
}

/** Output spatial size of a conv shape. */
export function convOut(s: ConvShape): [number, number] {
  if (s.transpose) return [(s.H - 1) * s.s + s.k - 2 * s.p, (s.W - 1) * s.s + s.k - 2 * s.p];
  return [Math.floor((s.H + 2 * s.p - s.k) / s.s) + 1, Math.floor((s.W + 2 * s.p - s.k) / s.s) + 1];
}

/** Multiply-adds x 2 of one conv. */
export function convFlops(s: ConvShape): number {
  const [oh, ow] = convOut(s);
  return s.transpose ? 2 * s.N * s.C * s.H * s.W * s.M * s.k * s.k : 2 * s.N * s.M * oh * ow * s.C * s.k * s.k;
}

const r2 = [HP / 4, WP / 4] as const, r3 = [HP / 8, WP / 8] as const, r4 = [HP / 16, WP / 16] as const, r5 = [HP / 32, WP / 32] as const;
const p6 = [Math.ceil(r5[0] / 2), Math.ceil(r5[1] / 2)] as const;

/** The R50-FPN Mask R-CNN convolutions at 800x1344, one entry per distinct shape. */
export const MASK_RCNN_CONVS: readonly ConvShape[] = [
  c('stem conv1 7x7/2', 1, 3, 64, 7, 2, HP, WP),
  c('res2 1x1 64->64', 1, 64, 64, 1, 1, ...r2),
  c('res2 3x3 64', 3, 64, 64, 3, 1, ...r2),
  c('res2 1x1 64->256 (+shortcut)', 4, 64, 256, 1, 1, ...r2),
  c('res2 1x1 256->64', 2, 256, 64, 1, 1, ...r2),
  c('res3 1x1/2 256->128', 1, 256, 128, 1, 2, ...r2),
  c('res3 shortcut 1x1/2 256->512', 1, 256, 512, 1, 2, ...r2),
  c('res3 3x3 128', 4, 128, 128, 3, 1, ...r3),
  c('res3 1x1 128->512', 4, 128, 512, 1, 1, ...r3),
  c('res3 1x1 512->128', 3, 512, 128, 1, 1, ...r3),
  c('res4 1x1/2 512->256', 1, 512, 256, 1, 2, ...r3),
  c('res4 shortcut 1x1/2 512->1024', 1, 512, 1024, 1, 2, ...r3),
  c('res4 3x3 256', 6, 256, 256, 3, 1, ...r4),
  c('res4 1x1 256->1024', 6, 256, 1024, 1, 1, ...r4),
  c('res4 1x1 1024->256', 5, 1024, 256, 1, 1, ...r4),
  c('res5 1x1/2 1024->512', 1, 1024, 512, 1, 2, ...r4),
  c('res5 shortcut 1x1/2 1024->2048', 1, 1024, 2048, 1, 2, ...r4),
  c('res5 3x3 512', 3, 512, 512, 3, 1, ...r5),
  c('res5 1x1 512->2048', 3, 512, 2048, 1, 1, ...r5),
  c('res5 1x1 2048->512', 2, 2048, 512, 1, 1, ...r5),
  c('fpn lateral P2 1x1 256', 1, 256, 256, 1, 1, ...r2),
  c('fpn lateral P3 1x1 512->256', 1, 512, 256, 1, 1, ...r3),
  c('fpn lateral P4 1x1 1024->256', 1, 1024, 256, 1, 1, ...r4),
  c('fpn lateral P5 1x1 2048->256', 1, 2048, 256, 1, 1, ...r5),
  c('fpn output + rpn conv 3x3 256 @P2', 2, 256, 256, 3, 1, ...r2),
  c('fpn output + rpn conv 3x3 256 @P3', 2, 256, 256, 3, 1, ...r3),
  c('fpn output + rpn conv 3x3 256 @P4', 2, 256, 256, 3, 1, ...r4),
  c('fpn output + rpn conv 3x3 256 @P5', 2, 256, 256, 3, 1, ...r5),
  c('rpn conv 3x3 256 @P6', 1, 256, 256, 3, 1, ...p6),
  c('rpn objectness 1x1 256->3 @P2', 1, 256, 3, 1, 1, ...r2),
  c('rpn deltas 1x1 256->12 @P2', 1, 256, 12, 1, 1, ...r2),
  c('mask head 3x3 256 (100 RoIs, 14x14)', 4, 256, 256, 3, 1, 14, 14, 100),
  { name: 'mask deconv 2x2/2 256 (100 RoIs)', count: 1, N: 100, C: 256, H: 14, W: 14, M: 256, k: 2, s: 2, p: 0, transpose: true },
  c('mask predictor 1x1 256->80 (100 RoIs, 28x28)', 1, 256, 80, 1, 1, 28, 28, 100),
];

/** The box head's FC layers on 1000 proposals (Y[M, N] = X[M, K]·Wᵀ), and the classic square GEMM. */
export const GEMMS: readonly GemmShape[] = [
  { name: 'square 512^3', count: 1, M: 512, K: 512, N: 512 },
  { name: 'box head fc1 12544->1024 (1000 RoIs)', count: 1, M: 1000, K: 12544, N: 1024 },
  { name: 'box head fc2 1024->1024', count: 1, M: 1000, K: 1024, N: 1024 },
  { name: 'box predictor cls+bbox 1024->81+320', count: 1, M: 1000, K: 1024, N: 401 },
];

/** Throws when a shape's weight is not a weight of the big model (when ../shared is present). */
export function checkAgainstManifest(root = process.cwd()): string {
  const f = [join(root, '../shared/golden/big/weights_manifest.json'), '/work/shared/golden/big/weights_manifest.json'].find(existsSync);
  if (!f) return 'weights_manifest.json not found: shapes not cross-checked';
  const dims = new Set((JSON.parse(readFileSync(f, 'utf8')) as { tensors: { dims: number[] }[] }).tensors.map((t) => t.dims.join('x')));
  for (const s of MASK_RCNN_CONVS) {
    const w = s.transpose ? [s.C, s.M, s.k, s.k] : [s.M, s.C, s.k, s.k];
    if (!dims.has(w.join('x'))) throw new Error(`bench shape '${s.name}': weight ${w.join('x')} is not in ${f}`);
  }
  for (const g of GEMMS.slice(1, 3)) {
    if (!dims.has(`${g.N}x${g.K}`)) throw new Error(`bench shape '${g.name}': weight ${g.N}x${g.K} is not in ${f}`);
  }
  return `all ${MASK_RCNN_CONVS.length} conv and 2 FC weight shapes found in ${f}`;
}
