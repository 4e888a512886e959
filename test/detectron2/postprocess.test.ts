// Post-processing without the interpreter: the golden raw graph outputs of every golden model and
// of the demo, through our detectron2 post-processing, against detectron2's own results
// (*_c2post.json and the panoptic/sem_seg PNGs). The same inputs should give the same numbers,
// so beyond the golden README's tolerances this checks detectron2's order, exact masks and
// near-exact boxes; plus hand-computed cases for the pieces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { Tensor } from '../../src/core/tensor.js';
import { resolveSettings } from '../../src/detectron2/meta.js';
import { postprocess } from '../../src/detectron2/postprocess/index.js';
import { batchedNms, detectorPostprocess, nms } from '../../src/detectron2/postprocess/boxes.js';
import { pasteMasks } from '../../src/detectron2/postprocess/masks.js';
import { bicubicResize, heatmapsToKeypoints } from '../../src/detectron2/postprocess/keypoints.js';
import { cellAnchors, gridAnchors } from '../../src/detectron2/postprocess/retinanet.js';
import { combinePanoptic } from '../../src/detectron2/postprocess/panoptic.js';
import { resultToJson } from '../../src/detectron2/results.js';
import { decodeMask, encodeMask, rleEncode } from '../../src/eval/rle.js';
import { DEMO, GOLDEN, goldenCases, loadOutputs, matchInstances, npy, optionsFromConfig } from './golden.js';

for (const c of goldenCases()) {
  const settings = resolveSettings({}, optionsFromConfig(join(c.dir, 'config.yaml')));
  for (const img of c.images) {
    test(`golden ${c.name}/${img}: graph outputs -> detectron2 results`, () => {
      const exp = JSON.parse(readFileSync(join(c.dir, `${img}_c2post.json`), 'utf8'));
      const div = c.name === 'faster_rcnn_c4' ? 0 : 32;
      const imInfo = npy(join(GOLDEN!, 'inputs', `${img}__div${div}_im_info.npy`)).data as Float32Array;
      const [H, W] = exp.instances.image_size as [number, number];
      const [r] = postprocess(loadOutputs(join(c.dir, 'graph_outputs', img)), [{ origHeight: H, origWidth: W, height: Math.trunc(imInfo[0]!), width: Math.trunc(imInfo[1]!) }], settings);
      const j = resultToJson(r!);
      const s = matchInstances(j.instances, exp.instances);
      assert.equal(s.problems, [], `${c.name}/${img}`);
      // Same inputs, same arithmetic: detectron2's order, exact masks, boxes and scores to float32 ulps.
      assert.ok(s.sameOrder, 'instance order differs from detectron2');
      assert.ok(s.maxBoxDiff <= 1e-4, `box diff ${s.maxBoxDiff}`);
      assert.ok(s.maxScoreDiff <= 1e-6, `score diff ${s.maxScoreDiff}`);
      if (exp.instances.masks_rle) assert.equal(j.instances.pred_masks!.map((m) => m.counts), exp.instances.masks_rle.map((m: { counts: string }) => m.counts));
      if (exp.instances.keypoints_xyscore) {
        assert.ok(s.maxKeypointDist <= 1e-3, `keypoint xy diff ${s.maxKeypointDist}`);
        let worst = 0;
        exp.instances.keypoints_xyscore.forEach((kps: number[][], i: number) => kps.forEach((kp, k) => {
          worst = Math.max(worst, Math.abs(kp[2]! - j.instances.pred_keypoints![i]![k]![2]!) / Math.abs(kp[2]!));
        }));
        assert.ok(worst <= 1e-4, `keypoint score rel diff ${worst}`);
      }
      if (exp.panoptic_seg) {
        const sem = decodePng(readFileSync(join(c.dir, exp.sem_seg.argmax_png)));
        const pan = decodePng(readFileSync(join(c.dir, exp.panoptic_seg.png)));
        let ds = 0, dp = 0;
        for (let p = 0; p < H * W; p++) { if (sem.data[p] !== r!.semSeg!.labels[p]) ds++; if (pan.data[p] !== r!.panopticSeg!.seg[p]) dp++; }
        assert.is(ds, 0, 'sem_seg argmax pixels differ');
        assert.is(dp, 0, 'panoptic_seg pixels differ');
        const got = r!.panopticSeg!.segmentsInfo.map((x) => ({ ...x, score: x.score === undefined ? undefined : Math.round(x.score * 1e6) }));
        const want = exp.panoptic_seg.segments_info.map((x: { score?: number }) => ({ ...x, score: x.score === undefined ? undefined : Math.round(x.score * 1e6) }));
        assert.equal(got, want);
      }
    });
  }
}

