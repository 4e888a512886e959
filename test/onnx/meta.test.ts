// Meta args: from detectron2's config, from what the graph shows without a config, flags winning,
// Python-ish YAML (anchors, !!python/tuple), and exact errors for bad values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../src/core/tensor.js';
import { makeOp } from '../../src/onnx/args.js';
import type { Caffe2Graph } from '../../src/onnx/fixes.js';
import { buildMeta, graphHints, readConfig, type MetaEntry } from '../../src/onnx/meta.js';
import { errorOf } from './util.js';

const show = (es: MetaEntry[]) => Object.fromEntries(es.map((e) => [e.key, `${Array.isArray(e.value) ? e.value.join(',') : e.value} (${e.source})`]));

function rcnn(): Caffe2Graph {
  return {
    name: 'g',
    ops: [makeOp('Sub', ['data', 'mean'], ['s']), makeOp('ResizeNearest', ['s'], ['r']), makeOp('BoxWithNMSLimit', ['scores', 'boxes', 'splits'], ['score_nms', 'bbox_nms', 'class_nms'])],
    inputs: ['data', 'im_info'], outputs: ['bbox_nms', 'score_nms', 'class_nms', 'kps_score'],
    params: new Map([['mean', Tensor.from('float32', [3, 1, 1], [1, 2, 3])]]),
    infos: new Map([['scores', { dtype: 'float32', shape: [-1, 6] }], ['kps_score', { dtype: 'float32', shape: [-1, 17, 56, 56] }]]),
  };
}

function retina(): Caffe2Graph {
  return {
    name: 'g', ops: [makeOp('Relu', ['data'], ['x'])], inputs: ['data', 'im_info'],
    outputs: ['im_info', 'feature_0', 'box_cls_0', 'box_delta_0', 'box_cls_1', 'box_delta_1'],
    params: new Map(),
    infos: new Map([['box_cls_0', { dtype: 'float32', shape: [1, 27, 40, 56] }], ['box_delta_0', { dtype: 'float32', shape: [1, 36, 40, 56] }]]),
  };
}

test('without a config: architecture, FPN divisibility, class and keypoint counts from the graph; COCO defaults', () => {
  const h = graphHints(rcnn());
  assert.equal(h, { arch: 'GeneralizedRCNN', fpn: true, numClasses: 5, numKeypoints: 17, normalizes: true, levels: 0 });
  assert.equal(show(buildMeta(rcnn()).entries), {
    size_divisibility: '32 (graph)', device: 'cpu (default)', meta_architecture: 'GeneralizedRCNN (graph)',
    min_size_test: '800 (default)', max_size_test: '1333 (default)', input_format: 'BGR (default)',
    num_classes: '5 (graph)', max_detections_per_image: '100 (default)', num_keypoints: '17 (graph)',
  });
});

test('RetinaNet without a config: classes from box_cls/box_delta channels, COCO anchors for its levels, no pixel stats when... absent normalisation', () => {
  const m = show(buildMeta(retina()).entries);
  assert.is(m['meta_architecture'], 'RetinaNet (graph)');
  assert.is(m['num_classes'], '3 (graph)');
  assert.is(m['anchor_strides'], '8,16 (default)');
  assert.is(m['anchor_sizes_per_level'], '3,3 (default)');
  assert.is(m['anchor_sizes'], `32,${32 * 2 ** (1 / 3)},${32 * 2 ** (2 / 3)},64,${64 * 2 ** (1 / 3)},${64 * 2 ** (2 / 3)} (default)`);
  // the graph does not subtract a mean from data here, so the wrapper must
  assert.is(m['pixel_mean'], '103.53,116.28,123.675 (default)');
  assert.is(m['score_threshold'], '0.05 (default)');
});

const CONFIG = `
MODEL:
  META_ARCHITECTURE: RetinaNet
  DEVICE: cpu
  BACKBONE: {NAME: build_retinanet_resnet_fpn_backbone}
  ANCHOR_GENERATOR:
    SIZES: !!python/tuple [[32, 40], [64, 80]]
    ASPECT_RATIOS: [[0.5, 1.0, 2.0]]
    OFFSET: 0.5
  RETINANET:
    IN_FEATURES: [p3, p4]
    NUM_CLASSES: 3
    SCORE_THRESH_TEST: 0.6
    TOPK_CANDIDATES_TEST: 500
    NMS_THRESH_TEST: 0.4
    BBOX_REG_WEIGHTS: &w [1.0, 1.0, 1.0, 1.0]
  RPN: {BBOX_REG_WEIGHTS: *w}
INPUT: {MIN_SIZE_TEST: 320, MAX_SIZE_TEST: 512, FORMAT: RGB}
TEST: {DETECTIONS_PER_IMAGE: 50}
`;

