// predict end to end. (1) The CLI, spawned on a tiny model dir whose net returns fixed
// detections: exact JSON and picture for a good image, named errors for bad ones while the batch
// goes on, exit codes, a model without the outputs/meta it needs. (2) The golden ONNX models and
// the demo model, converted with their configs and run on the images, against detectron2's
// results (golden README tolerances): every golden model and image and both demo samples (~30 s
// with the SIMD kernels); CAFFE2_TS_E2E=quick runs one demo sample only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode as decodePng } from 'fast-png';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { Detectron2Predictor } from '../../src/detectron2/api.js';
import { envLoadOptions } from '../helpers/variants.js';
import { decodeImage } from '../../src/detectron2/decode.js';
import { decodeMask } from '../../src/eval/rle.js';
import { pasteMasks } from '../../src/detectron2/postprocess/masks.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { convertOnnx } from '../../src/onnx/convert.js';
import { fixture } from '../helpers/paths.js';
import { fakeModelBytes } from './fake_model.js';
import { DEMO, GOLDEN, goldenCases, matchInstances } from './golden.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'caffe2-ts-predict-'));
const FULL = process.env['CAFFE2_TS_E2E'] !== 'quick';

type Result = { code: number; out: string; err: string };
function cli(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN, ...args], { cwd: dir });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** Writes the fixed-output model (fake_model.ts) as a model dir. */
function fakeModel(path: string, opts: { outputs?: boolean; meta?: boolean } = {}): void {
  const b = fakeModelBytes(opts);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'model.pb'), b.predict);
  writeFileSync(join(path, 'model_init.pb'), b.init);
}

const CALLS: Record<string, () => string[]> = {
  batch: () => ['predict', 'model', 'imgs', 'notes.txt', 'cut.jpg', 'zero.jpg', 'empty', '--output', 'out', '--classes', 'classes.txt'],
  json: () => ['predict', 'model', 'imgs/rgb.png', '-o', 'out_json', '--format', 'json'],
  png: () => ['predict', 'model', 'imgs/rgb.png', '-o', 'out_png', '--format', 'png', '--score-threshold', '0.2'],
  noOutputs: () => ['predict', 'bad_model', 'imgs/rgb.png', '-o', 'out_bad'],
  padMean: () => ['predict', 'model', 'imgs/rgb.png', '--pad-with-mean'],
  badFormat: () => ['predict', 'model', 'imgs/rgb.png', '--format', 'gif'],
  usage: () => ['predict', 'model'],
};
const R: Record<string, Result> = {};

test.before(async () => {
  fakeModel(join(dir, 'model'));
  fakeModel(join(dir, 'bad_model'), { outputs: false, meta: false });
  mkdirSync(join(dir, 'imgs'));
  mkdirSync(join(dir, 'empty'));
  copyFileSync(fixture('detectron2', 'rgb.png'), join(dir, 'imgs', 'rgb.png'));
  const jpg = readFileSync(fixture('detectron2', 'q90_420.jpg'));
  writeFileSync(join(dir, 'notes.txt'), 'not an image\n');
  writeFileSync(join(dir, 'cut.jpg'), jpg.subarray(0, 300));
  const zero = Buffer.from(jpg);
  for (let i = 2; i + 9 < zero.length; i++) if (zero[i] === 0xff && zero[i + 1] === 0xc0) { zero[i + 5] = 0; zero[i + 6] = 0; break; }
  writeFileSync(join(dir, 'zero.jpg'), zero);
  writeFileSync(join(dir, 'classes.txt'), 'cat\ndog\n');
  const entries = await Promise.all(Object.entries(CALLS).map(async ([k, f]) => [k, await cli(f())] as const));
  for (const [k, r] of entries) R[k] = r;
});