if (DEMO && existsSync(join(DEMO, 'golden'))) {
  const settings = resolveSettings({}, { metaArchitecture: 'GeneralizedRCNN' });
  for (const img of readdirSync(join(DEMO, 'golden')).sort()) {
    test(`demo ${img}: graph outputs -> detectron2 results`, () => {
      const dir = join(DEMO!, 'golden', img);
      const exp = JSON.parse(readFileSync(join(dir, 'c2post.json'), 'utf8'));
      const imInfo = npy(join(dir, 'im_info.npy')).data as Float32Array;
      const [H, W] = exp.instances.image_size as [number, number];
      const [r] = postprocess(loadOutputs(join(dir, 'graph_outputs')), [{ origHeight: H, origWidth: W, height: Math.trunc(imInfo[0]!), width: Math.trunc(imInfo[1]!) }], settings);
      const j = resultToJson(r!);
      const s = matchInstances(j.instances, exp.instances);
      assert.equal(s.problems, []);
      assert.ok(s.sameOrder && s.maxBoxDiff <= 1e-4 && s.maxScoreDiff <= 1e-6, JSON.stringify(s));
      assert.equal(j.instances.pred_masks!.map((m) => m.counts), exp.instances.masks_rle.map((m: { counts: string }) => m.counts));
    });
  }
}

if (GOLDEN) {
  test('RetinaNet batch: image n of a batched output is read at its own offsets', () => {
    const c = goldenCases().find((x) => x.name === 'retinanet_fpn')!;
    const settings = resolveSettings({}, optionsFromConfig(join(c.dir, 'config.yaml')));
    const one = loadOutputs(join(c.dir, 'graph_outputs', 'img0_face_480x672'));
    // A batch of two: a copy of img0 with every logit lowered by 50 (no detections), then img0.
    const two = new Map<string, Tensor>();
    for (const [k, t] of one) {
      if (!k.startsWith('box_')) continue;
      const d = t.data as Float32Array, both = new Float32Array(d.length * 2);
      both.set(d, d.length);
      for (let i = 0; i < d.length; i++) both[i] = k.startsWith('box_cls') ? d[i]! - 50 : d[i]!;
      two.set(k, new Tensor('float32', [2, ...t.shape.slice(1)], both));
    }
    const size = { origHeight: 480, origWidth: 672, height: 320, width: 448 };
    const [a, b] = postprocess(two, [size, size], settings);
    const [single] = postprocess(one, [size], settings);
    assert.is(a!.instances.scores.length, 0);
    assert.equal(Array.from(b!.instances.boxes), Array.from(single!.instances.boxes));
    assert.equal(Array.from(b!.instances.scores), Array.from(single!.instances.scores));
  });
}

test('detector_postprocess: scale, clip, drop empty boxes, keep order', () => {
  const r = detectorPostprocess({
    height: 10, width: 20,
    boxes: Float32Array.of(1, 1, 5, 5, -3, 2, 30, 12, 7, 7, 7, 9, 19, 9.5, 25, 12),
    scores: Float32Array.of(0.9, 0.8, 0.7, 0.6), classes: Int32Array.of(2, 0, 1, 1),
  }, 15, 30);
  // scale 1.5 both ways; box 2 has zero width; box 3 is clipped to x in [28.5, 30].
  assert.equal(Array.from(r.boxes), [1.5, 1.5, 7.5, 7.5, 0, 3, 30, 15, 28.5, 14.25, 30, 15]);
  assert.equal(Array.from(r.classes), [2, 0, 1]);
  assert.equal(Array.from(r.scores), [Math.fround(0.9), Math.fround(0.8), Math.fround(0.6)]);
});

