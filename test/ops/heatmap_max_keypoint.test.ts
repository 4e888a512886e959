// HeatmapMaxKeypoint: Caffe2's Python reference approx_heatmap_keypoint (detectron_keypoints.py,
// meant to match the C++ "bit-wise": Cramer's rule, same mirroring and clipping) ported below and
// run on seeded smooth maps and the test's two special 3x3 cases; an exact quadratic peak; the
// softmax without max subtraction; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runOp } from '../helpers/net.js';
import { seededFloats } from '../helpers/arb.js';
import { F } from './detection_helpers.js';

/** approx_heatmap_keypoint, float32 inputs, as the Python computes it (softmax minus the max). */
function approx(maps: Float32Array, boxes: Float32Array, N: number, K: number, S: number): number[] {
  const out = new Array<number>(N * 4 * K).fill(0);
  for (let k = 0; k < N; k++) {
    const [x0, y0, x1, y1] = [0, 1, 2, 3].map((i) => boxes[4 * k + i]!) as [number, number, number, number];
    const xLen = Math.max(x1 - x0, 1), yLen = Math.max(y1 - y0, 1);
    for (let j = 0; j < K; j++) {
      const g = (y: number, x: number): number => maps[((k * K + j) * S + y) * S + x]!;
      let maxX = -1, maxY = -1, maxScore = -100, mx = -Infinity;
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) mx = Math.max(mx, g(y, x));
      let sum = 0;
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) sum += Math.exp(g(y, x) - mx);
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) if (maxX < 0 || maxScore < g(y, x)) { maxScore = g(y, x); maxX = x; maxY = y; }
      const fm = [0, 1, 2].map((y) => [0, 1, 2].map((x) => {
        let hx = x + maxX - 1, hy = y + maxY - 1;
        hx = hx - 2 * +(hx >= S) + 2 * +(hx < 0);
        hy = hy - 2 * +(hy >= S) + 2 * +(hy < 0);
        return g(hy, hx);
      }));
      const b = [-(fm[1]![2]! - fm[1]![0]!) / 2, -(fm[2]![1]! - fm[0]![1]!) / 2];
      const a01 = (fm[2]![2]! - fm[2]![0]! - fm[0]![2]! + fm[0]![0]!) / 4;
      const A = [[fm[1]![0]! - 2 * fm[1]![1]! + fm[1]![2]!, a01], [a01, fm[0]![1]! - 2 * fm[1]![1]! + fm[2]![1]!]];
      const div = A[1]![1]! * A[0]![0]! - A[0]![1]! * A[1]![0]!;
      let dx = 0, dy = 0, score = maxScore;
      if (!(Math.abs(div) < 0.0001)) {
        dy = (b[1]! * A[0]![0]! - b[0]! * A[1]![0]!) / div;
        dx = (b[0]! * A[1]![1]! - b[1]! * A[0]![1]!) / div;
        if (Math.abs(dx) > 1.5 || Math.abs(dy) > 1.5) { const s = 1.5 / Math.max(Math.abs(dx), Math.abs(dy)); dx *= s; dy *= s; }
        score = fm[1]![1]! - (b[0]! * dx + b[1]! * dy) + 0.5 * (dx * dx * A[0]![0]! + dx * dy * A[1]![0]! + dy * dx * A[0]![1]! + dy * dy * A[1]![1]!);
      }
      out[k * 4 * K + j] = x0 + ((maxX + dx + 0.5) * xLen) / S;
      out[k * 4 * K + K + j] = y0 + ((maxY + dy + 0.5) * yLen) / S;
      out[k * 4 * K + 2 * K + j] = score;
      out[k * 4 * K + 3 * K + j] = Math.exp(maxScore - mx) / sum;
    }
  }
  return out;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): string | undefined => {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(b[i]!)))) return `[${i}] ${a[i]} vs ${b[i]}`;
  return undefined;
};

/** Smooth seeded maps: a few Gaussian bumps each, so maxima sit inside and on borders. */
function smoothMaps(N: number, K: number, S: number, seed: number): Float32Array {
  const m = new Float32Array(N * K * S * S), r = seededFloats(N * K * 9, seed, 0, 1);
  for (let q = 0; q < N * K; q++) {
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        let v = 0;
        for (let b = 0; b < 3; b++) {
          const cx = r[q * 9 + 3 * b]! * (S + 2) - 1, cy = r[q * 9 + 3 * b + 1]! * (S + 2) - 1, h = r[q * 9 + 3 * b + 2]! * 4;
          v += h * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (S / 2));
        }
        m[(q * S + y) * S + x] = v;
      }
    }
  }
  return m;
}