test('predict CLI: a batch with bad inputs writes the good image, names each bad file, exits 1', () => {
  const r = R['batch']!;
  assert.is(r.code, 1, r.err);
  assert.match(r.out, /^rgb\.png: 37x23 -> 74x46, 2 instances \(1 with score >= 0\.5: 1 dog\); \d+ ms \(net \d+\)$/m);
  const errs = r.err.split('\n').filter((l) => l.startsWith('caffe2-ts:'));
  assert.equal(errs, [
    'caffe2-ts: InputError: empty: directory holds no .jpg, .jpeg or .png files',
    'caffe2-ts: InputError: notes.txt: not a JPEG or PNG image (it starts with bytes 6e 6f 74 20)',
    'caffe2-ts: InputError: cut.jpg: bad JPEG: truncated: a marker segment of 181 bytes runs past the end of the data',
    'caffe2-ts: InputError: zero.jpg: image has no pixels (width 37, height 0)',
  ]);
  assert.match(r.err, /1 of 4 images written to out; 4 failed/);
  const j = JSON.parse(readFileSync(join(dir, 'out', 'rgb.json'), 'utf8'));
  // Network size 74x46 for a 37x23 image: boxes scale by 0.5 and are clipped to the image.
  assert.equal(j.instances.pred_boxes, [[2, 2, 20, 15], [30, 5, 37, 23]]);
  assert.equal(j.instances.scores, [Math.fround(0.9), Math.fround(0.3)]);
  assert.equal(j.instances.pred_classes, [1, 0]);
  assert.equal(j.instances.pred_class_names, ['dog', 'cat']);
  assert.equal([j.file_name, j.height, j.width, j.meta_architecture, j.instances.image_size], ['rgb.png', 23, 37, 'GeneralizedRCNN', [23, 37]]);
  // The all-ones 2x2 mask pasted into [2, 20) x [2, 15): bilinear fade-out at the border, corners cut.
  const m = decodeMask(j.instances.pred_masks[0]);
  assert.equal(Array.from(m), Array.from(pasteMasks(Float32Array.of(1, 1, 1, 1), 2, Float32Array.of(2, 2, 20, 15), 23, 37)));
  let n = 0;
  for (let p = 0; p < m.length; p++) n += m[p]!;
  assert.ok(n > 180 && n < 18 * 13, `mask area ${n}`);
  const png = decodePng(readFileSync(join(dir, 'out', 'rgb.png')));
  assert.equal([png.width, png.height], [37, 23]);
  const src = decodeImage(new Uint8Array(readFileSync(fixture('detectron2', 'rgb.png'))));
  const at = (x: number, y: number) => [0, 1, 2].map((c) => png.data[(y * 37 + x) * png.channels + c]);
  const orig = (x: number, y: number) => [0, 1, 2].map((c) => src.data[(y * 37 + x) * 3 + c]);
  assert.not.equal(at(10, 10), orig(10, 10), 'mask pixel not drawn');
  // The 0.3 instance is below the 0.5 drawing threshold: its area (away from the label) is untouched.
  assert.equal(at(34, 8), orig(34, 8));
});

test('predict CLI: --format json / png write only that, --score-threshold draws lower scores', () => {
  assert.is(R['json']!.code, 0, R['json']!.err);
  assert.equal(readdirSync(join(dir, 'out_json')).sort(), ['rgb.json']);
  assert.is(R['png']!.code, 0, R['png']!.err);
  assert.equal(readdirSync(join(dir, 'out_png')).sort(), ['rgb.png']);
  const a = decodePng(readFileSync(join(dir, 'out', 'rgb.png'))), b = decodePng(readFileSync(join(dir, 'out_png', 'rgb.png')));
  const px = (p: typeof a, x: number, y: number) => Array.from(p.data.subarray((y * 37 + x) * p.channels, (y * 37 + x) * p.channels + 3));
  assert.not.equal(px(b, 34, 8), px(a, 34, 8), 'the 0.3 instance is drawn at threshold 0.2');
  // Without names (num_classes unknown, no --classes) labels use COCO's names: class 1 is 'bicycle'.
  assert.equal(JSON.parse(readFileSync(join(dir, 'out_json', 'rgb.json'), 'utf8')).instances.pred_class_names, ['bicycle', 'person']);
});

test('predict CLI: model and flag errors are one clear line and exit 1', () => {
  assert.is(R['noOutputs']!.code, 1);
  assert.match(R['noOutputs']!.err, /^caffe2-ts: InputError: model\.pb: the net's outputs \(data_shape\) lack 'bbox_nms', 'score_nms', 'class_nms', which GeneralizedRCNN post-processing needs; it has no 'meta_architecture' meta arg, so detectron2's default 'GeneralizedRCNN' applies\. Convert the model with its detectron2 config \(convert --config\) or pass --meta-architecture$/m);
  assert.is(R['padMean']!.code, 1);
  assert.match(R['padMean']!.err, /NotSupportedError: model\.pb: --pad-with-mean needs the pixel mean, but 'data' is not normalised by a Sub of a constant in the graph and the net has no pixel_mean meta/);
  assert.match(R['badFormat']!.err, /--format must be json, png or both, got 'gif'/);
  assert.is(R['usage']!.code, 1);
  assert.match(R['usage']!.err, /usage: caffe2-ts predict <model_dir/);
});