test('with a config: every value from it (anchors broadcast per level, tuples read as lists), flags win', () => {
  const cfg = readConfig(CONFIG);
  const m = show(buildMeta(retina(), { config: cfg, overrides: { size_divisibility: '64', nms_threshold: '0.3' } }).entries);
  assert.equal(m, {
    size_divisibility: '64 (flag)', device: 'cpu (config)', meta_architecture: 'RetinaNet (config)',
    min_size_test: '320 (config)', max_size_test: '512 (config)', input_format: 'RGB (config)',
    pixel_mean: '103.53,116.28,123.675 (default)', pixel_std: '1,1,1 (default)',
    num_classes: '3 (config)', max_detections_per_image: '50 (config)',
    score_threshold: '0.6 (config)', topk_candidates: '500 (config)', nms_threshold: '0.3 (flag)',
    bbox_reg_weights: '1,1,1,1 (config)', anchor_sizes: '32,40,64,80 (config)', anchor_sizes_per_level: '2,2 (config)',
    anchor_aspect_ratios: '0.5,1,2,0.5,1,2 (config)', anchor_aspect_ratios_per_level: '3,3 (config)',
    anchor_strides: '8,16 (config)', anchor_offset: '0.5 (config)',
  });
});

test('a config that disagrees with the graph gives warnings; bad values and keys are exact errors', () => {
  const { warnings } = buildMeta(rcnn(), { config: readConfig('MODEL: {META_ARCHITECTURE: RetinaNet, ROI_HEADS: {NUM_CLASSES: 3}}') });
  assert.equal(warnings, ['meta_architecture is RetinaNet, but the graph outputs look like GeneralizedRCNN']);
  assert.equal(buildMeta(rcnn(), { config: readConfig('MODEL: {ROI_HEADS: {NUM_CLASSES: 3}}') }).warnings, ['num_classes is 3 in the config, but the graph has 5']);
  assert.is(errorOf(() => buildMeta(rcnn(), { config: readConfig('INPUT: {MIN_SIZE_TEST: abc}'), configFile: 'c.yaml' })), 'c.yaml: INPUT.MIN_SIZE_TEST is "abc", expected a number');
  assert.is(errorOf(() => buildMeta(rcnn(), { overrides: { size_divisibilty: '32' } })).split(' (known')[0], "unknown meta key 'size_divisibilty'");
  assert.is(errorOf(() => buildMeta(rcnn(), { overrides: { size_divisibility: '3.5' } })), "meta 'size_divisibility' expects an integer, got '3.5'");
  assert.is(errorOf(() => readConfig('- a\n- b', 'list.yaml')), 'list.yaml: a detectron2 config is a YAML mapping at the top level');
  assert.match(errorOf(() => readConfig('A: [1, 2', 'broken.yaml')), /^broken\.yaml: not a readable YAML config: /);
});

test('PanopticFPN: combine settings from the config', () => {
  const g = rcnn();
  g.outputs = ['bbox_nms', 'score_nms', 'class_nms', 'mask_fcn_probs', 'sem_seg'];
  const m = show(buildMeta(g, { config: readConfig('MODEL: {META_ARCHITECTURE: PanopticFPN, PANOPTIC_FPN: {COMBINE: {ENABLED: true, OVERLAP_THRESH: 0.4, STUFF_AREA_LIMIT: 1024, INSTANCES_CONFIDENCE_THRESH: 0.6}}}') }).entries);
  assert.equal([m['combine_on'], m['combine_overlap_threshold'], m['combine_stuff_area_limit'], m['combine_instances_confidence_threshold']], ['1 (config)', '0.4 (config)', '1024 (config)', '0.6 (config)']);
  assert.is(m['num_keypoints'], undefined);
});

test('class and keypoint names: COCO\'s for a COCO model of COCO\'s size, else only from flags', () => {
  const kps = rcnn(), plain = rcnn();
  plain.outputs = ['bbox_nms', 'score_nms', 'class_nms'];
  const names = (cfg: string, overrides: Record<string, string> = {}, g = plain) => Object.fromEntries(buildMeta(g, { config: readConfig(cfg), overrides }).entries.filter((e) => e.type === 'strings').map((e) => [e.key, e.value]));
  const coco = names('DATASETS: {TEST: [keypoints_coco_2017_val]}\nMODEL: {ROI_HEADS: {NUM_CLASSES: 1}, ROI_KEYPOINT_HEAD: {NUM_KEYPOINTS: 17}}', {}, kps);
  assert.equal(coco['thing_classes'], ['person']);
  assert.equal((coco['keypoint_names'] as string[]).slice(0, 3), ['nose', 'left_eye', 'right_eye']);
  assert.equal(names('DATASETS: {TEST: [coco_2017_val]}\nMODEL: {ROI_HEADS: {NUM_CLASSES: 3}}'), {});
  assert.equal(names('MODEL: {ROI_HEADS: {NUM_CLASSES: 3}}', { thing_classes: 'circle, square,triangle' }), { thing_classes: ['circle', 'square', 'triangle'] });
});

test.run();
