// GenerateProposals beyond the JSON cases: Caffe2's TestEmpty and TestRealDownSampledRotated
// (inputs built as the C++ test builds them), the alias, the legacy_plus_one default, and the
// plan-time bounds of the data-dependent outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { runOp, tensorFromJson } from '../helpers/net.js';
import { F, inferOp, info } from './detection_helpers.js';

interface JT { dims: number[]; data: number[] }
const cases = (JSON.parse(readFileSync('test/ops/cases/GenerateProposals.json', 'utf8')) as { cases: { title: string; inputs: JT[]; outputs: JT[] }[] }).cases;
const real = cases.find((c) => c.title.startsWith('TestRealDownSampled A=2'))!;
const [A, H, W] = [2, 4, 5];
const ARGS = { spatial_scale: { f: 0.0625 }, pre_nms_topN: 6000, post_nms_topN: 300, nms_thresh: 0.7, min_size: { f: 16 } };

test('TestEmpty: 3 images, scores 1, linspace deltas, im_info 0.1 -> no rois', () => {
  const n = 3 * 16 * 10 * 8;
  const out = runOp('GenerateProposals', { spatial_scale: { f: 2 } }, [
    F([3, 4, 10, 8], new Array(3 * 4 * 10 * 8).fill(1)), F([3, 16, 10, 8], Array.from({ length: n }, (_, i) => (10 * i) / (n - 1))),
    F([3, 3], new Array(9).fill(0.1)), F([4, 4], new Array(16).fill(1)),
  ], 2);
  assert.equal(out[0]!.shape, [0, 5]);
  assert.equal(out[1]!.shape, [0]);
});

test('TestRealDownSampledRotated: 45-degree anchors, +10 degree deltas -> 13 rois, all at 55 degrees', () => {
  const bbx = real.inputs[1]!.data, HW = H * W, d5: number[] = [];
  for (let a = 0; a < A; a++) d5.push(...bbx.slice(a * 4 * HW, (a + 1) * 4 * HW), ...new Array(HW).fill(Math.fround(0.174533)));
  const [rois, probs] = runOp('GenerateProposals', { ...ARGS, clip_angle_thresh: { f: 1 } }, [
    tensorFromJson(real.inputs[0]!), F([1, 5 * A, H, W], d5), F([1, 3], [60, 80, 0.166667]), F([A, 5], [8, 8, 92, 48, 45, 8, 8, 256, 256, 45]),
  ], 2);
  assert.equal(rois!.shape, [13, 6]);
  assert.equal(probs!.shape, [13]);
  for (let i = 0; i < 13; i++) assert.ok(Math.abs(rois!.get(i * 6 + 5) - 55) <= 1e-4, `row ${i} angle ${rois!.get(i * 6 + 5)}`);
});

test('GenerateProposalsCPP is the same op', () => {
  const ins = real.inputs.map(tensorFromJson);
  const a = runOp('GenerateProposals', ARGS, ins, 2), b = runOp('GenerateProposalsCPP', ARGS, ins, 2);
  assert.equal(Array.from(a[0]!.data as Float32Array), Array.from(b[0]!.data as Float32Array));
});

test('pinned: legacy_plus_one defaults to true; passing 0 changes TestRealDownSampled by about a pixel', () => {
  const ins = real.inputs.map(tensorFromJson);
  const absent = runOp('GenerateProposals', ARGS, ins, 2)[0]!, on = runOp('GenerateProposals', { ...ARGS, legacy_plus_one: 1 }, ins, 2)[0]!;
  const off = runOp('GenerateProposals', { ...ARGS, legacy_plus_one: 0 }, ins, 2)[0]!;
  assert.equal(Array.from(absent.data as Float32Array), Array.from(on.data as Float32Array));
  // the first published roi is the whole 80 x 60 image: its clip bound is 79 x 59 with +1, 80 x 60 without
  assert.equal(Array.from((on.data as Float32Array).subarray(0, 5)), [0, 0, 0, 79, 59]);
  assert.equal(Array.from((off.data as Float32Array).subarray(0, 5)), [0, 0, 0, 80, 60]);
});

test('plan-time shapes: -1 rows bounded by N * min(post_nms_topN, pre-NMS count); unknown N leaves no bound', () => {
  const ins = [info([2, 3, 50, 60]), info([2, 12, 50, 60]), info([2, 3]), info([3, 4])];
  const [rois, probs] = inferOp('GenerateProposals', { pre_nms_topN: 1000, post_nms_topN: 500 }, ins, 2);
  assert.equal(rois, { dtype: 'float32', shape: [-1, 5], max: [1000, 5] });
  assert.equal(probs, { dtype: 'float32', shape: [-1], max: [1000] });
  // a small map: 3 x 2 x 2 = 12 candidates per image bound the count
  const small = inferOp('GenerateProposals', {}, [info([1, 3, 2, 2]), info([1, 12, 2, 2]), info([1, 3]), info([3, 4])], 2);
  assert.equal(small[0]!.max, [12, 5]);
  const unknown = inferOp('GenerateProposals', {}, [info([-1, 3, -1, -1]), info([-1, 15, -1, -1]), info([-1, 3]), info([3, 5])], 2);
  assert.equal(unknown[0], { dtype: 'float32', shape: [-1, 6] });
});

test.run();
