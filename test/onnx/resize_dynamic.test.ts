// Resize with scales, sizes or roi fed at run time (src/onnx/rules/resize_dynamic.ts) against the
// same model converted with those inputs bound as constants (resize.ts: direct Caffe2 forms or
// interpolation matrices computed ahead of time, which the ONNX node tests check against ONNX's
// reference). Random modes, coordinate transformations, roundings, antialias, exclude_outside,
// crops and aspect policies; plus the run-time check on leading axes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Tensor } from '../../src/core/tensor.js';
import { closeTensors } from '../helpers/close.js';
import { seed, seededFloats } from '../helpers/arb.js';
import { f32, i64, node, T, type AttrIn, type ModelIn } from './build.js';
import { errorOf, ops, run } from './util.js';

const CTMS = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'];
const ROUNDING = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];
// float32 scales with exact and inexact reciprocals, up and down
const SCALES = [0.5, 0.6, 0.75, 1, 4 / 3, 1.5, 2, 2.5, 3];

const dec = new TextDecoder();
function attrsOf(m: ModelIn): string {
  const attrs = (m.nodes[0] as { attribute: { name: string; s?: Uint8Array; i?: bigint; f?: number; ints?: BigInt64Array }[] }).attribute;
  return attrs.map((a) => `${a.name}=${a.s ? dec.decode(a.s) : a.ints ? `[${a.ints}]` : a.i ?? a.f}`).join(' ');
}

interface Case { model: ModelIn; feeds: Record<string, Tensor>; fed: string[] }

const cases = fc.record({
  mode: fc.constantFrom('nearest', 'linear', 'cubic'), ctm: fc.constantFrom(...CTMS), rounding: fc.constantFrom(...ROUNDING),
  exclude: fc.boolean(), antialias: fc.boolean(), sizes: fc.boolean(), policy: fc.constantFrom('stretch', 'not_larger', 'not_smaller'),
  C: fc.integer({ min: 1, max: 2 }), H: fc.integer({ min: 1, max: 6 }), W: fc.integer({ min: 1, max: 6 }),
  sh: fc.constantFrom(...SCALES), sw: fc.constantFrom(...SCALES), oh: fc.integer({ min: 1, max: 8 }), ow: fc.integer({ min: 1, max: 8 }),
  roi: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 6, max: 10 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 6, max: 10 })),
  ext: fc.constantFrom(0, 10), seed,
}).map((r): Case | null => {
  const shape = [1, r.C, r.H, r.W];
  const scales = [1, 1, Math.fround(r.sh), Math.fround(r.sw)];
  if (!r.sizes && (Math.floor(r.H * scales[2]!) < 1 || Math.floor(r.W * scales[3]!) < 1)) return null;
  const attrs: Record<string, AttrIn> = { mode: r.mode, coordinate_transformation_mode: r.ctm, nearest_mode: r.rounding, exclude_outside: r.exclude ? 1 : 0, antialias: r.antialias ? 1 : 0 };
  const feeds: Record<string, Tensor> = { x: f32(shape, Array.from(seededFloats(r.C * r.H * r.W, r.seed, -4, 4))) };
  const inputs = [{ name: 'x', shape }];
  const names = ['x', '', '', ''];
  if (r.ctm === 'tf_crop_and_resize') {
    // [starts, ends] of every axis, or of the listed axes (the sizes cases list [2, 3])
    const [a, b, c, d] = r.roi;
    feeds['roi'] = r.sizes ? f32([4], [a / 10, c / 10, b / 10, d / 10]) : f32([8], [0, 0, a / 10, c / 10, 1, 1, b / 10, d / 10]);
    inputs.push({ name: 'roi', shape: [r.sizes ? 4 : 8] });
    names[1] = 'roi';
    attrs['extrapolation_value'] = { f: r.ext };
  }
  if (r.sizes) {
    feeds['sizes'] = i64([2], [r.oh, r.ow]);
    inputs.push({ name: 'sizes', type: T.INT64, shape: [2] } as never);
    names[3] = 'sizes';
    attrs['axes'] = [2, 3];
    attrs['keep_aspect_ratio_policy'] = r.policy;
  } else {
    feeds['scales'] = f32([4], scales);
    inputs.push({ name: 'scales', shape: [4] });
    names[2] = 'scales';
  }
  const last = names.reduce((k, n, i) => (n ? i : k), 0);
  const model: ModelIn = { nodes: [node('Resize', names.slice(0, last + 1), ['y'], attrs)], inputs, outputs: [{ name: 'y' }], opset: 19 };
  return { model, feeds, fed: Object.keys(feeds).filter((n) => n !== 'x') };
}).filter((c): c is Case => c !== null);

test('property: run-time scales/sizes/roi give what the constant path gives (every mode, coordinate mode, rounding, antialias, crop, policy)', () => {
  fc.assert(fc.property(cases, ({ model, feeds, fed }) => {
    const constants = new Map(fed.map((n) => [n, feeds[n]!] as const));
    const what = `Resize ${attrsOf(model)} x ${feeds['x']!.shape} ${fed.map((n) => `${n}=[${feeds[n]!.toNumbers()}]`).join(' ')}`;
    let want: Tensor, got: Tensor;
    try { want = run(model, { x: feeds['x']! }, { constants }).get('y')!; } catch (e) { throw new Error(`${what}, constant path: ${(e as Error).message}`); }
    try { got = run(model, feeds).get('y')!; } catch (e) { throw new Error(`${what}, run-time path: ${(e as Error).message}`); }
    const bad = closeTensors(got, want, { atol: 1e-5, rtol: 1e-5 });
    assert.not.ok(bad, `${what}: ${bad}`);
  }), { numRuns: 40 });
});

test('run-time scales: the ops that compute the matrices, no constant inputs needed', () => {
  const model: ModelIn = {
    nodes: [node('Resize', ['x', '', 's'], ['y'], { mode: 'linear' })],
    inputs: [{ name: 'x', shape: [1, 1, 2, 2] }, { name: 's', shape: [4] }], outputs: [{ name: 'y' }], opset: 19,
  };
  const types = new Set(ops(model).map((o) => o.split('(')[0]));
  for (const t of ['Range', 'BatchMatMul', 'Assert']) assert.ok(types.has(t), `expected a ${t} op, got ${[...types].join(', ')}`);
  // half-pixel linear x2 of [[1, 2], [3, 4]]: rows 1, 1.25, 1.75, 2 (edges clamp)
  const y = run(model, { x: f32([1, 1, 2, 2], [1, 2, 3, 4]), s: f32([4], [1, 1, 2, 2]) }).get('y')!;
  assert.equal(y.shape, [1, 1, 4, 4]);
  assert.equal(Array.from(y.data as Float32Array).slice(0, 4), [1, 1.25, 1.75, 2]);
});

test('run-time scales on the batch or channel axis fail at run time, naming the node', () => {
  const model: ModelIn = {
    nodes: [node('Resize', ['x', '', 's'], ['y'], { mode: 'nearest' }, { name: 'up' })],
    inputs: [{ name: 'x', shape: [1, 1, 2, 2] }, { name: 's', shape: [4] }], outputs: [{ name: 'y' }], opset: 19,
  };
  assert.match(errorOf(() => run(model, { x: f32([1, 1, 2, 2], [1, 2, 3, 4]), s: f32([4], [1, 2, 2, 2]) })),
    /op #\d+ Assert: assertion failed: Resize 'up': axis 1 has a scale other than 1, and only the last two axes can be resized/);
});

test.run();