test('approx_heatmap_keypoint reference: 6 RoIs x 19 keypoints of 56x56 smooth maps, boxes 500 * rand', () => {
  const [N, K, S] = [6, 19, 56];
  const maps = smoothMaps(N, K, S, 5), r = seededFloats(N * 4, 6, 0, 500), boxes = new Float32Array(N * 4);
  for (let i = 0; i < N; i++) {
    const [a, b, c, d] = [r[4 * i]!, r[4 * i + 1]!, r[4 * i + 2]!, r[4 * i + 3]!];
    boxes.set([Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)], 4 * i);
  }
  const out = runOp('HeatmapMaxKeypoint', { should_output_softmax: 1 }, [F([N, K, S, S], maps), F([N, 4], boxes)], 1)[0]!;
  assert.equal(out.shape, [N, 4, K]);
  const msg = close(out.data as Float32Array, approx(maps, boxes, N, K, S));
  assert.not.ok(msg, msg);
});

test('the two special 3x3 cases of heatmap_max_keypoint_op_test.py, box [0, 0, 100, 100]', () => {
  const cases = [
    [0.14722, 0.807823, 0.447052, 0.652919, 0.850923, -0.225462, 0.805912, 0.75778, -0.563371],
    [3.19541, 3.69551, 3.87579, 3.63094, 3.89978, 3.67606, 3.78555, 3.87291, 3.28083],
  ];
  for (const c of cases) {
    const maps = Float32Array.from(c), boxes = Float32Array.of(0, 0, 100, 100);
    const out = runOp('HeatmapMaxKeypoint', { should_output_softmax: 1 }, [F([1, 1, 3, 3], maps), F([1, 4], boxes)], 1)[0]!;
    const msg = close(out.data as Float32Array, approx(maps, boxes, 1, 1, 3));
    assert.not.ok(msg, msg);
  }
});

test('an exact quadratic peak is found to sub-pixel accuracy; a flat map keeps the cell center', () => {
  const S = 8, px = 3.3, py = 4.6, maps = new Float32Array(S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) maps[y * S + x] = 10 - (x - px) ** 2 - 0.5 * (y - py) ** 2;
  const out = runOp('HeatmapMaxKeypoint', {}, [F([1, 1, S, S], maps), F([1, 5], [10, 20, 90, 60, 0.9])], 1)[0]!.data as Float32Array;
  assert.ok(Math.abs(out[0]! - (10 + ((0.5 + px) * 80) / S)) < 1e-4, `x ${out[0]}`);
  assert.ok(Math.abs(out[1]! - (20 + ((0.5 + py) * 40) / S)) < 1e-4, `y ${out[1]}`);
  assert.ok(Math.abs(out[2]! - 10) < 1e-4, `peak value ${out[2]}`);
  assert.is(out[3], 0, 'no softmax by default');
  // flat map: det A = 0, so no step; the first cell (0, 0) is the maximum; a zero-size box counts as 1 wide
  const flat = runOp('HeatmapMaxKeypoint', {}, [F([1, 1, 2, 2], [1, 1, 1, 1]), F([1, 4], [5, 5, 5, 5])], 1)[0]!.data as Float32Array;
  assert.equal(Array.from(flat), [5.25, 5.25, 1, 0]);
});

test('pinned: the softmax does not subtract the maximum (Caffe2): logits of 100 overflow float32 to NaN', () => {
  const out = runOp('HeatmapMaxKeypoint', { should_output_softmax: 1 }, [F([1, 1, 2, 2], [100, 99, 99, 99]), F([1, 4], [0, 0, 10, 10])], 1)[0]!;
  assert.ok(Number.isNaN(out.get(3)), `prob ${out.get(3)}`);
  const ok = runOp('HeatmapMaxKeypoint', { should_output_softmax: 1 }, [F([1, 1, 2, 2], [1, 0, 0, 0]), F([1, 4], [0, 0, 10, 10])], 1)[0]!;
  assert.ok(Math.abs(ok.get(3) - Math.E / (Math.E + 3)) < 1e-6);
});

test('errors: non-square or 1x1 maps, box count and width', () => {
  const cases: [number[], number[], string][] = [
    [[1, 1, 2, 3], [1, 4], "input 'heatmaps' must be square maps of at least 2 x 2, [N, K, S, S], got [1, 1, 2, 3]"],
    [[1, 1, 1, 1], [1, 4], "input 'heatmaps' must be square maps of at least 2 x 2, [N, K, S, S], got [1, 1, 1, 1]"],
    [[2, 1, 2, 2], [1, 4], "input 'bboxes_in' [1, 4] must have one box per heatmap set of input 'heatmaps' [2, 1, 2, 2]"],
    [[1, 1, 2, 2], [1, 3], "input 'bboxes_in' must be [N, >= 4], got [1, 3]"],
  ];
  for (const [ms, bs, msg] of cases) {
    let got = '';
    try { runOp('HeatmapMaxKeypoint', {}, [F(ms, new Array(ms.reduce((a, b) => a * b)).fill(0)), F(bs, new Array(bs.reduce((a, b) => a * b)).fill(0))], 1); } catch (e) { got = (e as Error).message; }
    assert.ok(got.includes(msg), got);
  }
});

test.run();