test('paste mask: a constant 1 mask fills its box and the bilinear fade at the border', () => {
  // grid_sample samples with zeros outside the 2x2 map: inside the box the value is 1 where both
  // neighbours are inside the map, and falls to 0.5 at half a mask cell beyond the edge.
  const m = pasteMasks(Float32Array.of(1, 1, 1, 1), 2, Float32Array.of(2, 1, 6, 5), 8, 9);
  const rows = Array.from({ length: 8 }, (_, y) => Array.from(m.subarray(y * 9, y * 9 + 9)).join(''));
  assert.equal(rows, ['000000000', '001111000', '001111000', '001111000', '001111000', '000000000', '000000000', '000000000']);
  // Threshold 0.5 keeps the pixels whose centre lies exactly on the 0.5 contour.
  const half = pasteMasks(Float32Array.of(0.5, 0.5, 0.5, 0.5), 2, Float32Array.of(0, 0, 2, 2), 2, 2);
  assert.equal(Array.from(half), [1, 1, 1, 1]);
});

test('nms: IoU > threshold suppresses, ties keep the lower index, batched = per class', () => {
  const boxes = Float32Array.of(0, 0, 10, 10, 0, 0, 10, 10, 1, 0, 11, 10, 50, 50, 60, 60);
  assert.equal(nms(boxes, [0.5, 0.5, 0.9, 0.1], [0, 1, 2, 3], 0.5), [2, 3]);
  // IoU of box 0 and 2 is 90/110 = 0.818: kept at threshold 0.9.
  assert.equal(nms(boxes, [0.5, 0.4, 0.9, 0.1], [0, 1, 2, 3], 0.9), [2, 0, 3]);
  const scores = Float32Array.of(0.5, 0.4, 0.9, 0.1), cls = Int32Array.of(0, 1, 0, 1);
  assert.equal(batchedNms(boxes, scores, cls, 0.5), [2, 1, 3]);
  // More than 1000 boxes takes torchvision's per-class path: same answer on copies spread apart.
  const n = 1200, big = new Float32Array(n * 4), bs = new Float32Array(n), bc = new Int32Array(n);
  for (let i = 0; i < n; i++) { const x = (i >> 1) * 20; big.set([x, 0, x + 10, 10], i * 4); bs[i] = 1 - i / n; bc[i] = i & 1; }
  const keep = batchedNms(big, bs, bc, 0.5);
  assert.is(keep.length, n);
  assert.equal(keep.slice(0, 3), [0, 1, 2]);
});

test('RetinaNet anchors: detectron2 cell anchors and (y, x, a) grid order', () => {
  const cell = cellAnchors([32], [0.5, 1, 2]);
  const w = Math.sqrt(1024 / 0.5);
  assert.equal(Array.from(cell), [-w / 2, -w / 4, w / 2, w / 4, -16, -16, 16, 16, -w / 4, -w / 2, w / 4, w / 2].map(Math.fround));
  const g = gridAnchors(cellAnchors([8], [1]), 2, 3, 16, 0);
  // index (y*W + x)*A + a: anchor 4 is y=1, x=1.
  assert.equal(Array.from(g.subarray(16, 20)), [12, 12, 20, 20]);
});

test('heatmaps_to_keypoints: peak position, box offset and the softmax-style score', () => {
  // One 4x4 map with a single peak at (x=2, y=1); box 8 wide and 4 tall at (10, 20).
  const S = 4, maps = new Float32Array(S * S);
  maps[1 * S + 2] = 5;
  const kp = heatmapsToKeypoints(maps, 1, 1, S, Float32Array.of(10, 20, 18, 24));
  const up = bicubicResize(maps, 4, 4, 4, 8);
  let best = 0;
  for (let i = 1; i < up.length; i++) if (up[i]! > up[best]!) best = i;
  const xi = best % 8, yi = Math.floor(best / 8);
  assert.equal([kp[0], kp[1]], [10 + xi + 0.5, 20 + yi + 0.5]);
  assert.is(yi, 1);
  let sum = 0;
  for (const v of maps) sum += Math.exp(v - up[best]!);
  assert.ok(Math.abs(kp[2]! - 1 / sum) < 1e-6, `score ${kp[2]} vs ${1 / sum}`);
  // Same size: bicubic resize is the identity.
  assert.equal(Array.from(bicubicResize(maps, 4, 4, 4, 4)), Array.from(maps));
});

