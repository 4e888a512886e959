// `eval <model_dir>` / `convert --run-eval` on the demo: the converted model run over a COCO
// dataset gives detectron2's Caffe2-path detections, and so its AP: all 50 val images, against
// the AP the demo README records for the Caffe2 path (bbox 0.3638, segm 0.4033) within 0.001;
// CAFFE2_TS_E2E=quick runs one image (val_0002, 38 detections).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { Detectron2Predictor } from '../../src/detectron2/api.js';
import { CocoDataset, type CocoResult, evaluateResults } from '../../src/eval/index.js';
import { convertOnnx } from '../../src/onnx/convert.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { predictDataset } from '../../src/cli/eval.js';
import { sharedDir } from '../helpers/paths.js';

const FULL = process.env['CAFFE2_TS_E2E'] !== 'quick';
const demo = sharedDir() ? resolve(sharedDir()!, 'demo') : undefined;
const readJson = (p: string): any => JSON.parse(readFileSync(p, 'utf8'));

test('demo model over its val set: our detections and AP are the Caffe2 path\'s', () => {
  if (!demo || !existsSync(join(demo, 'model.onnx'))) assert.unreachable('../shared/demo not found');
  const r = convertOnnx(new Uint8Array(readFileSync(join(demo!, 'model.onnx'))), { config: readFileSync(join(demo!, 'config.yaml'), 'utf8'), configFile: 'config.yaml', noPlan: true });
  const p = new Detectron2Predictor(new Caffe2Model(r.predictNet, r.initNet, { registry: defaultRegistry }));
  const ann = readJson(join(demo!, 'val/annotations.json'));
  const keep = FULL ? undefined : new Set([3]); // val_0002.jpg
  if (keep) {
    ann.images = ann.images.filter((i: { id: number }) => keep.has(i.id));
    ann.annotations = ann.annotations.filter((a: { image_id: number }) => keep.has(a.image_id));
  }
  const gt = CocoDataset.parse(ann, 'annotations.json');
  const { results, failed } = predictDataset(p, gt, join(demo!, 'val/images'));
  assert.is(failed, 0);
  const ref = (t: string): CocoResult[] => readJson(join(demo!, `results/caffe2_path_${t}_results.json`)).filter((x: CocoResult) => !keep || keep.has(x.image_id));
  const refBox = ref('bbox'), refSegm = ref('segm');
  if (keep) {
    // the same detections in the same order: classes exact, scores and boxes to float32 noise
    assert.is(results.length, refBox.length);
    results.forEach((d, k) => {
      assert.is(d.category_id, refBox[k]!.category_id, `#${k} category`);
      assert.ok(Math.abs(d.score - refBox[k]!.score) < 1e-5, `#${k} score ${d.score} vs ${refBox[k]!.score}`);
      d.bbox!.forEach((v, c) => assert.ok(Math.abs(v - refBox[k]!.bbox![c]!) < 1e-2, `#${k} bbox[${c}] ${v} vs ${refBox[k]!.bbox![c]}`));
    });
  }
  for (const [t, refs] of [['bbox', refBox], ['segm', refSegm]] as const) {
    const ours = evaluateResults(gt, results, t), theirs = evaluateResults(gt, refs, t);
    ours.stats.forEach((s, i) => assert.ok(Math.abs(s - theirs.stats[i]!) <= 1e-3, `${t} ${ours.statNames[i]}: ${s} vs ${theirs.stats[i]}`));
    if (FULL) assert.ok(Math.abs(ours.stats[0]! - (t === 'bbox' ? 0.3638 : 0.4033)) <= 1e-3, `${t} AP ${ours.stats[0]} vs the README's Caffe2 path`);
  }
});

test.run();
