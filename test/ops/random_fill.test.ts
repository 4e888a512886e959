// Random fills: deterministic per net, the right distribution (moments from 20k samples against
// the analytic ones), the right bounds, and the FillerOp shape rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../src/core/tensor.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { nextU32, seedRng } from '../../src/ops/fill_random.js';
import { makeNet, makeOp, runOp, type JsonArg } from '../helpers/net.js';

function moments(d: Float32Array | Int32Array): { mean: number; std: number; min: number; max: number } {
  let s = 0, s2 = 0, min = Infinity, max = -Infinity;
  for (const v of d) { s += v; s2 += v * v; if (v < min) min = v; if (v > max) max = v; }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(s2 / d.length - mean * mean), min, max };
}

const fill = (type: string, args: Record<string, JsonArg>, feeds: Tensor[] = []) => runOp(type, args, feeds, 1)[0]!;

test('xoshiro128**: the published first outputs for seed state [1, 2, 3, 4]', () => {
  // reference sequence of xoshiro128** 1.1 from state {1, 2, 3, 4}
  const s = Uint32Array.of(1, 2, 3, 4);
  assert.equal([nextU32(s), nextU32(s), nextU32(s), nextU32(s)], [11520, 0, 5927040, 70819200]);
  seedRng(s, 0);
  assert.ok(s.some((x) => x !== 0));
});

test('GaussianFill mean=3 std=0.5 shape=[20000]: sample moments within 4 standard errors', () => {
  const t = fill('GaussianFill', { shape: [20000], mean: 3, std: 0.5 });
  const m = moments(t.data as Float32Array);
  assert.ok(Math.abs(m.mean - 3) < 4 * 0.5 / Math.sqrt(20000), `mean ${m.mean}`);
  assert.ok(Math.abs(m.std - 0.5) < 0.02, `std ${m.std}`);
});

test('UniformFill min=-2 max=10 shape=[100,200]: in [min, max), mean (min+max)/2, std span/sqrt(12)', () => {
  const t = fill('UniformFill', { shape: [100, 200], min: -2, max: 10 });
  const m = moments(t.data as Float32Array);
  assert.ok(m.min >= -2 && m.max < 10, `range [${m.min}, ${m.max}]`);
  assert.ok(Math.abs(m.mean - 4) < 4 * 12 / Math.sqrt(12 * 20000), `mean ${m.mean}`);
  assert.ok(Math.abs(m.std - 12 / Math.sqrt(12)) < 0.05, `std ${m.std}`);
});

test('UniformFill with min/max inputs; min > max gives a first dim of 0', () => {
  const src = new Tensor('float32', [4, 3]);
  const t = fill('UniformFill', {}, [src, Tensor.scalar(5), Tensor.scalar(6)]);
  assert.equal(t.shape, [4, 3]);
  assert.ok(Array.from(t.data as Float32Array).every((v) => v >= 5 && v < 6));
  const e = fill('UniformFill', {}, [src, Tensor.scalar(6), Tensor.scalar(5)]);
  assert.equal(e.shape, [0, 3]);
  assert.throws(() => fill('UniformFill', { min: 1 }, [src, Tensor.scalar(0), Tensor.scalar(1)]), /cannot set both the 'min' arg and the 'min' input/);
  assert.throws(() => fill('UniformFill', { shape: [2], min: 1, max: 1 }), /arg 'max': max must be greater than min, got min 1, max 1/);
});

test('UniformIntFill min=-3 max=3: every value of [-3, 3] appears, none outside', () => {
  const t = fill('UniformIntFill', { shape: [7000], min: -3, max: 3 });
  const counts = new Map<number, number>();
  for (const v of t.data as Int32Array) counts.set(v, (counts.get(v) ?? 0) + 1);
  assert.equal([...counts.keys()].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2, 3]);
  for (const c of counts.values()) assert.ok(c > 800 && c < 1200, `count ${c}`);
});

test('XavierFill shape=[50,8,5]: uniform within +-sqrt(3/40), std scale/sqrt(3)', () => {
  const t = fill('XavierFill', { shape: [50, 8, 5] });
  const s = Math.sqrt(3 / 40), m = moments(t.data as Float32Array);
  assert.ok(m.min >= -s && m.max < s, `range [${m.min}, ${m.max}]`);
  assert.ok(Math.abs(m.std - s / Math.sqrt(3)) < 0.01, `std ${m.std}`);
});

test('MSRAFill shape=[16,250,2,2]: normal with std sqrt(2/fan_out), fan_out = numel/dims[1] = 64', () => {
  const t = fill('MSRAFill', { shape: [16, 250, 2, 2] });
  const m = moments(t.data as Float32Array);
  assert.ok(Math.abs(m.mean) < 4 * Math.sqrt(2 / 64) / Math.sqrt(16000), `mean ${m.mean}`);
  assert.ok(Math.abs(m.std - Math.sqrt(2 / 64)) < 0.006, `std ${m.std}`);
  assert.throws(() => fill('MSRAFill', { shape: [16] }), /MSRAFill needs a shape of rank >= 2, got \[16\]/);
});

test('random fills are the same on every load of a net, differ between ops, and advance across runs', () => {
  const net = makeNet([makeOp('GaussianFill', [], ['a'], { shape: [8] }), makeOp('GaussianFill', [], ['b'], { shape: [8] })], [], ['a', 'b']);
  const run = (m: Caffe2Model) => { const o = m.run({}); return [Array.from(o.get('a')!.data as Float32Array), Array.from(o.get('b')!.data as Float32Array)]; };
  const m1 = new Caffe2Model(net, undefined, { registry: defaultRegistry }), m2 = new Caffe2Model(net, undefined, { registry: defaultRegistry });
  const [a1, b1] = run(m1), [a2] = run(m2);
  assert.equal(a1, a2);
  assert.not.equal(a1, b1);
  assert.not.equal(run(m1)[0], a1);
});

test('shape rules: from input dims + extra_shape, from input values, and errors', () => {
  assert.equal(fill('GaussianFill', { extra_shape: [2, 3] }, [new Tensor('float32', [4])]).shape, [4, 2, 3]);
  assert.equal(fill('UniformFill', { input_as_shape: 1 }, [Tensor.from('int64', [2], [3, 1])]).shape, [3, 1]);
  assert.throws(() => fill('GaussianFill', { shape: [2] }, [new Tensor('float32', [4])]), /'shape' must not be set when the shape comes from an input/);
  assert.throws(() => fill('GaussianFill', { input_as_shape: 1 }), /'input_as_shape' needs an input/);
  assert.throws(() => fill('GaussianFill', { std: -1 }), /arg 'std': std must be >= 0, got -1/);
});

test.run();