test('panoptic merge: overlap rule, confidence stop, stuff area limit', () => {
  const H = 4, W = 4, N = 16;
  const mk = (f: (x: number, y: number) => boolean) => Uint8Array.from({ length: N }, (_, i) => (f(i % W, Math.floor(i / W)) ? 1 : 0));
  const inst = {
    imageHeight: H, imageWidth: W, boxes: new Float32Array(16),
    scores: Float32Array.of(0.6, 0.9, 0.7, 0.3), classes: Int32Array.of(1, 0, 2, 0),
    masks: [mk((x) => x >= 2), mk((x) => x < 2), mk((x, y) => x >= 1 && y === 0), mk(() => true)],
  };
  const sem = Uint8Array.from({ length: N }, (_, i) => (i < 8 ? 3 : 0));
  const r = combinePanoptic(inst, sem, 0.5, 2, 0.5);
  // 0.9 first (left half); 0.7 overlaps it on 1 of 3 pixels: kept, claims 2; 0.6 claims the rest of
  // the right half; 0.3 stops the loop. No pixels are left for stuff.
  assert.equal(r.segmentsInfo.map((s) => [s.id, s.isthing, s.category_id, s.instance_id]), [[1, true, 0, 1], [2, true, 2, 2], [3, true, 1, 0]]);
  assert.equal(Array.from(r.seg.subarray(0, 4)), [1, 1, 2, 2]);
  const r2 = combinePanoptic({ ...inst, scores: Float32Array.of(0.4, 0.4, 0.4, 0.4) }, sem, 0.5, 8, 0.5);
  assert.equal(r2.segmentsInfo, [{ id: 1, isthing: false, category_id: 3, area: 8 }]);
});

test('COCO RLE: pycocotools strings, column-major, round trip', () => {
  // A 3x2 mask [[0,1],[1,1],[0,0]]: column-major 0,1,0 | 1,1,0 -> runs 1,1,1,2,1.
  const m = Uint8Array.of(0, 1, 1, 1, 0, 0);
  const r = encodeMask(m, 3, 2);
  assert.equal(r, { size: [3, 2], counts: '11110' });
  assert.equal(Array.from(decodeMask(r)), Array.from(m));
  // Differences against the count two back (negative runs use the sign bit): 5, 100, 3, 2.
  const big = new Uint8Array(110);
  big.fill(1, 5, 105); big.fill(1, 108, 110);
  assert.equal(Array.from(decodeMask(encodeMask(big, 110, 1))), Array.from(big));
  assert.is(encodeMask(new Uint8Array(0), 0, 0).counts, '0');
});

test('COCO RLE runs == a plain column-major walk, on random masks with boxes touching every edge', () => {
  const naive = (m: Uint8Array, H: number, W: number) => {
    const runs: number[] = [];
    let prev = 0, run = 0;
    for (let x = 0; x < W; x++) for (let y = 0; y < H; y++) { const v = m[y * W + x] ? 1 : 0; if (v !== prev) { runs.push(run); run = 0; prev = v; } run++; }
    runs.push(run);
    return runs;
  };
  fc.assert(fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 3 }), fc.integer(), (H, W, kind, seed) => {
    let s = seed | 1;
    const rnd = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 4294967296; };
    const m = Uint8Array.from({ length: H * W }, () => (kind === 0 ? 0 : kind === 1 ? 1 : rnd() < (kind === 2 ? 0.5 : 0.1) ? 1 : 0));
    assert.equal(Array.from(rleEncode(m, H, W, 'C').counts), naive(m, H, W));
    assert.equal(Array.from(decodeMask(encodeMask(m, H, W))), Array.from(m));
  }), { numRuns: 300, seed: 42 });
});

test.run();
