// RoIAlign of one NCHW image split by channel ranges over two threads gives exactly the
// single-thread kernel's output, upright and rotated, with and without batch indices; a rejected
// RoI is reported by its row as the single-thread kernel reports it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { RoIAlignScratch, roiAlign, roiAlignRotated, type RoIAlignParams } from '../../kernels/roi_align.js';
import { roiAlignExec } from '../../kernels/roi_align_parallel.js';
import { seed, seededFloats } from '../helpers/arb.js';
import { freeHeap, fromHeap, kernelVariants, toHeap } from '../helpers/variants.js';

const cases = fc.record({
  N: fc.constant(1), C: fc.integer({ min: 1, max: 40 }), H: fc.integer({ min: 1, max: 13 }), W: fc.integer({ min: 1, max: 13 }),
  R: fc.integer({ min: 1, max: 40 }), batch: fc.boolean(), rotated: fc.boolean(), aligned: fc.boolean(), nhwc: fc.constant(false),
  ph: fc.integer({ min: 1, max: 4 }), pw: fc.integer({ min: 1, max: 4 }), sr: fc.integer({ min: -1, max: 3 }), scale: fc.constantFrom(1, 0.5, 0.25), seed,
});

for (const v of kernelVariants().filter((x) => x.exec && x.exec.threads > 1)) {
  test(`property [${v.name}]: RoIAlign split by channel ranges == one thread, bit for bit`, () => {
    fc.assert(fc.property(cases, (q) => {
      const cols = (q.rotated ? 5 : 4) + (q.batch ? 1 : 0);
      const x = seededFloats(q.N * q.C * q.H * q.W, q.seed, -1, 1);
      const raw = seededFloats(q.R * cols, q.seed + 1, -2, 2 * Math.max(q.H, q.W) / q.scale);
      const rois = raw.map((val, i) => {
        const c = i % cols - (q.batch ? 1 : 0);
        if (c < 0) return Math.abs(Math.trunc(val)) % q.N;
        if (q.rotated && c === 4) return val * 10; // angle in degrees
        return val;
      });
      const p: RoIAlignParams = { spatialScale: q.scale, pooledH: q.ph, pooledW: q.pw, samplingRatio: q.sr, aligned: q.aligned, nhwc: q.nhwc };
      const ny = q.R * q.C * q.ph * q.pw;
      const want = new Float32Array(ny).fill(NaN);
      const badWant = (q.rotated ? roiAlignRotated : roiAlign)(want, x, q.C, q.H, q.W, rois, q.R, cols, p, new RoIAlignScratch());
      const hx = toHeap(x), hr = toHeap(rois), hy = toHeap(new Float32Array(ny).fill(NaN));
      const bad = roiAlignExec(v.exec!, hy, hx, q.C, q.H, q.W, hr, q.R, cols, p, q.rotated);
      const got = fromHeap(hy, ny);
      freeHeap([hx, x.length], [hr, rois.length], [hy, ny]);
      assert.is(bad, badWant, 'rejected RoI');
      if (badWant < 0) assert.equal(got, want, JSON.stringify(q));
    }), { numRuns: 150 });
  });
}

test.run();
