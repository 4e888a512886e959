// `caffe2-ts eval` end to end in-process: printed tables, the --json file, --predictions
// folders and the argument errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixture, sharedDir } from '../helpers/paths.js';
import { main } from '../../src/cli/eval.js';
import { c2postAsPredict } from './demo_helpers.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    return { code: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log; console.error = error;
  }
}

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try { await p; } catch (e) { assert.match((e as Error).message, re); return; }
  assert.unreachable(`expected an error matching ${re}`);
}

const E = (f: string): string => fixture('eval/coco-eval', f);
const tmp = mkdtempSync(join(tmpdir(), 'c2ts-eval-'));

test('eval --results --iou-type bbox --json: pycocotools summary, detectron2 tables, stats in the JSON', async () => {
  const json = join(tmp, 'bbox.json');
  const r = await run(['--annotations', E('instances_val2014_100.json'), '--results', E('instances_val2014_fakebbox100_results.json'), '--iou-type', 'bbox', '--json', json]);
  assert.is(r.code, 0);
  assert.ok(r.out.includes(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.505'), r.out.slice(0, 300));
  assert.ok(r.out.includes(' Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.564'));
  assert.ok(r.out.includes('Evaluation results for bbox: \n|   AP   |  AP50  |'));
  assert.ok(/Per-category bbox AP: \n\| category +\| AP +\| category/.test(r.out));
  const j = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(j.iou_types, ['bbox']);
  assert.equal(j.bbox.stats.map((s: number) => s.toFixed(3)), ['0.505', '0.697', '0.573', '0.586', '0.519', '0.501', '0.387', '0.594', '0.595', '0.640', '0.566', '0.564']);
  assert.is(j.bbox.stats_names[11], 'ARl');
  assert.is(Object.keys(j.bbox.per_category).length, 80);
  assert.is(j.bbox.per_category['fire hydrant'].AP, null, 'a category without ground truth: NaN -> null');
});

const demo = sharedDir() ? resolve(sharedDir()!, 'demo') : undefined;

test('eval --predictions dir: predict JSON files are matched to images by name and evaluated like their COCO results', async () => {
  if (!demo || !existsSync(resolve(demo, 'golden'))) assert.unreachable('../shared/demo not found');
  const dir = join(tmp, 'pred');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const img of ['val_0002', 'val_0004']) {
    writeFileSync(join(dir, `${img}.json`), JSON.stringify(c2postAsPredict(JSON.parse(readFileSync(resolve(demo!, `golden/${img}/c2post.json`), 'utf8')))));
  }
  writeFileSync(join(dir, 'stray.json'), '{"instances": {"scores": []}}');
  const ann = resolve(demo!, 'val/annotations.json');
  const a = await run(['--annotations', ann, '--predictions', dir, '--json', join(tmp, 'pred.json')]);
  assert.is(a.code, 0);
  assert.ok(a.err.includes('1 prediction file(s) match no image'), a.err);
  // the same detections as COCO results files (image ids 3 and 5)
  const pick = (f: string): unknown[] => JSON.parse(readFileSync(resolve(demo!, `results/${f}`), 'utf8')).filter((r: { image_id: number }) => r.image_id === 3 || r.image_id === 5);
  writeFileSync(join(tmp, 'b.json'), JSON.stringify(pick('caffe2_path_bbox_results.json')));
  writeFileSync(join(tmp, 's.json'), JSON.stringify(pick('caffe2_path_segm_results.json')));
  const b = await run(['--annotations', ann, '--results', join(tmp, 'b.json'), '--results', join(tmp, 's.json'), '--json', join(tmp, 'res.json')]);
  const ja = JSON.parse(readFileSync(join(tmp, 'pred.json'), 'utf8')), jb = JSON.parse(readFileSync(join(tmp, 'res.json'), 'utf8'));
  assert.equal(ja.iou_types, ['bbox', 'segm']);
  assert.ok(ja.bbox.stats[0] > 0.01, `bbox AP ${ja.bbox.stats[0]}`);
  assert.equal(ja.bbox.stats, jb.bbox.stats);
  assert.equal(ja.segm.stats, jb.segm.stats);
  assert.is(ja.bbox.num_results, 81);
});

test('argument errors say what is missing or wrong', async () => {
  await rejects(run(['--results', 'x.json']), /--annotations is required/);
  await rejects(run(['--annotations', E('instances_val2014_100.json'), '--results', E('instances_val2014_fakebbox100_results.json'), '--iou-type', 'mask']), /--iou-type must be bbox, segm or keypoints, got 'mask'/);
  await rejects(run(['--annotations', E('instances_val2014_100.json'), '--results', E('instances_val2014_fakebbox100_results.json'), '--iou-type', 'segm']), /--iou-type segm: no result in .* has 'segmentation'/);
  await rejects(run(['--annotations', join(tmp, 'nope.json'), '--results', 'x.json']), /cannot read .*nope\.json/);
});

test('convert: evaluation flags need --run-eval, and --run-eval needs a dataset (checked before converting)', async () => {
  if (!demo || !existsSync(resolve(demo, 'model.onnx'))) assert.unreachable('../shared/demo not found');
  const { main: convert } = await import('../../src/cli/convert.js');
  const onnx = resolve(demo!, 'model.onnx');
  await rejects(convert([onnx, '--output', join(tmp, 'm'), '--annotations', 'a.json']), /--annotations is an evaluation flag: add --run-eval/);
  await rejects(convert([onnx, '--output', join(tmp, 'm'), '--run-eval', '--annotations', 'a.json']), /--run-eval needs --annotations ann\.json and --images dir\//);
  await rejects(convert([onnx, '--output', join(tmp, 'm'), '--run-eval', '--annotations', 'a.json', '--images', 'i', '--iou-type', 'boxes']), /--iou-type must be bbox, segm or keypoints, got 'boxes'/);
  assert.not.ok(existsSync(join(tmp, 'm')), 'nothing converted');
});

test('eval <model_dir> needs --images and no results of its own', async () => {
  await rejects(run(['some_model', '--annotations', E('instances_val2014_100.json')]), /eval some_model runs the model over a dataset: give --images dir\//);
  await rejects(run(['some_model', '--annotations', E('instances_val2014_100.json'), '--images', tmp, '--results', 'r.json']), /eval <model_dir> makes its own results: drop --results/);
});

test('cleanup', () => { rmSync(tmp, { recursive: true, force: true }); });

test.run();
