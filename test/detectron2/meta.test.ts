// Settings: meta args (as convert writes them) -> wrapper settings, with options winning and
// detectron2's COCO defaults last; and the converter and the wrapper agreeing on every key for the
// golden RetinaNet and PanopticFPN configs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMeta } from '../../src/caffe2/model.js';
import { InputError } from '../../src/core/errors.js';
import { checkOutputs, cocoRetinaNetAnchors, resolveSettings } from '../../src/detectron2/meta.js';
import { convertOnnx } from '../../src/onnx/convert.js';
import { decodeNetDef, encodeNetDef } from '../../src/proto/caffe2.js';
import { GOLDEN, optionsFromConfig } from './golden.js';

test('defaults are detectron2 COCO settings; every value says where it came from', () => {
  const s = resolveSettings({});
  assert.equal([s.metaArchitecture, s.minSize, s.maxSize, s.inputFormat, s.sizeDivisibility, s.padWithMean], ['GeneralizedRCNN', 800, 1333, 'BGR', 0, false]);
  assert.equal([s.retinanet.scoreThreshold, s.retinanet.topkCandidates, s.retinanet.nmsThreshold, s.retinanet.maxDetections], [0.05, 1000, 0.5, 100]);
  assert.equal(s.retinanet.anchors, cocoRetinaNetAnchors());
  assert.equal([s.panoptic.combineOn, s.panoptic.overlapThreshold, s.panoptic.stuffAreaLimit, s.panoptic.instancesConfidenceThreshold], [true, 0.5, 4096, 0.5]);
  assert.is(s.sources['minSize'], 'default');
});

test('meta args are read, options win over them', () => {
  const meta = {
    meta_architecture: 'RetinaNet', size_divisibility: 32, min_size_test: 320, max_size_test: 512, input_format: 'RGB',
    score_threshold: Math.fround(0.6), anchor_sizes: [32, 40, 64, 80], anchor_sizes_per_level: [2, 2],
    anchor_aspect_ratios: [1, 0.5, 1, 2], anchor_aspect_ratios_per_level: [1, 3], anchor_strides: [8, 16], anchor_offset: 0.5, combine_on: 0,
  };
  const s = resolveSettings(meta, { maxSize: 600, retinanet: { nmsThreshold: 0.4 } });
  assert.equal([s.metaArchitecture, s.sizeDivisibility, s.minSize, s.maxSize, s.inputFormat], ['RetinaNet', 32, 320, 600, 'RGB']);
  assert.equal([s.sources['minSize'], s.sources['maxSize'], s.sources['nmsThreshold']], ['meta', 'option', 'option']);
  assert.equal(s.retinanet.anchors, { sizes: [[32, 40], [64, 80]], aspectRatios: [[1], [0.5, 1, 2]], strides: [8, 16], offset: 0.5 });
  assert.equal([s.retinanet.scoreThreshold, s.retinanet.nmsThreshold, s.panoptic.combineOn], [Math.fround(0.6), 0.4, false]);
  // Float meta values are float32 on the wire: an unrounded in-memory value reads the same.
  assert.is(resolveSettings({ score_threshold: 0.6 }).retinanet.scoreThreshold, Math.fround(0.6));
  // One level of sizes/ratios given without per-level counts applies to every level.
  assert.equal(s.notes, []);
  assert.match(resolveSettings({ meta_architecture: 'RetinaNet', serialized_anchor_generator: 'PK...' }).notes.join(), /only in 'serialized_anchor_generator'.*COCO RetinaNet anchors/);
  const b = resolveSettings({ anchor_sizes: [32, 64], anchor_strides: [8, 16, 32] });
  assert.equal(b.retinanet.anchors.sizes, [[32, 64], [32, 64], [32, 64]]);
});

function expectError(fn: () => unknown, re: RegExp): void {
  try { fn(); } catch (e) { assert.instance(e, InputError); assert.match((e as Error).message, re); return; }
  assert.unreachable(`expected an InputError matching ${re}`);
}

test('bad meta values are errors naming the file and the arg', () => {
  expectError(() => resolveSettings({ meta_architecture: 'SemanticSegmentor' }), /^model\.pb arg 'meta_architecture': meta arg 'meta_architecture' is "SemanticSegmentor"; supported: GeneralizedRCNN, RetinaNet, PanopticFPN$/);
  expectError(() => resolveSettings({ input_format: 'YUV-BT.601' }, {}, 'm/model.pb'), /^m\/model\.pb arg 'input_format': .*supported: BGR, RGB$/);
  expectError(() => resolveSettings({ min_size_test: 'big' }), /meta arg 'min_size_test' must be a non-negative integer, got "big"/);
  expectError(() => resolveSettings({ anchor_sizes: [1, 2, 3], anchor_sizes_per_level: [1, 1] }), /'anchor_sizes_per_level' sums to 2, but 'anchor_sizes' has 3 values/);
  expectError(() => resolveSettings({ anchor_strides: [8, 16], anchor_sizes: [32, 64, 128], anchor_sizes_per_level: [1, 1, 1] }), /anchor settings disagree on the number of levels: 3 size lists, 2 aspect-ratio lists, 2 strides/);
  expectError(() => resolveSettings({ bbox_reg_weights: [1, 1] }), /meta arg 'bbox_reg_weights' must have 4 values, got 2/);
  expectError(() => checkOutputs('RetinaNet', ['bbox_nms'], 'model.pb', true), /lack 'box_cls_0', 'box_delta_0', which RetinaNet post-processing needs; its meta says meta_architecture 'RetinaNet'/);
});

if (GOLDEN) {
  for (const name of ['retinanet_fpn', 'panoptic_fpn', 'mask_rcnn_fpn']) {
    test(`convert --config and the wrapper agree: ${name}`, () => {
      const dir = join(GOLDEN!, name);
      const r = convertOnnx(new Uint8Array(readFileSync(join(dir, 'model.onnx'))), { config: readFileSync(join(dir, 'config.yaml'), 'utf8'), noPlan: true });
      // Through the wire, as a model dir would be read.
      const fromModel = resolveSettings(readMeta(decodeNetDef(encodeNetDef(r.predictNet)).arg));
      const fromConfig = resolveSettings({ size_divisibility: 32 }, optionsFromConfig(join(dir, 'config.yaml')));
      // The settings each architecture's post-processing reads.
      const pick = (s: typeof fromModel) => ({
        arch: s.metaArchitecture, div: s.sizeDivisibility, min: s.minSize, max: s.maxSize, fmt: s.inputFormat,
        ...(s.metaArchitecture === 'RetinaNet' ? { retina: s.retinanet } : {}), ...(s.metaArchitecture === 'PanopticFPN' ? { pan: s.panoptic } : {}),
      });
      const a = pick(fromModel), b = pick(fromConfig);
      // Anchor sizes go through float32 meta args: compare them at float32.
      const f32 = (x: number[][]) => x.map((l) => l.map(Math.fround));
      if (a.retina && b.retina) {
        a.retina = { ...a.retina, anchors: { ...a.retina.anchors, sizes: f32(a.retina.anchors.sizes) } };
        b.retina = { ...b.retina, anchors: { ...b.retina.anchors, sizes: f32(b.retina.anchors.sizes) } };
      }
      assert.equal(a, b);
      assert.ok(Object.entries(fromModel.sources).filter(([k]) => ['minSize', 'maxSize', 'metaArchitecture', 'inputFormat'].includes(k)).every(([, v]) => v === 'meta'));
    });
  }
}

test.run();
