// predict JSON -> COCO results: detectron2's Caffe2-path outputs of two demo images, converted,
// must equal the results detectron2's instances_to_coco_json wrote for them, number for number.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sharedDir } from '../helpers/paths.js';
import { InputError } from '../../src/core/errors.js';
import { predictionsToCocoResults } from '../../src/eval/predictions.js';
import { c2postAsPredict } from './demo_helpers.js';

const readJson = (p: string): any => JSON.parse(readFileSync(p, 'utf8'));

const shared = sharedDir();
const demo = shared ? resolve(shared, 'demo') : undefined;

test('demo c2post of val_0002 / val_0004 -> exactly the caffe2_path COCO results (float32 XYWH, category = class + 1)', () => {
  if (!demo || !existsSync(resolve(demo, 'golden'))) assert.unreachable('../shared/demo not found');
  const ann = readJson(resolve(demo!, 'val/annotations.json'));
  const catIds = (ann.categories as { id: number }[]).map((c) => c.id).sort((a, b) => a - b);
  const bbox = readJson(resolve(demo!, 'results/caffe2_path_bbox_results.json'));
  const segm = readJson(resolve(demo!, 'results/caffe2_path_segm_results.json'));
  for (const img of ['val_0002', 'val_0004']) {
    const id = (ann.images as { id: number; file_name: string }[]).find((x) => x.file_name === `${img}.jpg`)!.id;
    const got = predictionsToCocoResults(c2postAsPredict(readJson(resolve(demo!, `golden/${img}/c2post.json`))), id, catIds, img);
    const wantB = bbox.filter((r: any) => r.image_id === id), wantS = segm.filter((r: any) => r.image_id === id);
    assert.ok(got.length > 30, `${img}: ${got.length} detections`);
    assert.is(got.length, wantB.length);
    got.forEach((r, k) => {
      assert.equal({ image_id: r.image_id, category_id: r.category_id, bbox: r.bbox, score: r.score }, wantB[k], `${img} #${k}`);
      assert.equal(r.segmentation, wantS[k].segmentation, `${img} #${k} mask`);
    });
  }
});

test('per-instance list form, keypoints shifted by -0.5, float32 rounding of the box size', () => {
  const r = predictionsToCocoResults({ instances: [
    { pred_boxes: [0.1, 0.2, 10.3, 20.4], scores: 0.7, pred_classes: 1, pred_keypoints: [[1.5, 2.5, 0.9], [3, 4, 0.1]] },
  ] }, 9, [4, 7]);
  const f = Math.fround;
  assert.equal(r, [{
    image_id: 9, category_id: 7, score: f(0.7),
    bbox: [f(0.1), f(0.2), f(f(10.3) - f(0.1)), f(f(20.4) - f(0.2))],
    keypoints: [1, 2, f(0.9), 2.5, 3.5, f(0.1)],
  }]);
});

test('errors: a class outside the dataset, arrays of different lengths', () => {
  assert.throws(() => predictionsToCocoResults({ instances: { pred_boxes: [[0, 0, 1, 1]], scores: [0.5], pred_classes: [3] } }, 1, [1, 2, 3], 'out/a.json'),
    (e: unknown) => e instanceof InputError && /out\/a\.json: instance 0 has pred_class 3, but the dataset has 3 categories \(classes 0\.\.2\)/.test((e as Error).message));
  assert.throws(() => predictionsToCocoResults({ instances: { pred_boxes: [[0, 0, 1, 1]], scores: [0.5, 0.4], pred_classes: [0, 0] } }, 1, [1], 'b.json'),
    /b\.json: 'pred_boxes' has 1 entries, expected 2 \(one per score\)/);
});

test.run();
