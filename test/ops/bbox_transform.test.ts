// BBoxTransform through the runner vs the reference box kernels applied image by image and
// class by class (strides, offsets, scaling and the per-image clip bound), on random inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as ref from '../../kernels/reference/boxes.js';
import { BBOX_XFORM_CLIP } from '../../kernels/boxes.js';
import { runOp } from '../helpers/net.js';
import { seed, seededFloats } from '../helpers/arb.js';
import { F } from './detection_helpers.js';

const f = Math.fround;

test('property: BBoxTransform == per-image, per-class reference decode + clip + rescale', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
    seed, fc.boolean(), fc.boolean(), fc.boolean(), (K, counts, s, legacy, applyScale, rotated) => {
      const B = rotated ? 5 : 4, batch = counts.length, M = counts.reduce((a, b) => a + b, 0);
      const r = seededFloats(M * 6 + batch * 3, s, 0, 1);
      const rois = new Float32Array(M * (B + 1)), imInfo = new Float32Array(batch * 3);
      for (let b = 0; b < batch; b++) imInfo.set([200 + r[M * 6 + 3 * b]! * 300, 200 + r[M * 6 + 3 * b + 1]! * 300, 0.5 + r[M * 6 + 3 * b + 2]! * 2], 3 * b);
      let row = 0;
      counts.forEach((n, b) => {
        for (let i = 0; i < n; i++, row++) {
          const x = r[6 * row]! * 500, y = r[6 * row + 1]! * 500, w = r[6 * row + 2]! * 200, h = r[6 * row + 3]! * 200;
          rois.set(rotated ? [b, x, y, w, h, r[6 * row + 4]! < 0.5 ? 0.5 : 40] : [b, x, y, x + w, y + h], row * (B + 1));
        }
      });
      const deltas = seededFloats(M * K * B, s + 1, -1, 1);
      const args = { weights: [10.5, 10.5, 5.5, 5.5], legacy_plus_one: legacy ? 1 : 0, apply_scale: applyScale ? 1 : 0, rotated: rotated ? 1 : 0,
        angle_bound_lo: -180, angle_bound_hi: 180 };
      const [got, splits] = runOp('BBoxTransform', args, [F([M, B + 1], rois), F([M, K * B], deltas), F([batch, 3], imInfo)], 2);
      const want = new Float32Array(M * K * B);
      const coder = { weights: args.weights.map(f), clip: BBOX_XFORM_CLIP, legacyPlusOne: legacy, angleBoundOn: true, angleBoundLo: -180, angleBoundHi: 180 };
      let off = 0;
      counts.forEach((n, b) => {
        const sc = imInfo[3 * b + 2]!, hImg = Math.trunc(f(imInfo[3 * b]! / sc) + 0.5), wImg = Math.trunc(f(imInfo[3 * b + 1]! / sc) + 0.5);
        const boxes = new Float32Array(n * B);
        for (let i = 0; i < n; i++) for (let j = 0; j < B; j++) boxes[i * B + j] = j < 4 ? f(rois[(off + i) * (B + 1) + 1 + j]! / sc) : rois[(off + i) * (B + 1) + 1 + j]!;
        for (let k = 0; k < K; k++) {
          const d = new Float32Array(n * B), o = new Float32Array(n * B);
          for (let i = 0; i < n; i++) for (let j = 0; j < B; j++) d[i * B + j] = deltas[(off + i) * K * B + k * B + j]!;
          if (rotated) { ref.decodeRotated(o, 5, boxes, 5, d, 5, n, coder); ref.clipRotated(o, 5, n, hImg, wImg, 1, legacy); }
          else { ref.decodeUpright(o, 4, boxes, 4, d, 4, n, coder); ref.clipUpright(o, 4, n, hImg, wImg, legacy); }
          for (let i = 0; i < n; i++) for (let j = 0; j < B; j++) want[(off + i) * K * B + k * B + j] = j < 4 ? f(o[i * B + j]! * (applyScale ? sc : 1)) : o[i * B + j]!;
        }
        off += n;
      });
      assert.equal(Array.from(got!.data as Float32Array), Array.from(want));
      assert.equal(Array.from(splits!.data as Float32Array), counts);
    }), { numRuns: 150 });
});

test.run();