function convert(onnx: string, config: string): Caffe2Model {
  const r = convertOnnx(new Uint8Array(readFileSync(onnx)), { config: readFileSync(config, 'utf8'), configFile: 'config.yaml', noPlan: true });
  return new Caffe2Model(r.predictNet, r.initNet, { ...envLoadOptions(), registry: defaultRegistry });
}

// CAFFE2_TS_E2E=quick: only the demo JPEG runs end to end (padded to /32, masks); every
// post-processing path is still checked from the golden raw outputs in postprocess.test.ts.
const DEFAULT_E2E = new Set<string>();

for (const c of goldenCases()) {
  const images = c.images.filter((img) => FULL || DEFAULT_E2E.has(`${c.name}/${img}`));
  if (!images.length) continue;
  let predictor: Detectron2Predictor | undefined;
  for (const img of images) {
    test(`end to end ${c.name}/${img}: ONNX -> convert --config -> predict == detectron2's c2post`, () => {
      predictor ??= new Detectron2Predictor(convert(join(c.dir, 'model.onnx'), join(c.dir, 'config.yaml')));
      const exp = JSON.parse(readFileSync(join(c.dir, `${img}_c2post.json`), 'utf8'));
      const pr = predictor.predict(decodeImage(new Uint8Array(readFileSync(join(GOLDEN!, 'images', `${img}.png`)))), img);
      const j = predictor.toJson(pr.result, { semSegPng: 'sem.png', panopticPng: 'pan.png' });
      const s = matchInstances(j.instances, exp.instances);
      assert.equal(s.problems, []);
      if (exp.panoptic_seg) {
        const [H, W] = exp.instances.image_size as [number, number];
        const sem = decodePng(readFileSync(join(c.dir, exp.sem_seg.argmax_png)));
        let same = 0;
        for (let p = 0; p < H * W; p++) if (sem.data[p] === pr.result.semSeg!.labels[p]) same++;
        assert.ok(same / (H * W) >= 0.999, `sem_seg agreement ${same / (H * W)}`);
        const key = (x: { isthing: boolean; category_id: number }) => `${x.isthing}:${x.category_id}`;
        assert.equal(j.panoptic_seg!.segments_info.map(key), exp.panoptic_seg.segments_info.map(key));
      }
    });
  }
}

if (DEMO && existsSync(join(DEMO, 'model.onnx'))) {
  for (const name of FULL ? ['val_0002', 'val_0004'] : ['val_0004']) {
    test(`end to end demo ${name}.jpg: decode, convert, predict == detectron2's c2post`, () => {
      const p = new Detectron2Predictor(convert(join(DEMO!, 'model.onnx'), join(DEMO!, 'config.yaml')));
      const exp = JSON.parse(readFileSync(join(DEMO!, 'golden', name, 'c2post.json'), 'utf8'));
      const pr = p.predict(decodeImage(new Uint8Array(readFileSync(join(DEMO!, 'samples', `${name}.jpg`)))));
      assert.equal(matchInstances(p.toJson(pr.result).instances, exp.instances).problems, []);
      // --pad-with-mean: the padding holds the graph's mean (the Sub constant), the image is unchanged.
      const pm = new Detectron2Predictor(p.model, { padWithMean: true });
      assert.equal(pm.pixelMean!.map(Math.fround), [103.53, 116.28, 123.675].map(Math.fround));
      const a = p.inputs(pr.prepared).data, b = pm.inputs(pr.prepared).data;
      const [, , H, W] = a.shape as [number, number, number, number];
      const h = pr.prepared.height, w = pr.prepared.width;
      assert.ok(W > w, 'the sample needs padding for this check');
      for (let ch = 0; ch < 3; ch++) {
        assert.is(b.data[(ch * H + (H - 1)) * W + (W - 1)], Math.fround(pm.pixelMean![ch]!));
        assert.is(a.data[(ch * H + (H - 1)) * W + (W - 1)], 0);
        assert.is(b.data[(ch * H + (h - 1)) * W + (w - 1)], a.data[(ch * H + (h - 1)) * W + (w - 1)]);
      }
    });
  }
}

test.run();
