// CollectRpnProposals, DistributeFpnProposals, CollectAndDistributeFpnRpnProposals: Caffe2's Python
// reference (collect_and_distribute_fpn_rpn_proposals_op_test.py: boxes_area with +1,
// map_rois_to_fpn_levels, collect = argsort(-scores)[:topN], distribute) ported and run on seeded
// 5-level inputs; pinned tie order, 4-column rois, the restoring permutation, errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Tensor } from '../../src/core/tensor.js';
import { runOp } from '../helpers/net.js';
import { seededFloats } from '../helpers/arb.js';
import { F } from './detection_helpers.js';

const arr = (t: Tensor): number[] => Array.from(t.data as Float32Array | Int32Array);

/** The Python test's inputs: per level, rois [n, 5] with positive area and scores [n]. */
function levels(L: number, n: number, seed: number): { rois: Tensor[]; scores: Tensor[] } {
  const rois: Tensor[] = [], scores: Tensor[] = [];
  for (let l = 0; l < L; l++) {
    const r = seededFloats(n * 5, seed + l, 0, 1), d = new Float32Array(n * 5);
    for (let i = 0; i < n; i++) {
      const x1 = r[5 * i + 1]! * 500, y1 = r[5 * i + 2]! * 500;
      d.set([Math.floor(r[5 * i]! * 2), x1, y1, x1 + r[5 * i + 3]! ** 2 * 800, y1 + r[5 * i + 4]! ** 2 * 800], 5 * i);
    }
    rois.push(F([n, 5], d));
    scores.push(F([n], seededFloats(n, seed + 100 + l, 0, 1)));
  }
  return { rois, scores };
}

/** The numpy reference: collect by argsort(-scores) (stable), then map to levels and split. */
function reference(rois: Tensor[], scores: Tensor[], topN: number, legacy: boolean): { rois: number[][]; levels: number[][][]; restore: number[] } {
  const all = rois.flatMap((t) => Array.from({ length: t.shape[0]! }, (_, i) => Array.from((t.data as Float32Array).subarray(5 * i, 5 * i + 5))));
  const sc = scores.flatMap((t) => Array.from(t.data as Float32Array));
  const order = sc.map((_, i) => i).sort((a, b) => sc[b]! - sc[a]! || a - b).slice(0, topN > 0 ? topN : undefined);
  const kept = order.map((i) => all[i]!);
  const p = legacy ? 1 : 0;
  const lvl = kept.map((r) => {
    const s = Math.sqrt((r[3]! - r[1]! + p) * (r[4]! - r[2]! + p));
    return Math.min(Math.max(Math.floor(4 + Math.log2(s / 224 + 1e-6)), 2), 5);
  });
  const lv: number[][][] = [], idx: number[] = [];
  for (let l = 2; l <= 5; l++) {
    const rows = kept.map((r, i) => [r, i] as const).filter(([, i]) => lvl[i] === l);
    lv.push(rows.map(([r]) => r));
    idx.push(...rows.map(([, i]) => i));
  }
  const restore = idx.map((_, i) => i).sort((a, b) => idx[a]! - idx[b]!);
  return { rois: kept, levels: lv, restore };
}

const close = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-4 * (1 + Math.abs(b[i]!)));

test('Python reference: 5 levels x 500 seeded rois, collect top 2000 then distribute to levels 2..5 (+1 areas)', () => {
  for (const [seed, legacy] of [[1, true], [7, false]] as const) {
    const { rois, scores } = levels(5, 500, seed);
    const want = reference(rois, scores, 2000, legacy);
    const args = { rpn_min_level: 2, rpn_max_level: 6, rpn_post_nms_topN: 2000, legacy_plus_one: legacy ? 1 : 0 };
    const out = runOp('CollectAndDistributeFpnRpnProposals', args, [...rois, ...scores], 6);
    assert.equal(out[0]!.shape, [2000, 5]);
    assert.ok(close(arr(out[0]!), want.rois.flat()), 'collected rois');
    want.levels.forEach((lv, l) => {
      assert.equal(out[1 + l]!.shape, [lv.length, 5], `level ${l + 2}`);
      assert.ok(close(arr(out[1 + l]!), lv.flat()), `level ${l + 2}`);
    });
    assert.equal(arr(out[5]!), want.restore);
    // the separate ops compose to the same thing
    const c = runOp('CollectRpnProposals', { rpn_min_level: 2, rpn_max_level: 6, rpn_post_nms_topN: 2000 }, [...rois, ...scores], 1)[0]!;
    assert.equal(arr(c), arr(out[0]!));
    const d = runOp('DistributeFpnProposals', { roi_min_level: 2, roi_max_level: 5, legacy_plus_one: legacy ? 1 : 0 }, [c], 5);
    d.forEach((t, i) => assert.equal(arr(t), arr(out[i + 1]!)));
  }
});

test('BatchPermutation(concat(levels), rois_idx_restore) restores the original roi order', () => {
  const { rois } = levels(1, 300, 3);
  const d = runOp('DistributeFpnProposals', { legacy_plus_one: 0 }, [rois[0]!], 5);
  const concat = F([300, 5], d.slice(0, 4).flatMap(arr));
  const back = runOp('BatchPermutation', {}, [concat, d[4]!], 1)[0]!;
  assert.equal(arr(back), arr(rois[0]!));
});

test('pinned: Collect ranks equal scores by lower concatenated index, over the whole batch; topN <= 0 keeps all', () => {
  const r0 = F([2, 5], [0, 0, 0, 1, 1, 1, 0, 0, 2, 2]), r1 = F([2, 5], [0, 0, 0, 3, 3, 1, 0, 0, 4, 4]);
  const s0 = F([2], [0.5, 0.9]), s1 = F([2], [0.9, 0.5]);
  const top3 = runOp('CollectRpnProposals', { rpn_min_level: 2, rpn_max_level: 3, rpn_post_nms_topN: 3 }, [r0, r1, s0, s1], 1)[0]!;
  assert.equal(arr(top3).filter((_, i) => i % 5 === 3), [2, 3, 1]);
  const all = runOp('CollectRpnProposals', { rpn_min_level: 2, rpn_max_level: 3, rpn_post_nms_topN: 0 }, [r0, r1, s0, s1], 1)[0]!;
  assert.equal(arr(all).filter((_, i) => i % 5 === 3), [2, 3, 1, 4]);
  // the older arg name post_nms_topN is read when rpn_post_nms_topN is absent
  const old = runOp('CollectRpnProposals', { rpn_min_level: 2, rpn_max_level: 3, post_nms_topN: 1 }, [r0, r1, s0, s1], 1)[0]!;
  assert.equal(old.shape, [1, 5]);
});

test('pinned: 4-column rois get image index 0; legacy_plus_one defaults to true', () => {
  // 223 x 223: level 4 only with +1 (224 wide), else floor(4 + log2(223/224)) = 3
  const rois = F([2, 4], [0, 0, 223, 223, 10, 10, 20, 20]);
  const dflt = runOp('DistributeFpnProposals', {}, [rois], 5);
  assert.equal(dflt.map((t) => t.shape[0]), [1, 0, 1, 0, 2]);
  assert.equal(arr(dflt[2]!), [0, 0, 0, 223, 223]);
  assert.equal(arr(dflt[4]!), [1, 0]);
  const off = runOp('DistributeFpnProposals', { legacy_plus_one: 0 }, [rois], 5);
  assert.equal(off.map((t) => t.shape[0]), [1, 1, 0, 0, 2]);
  assert.equal(arr(off[4]!), [1, 0]);
  const empty = runOp('DistributeFpnProposals', {}, [F([0, 5], [])], 5);
  assert.equal(empty.map((t) => t.shape), [[0, 5], [0, 5], [0, 5], [0, 5], [0]]);
});

test('errors: negative area, output and input counts, level order, conflicting topN spellings', () => {
  const cases: [() => unknown, string][] = [
    [() => runOp('DistributeFpnProposals', { legacy_plus_one: 0 }, [F([2, 4], [0, 0, 5, 5, 3, 0, 2, 5])], 5),
      "input 'rois' row 1 [3, 0, 2, 5] has a negative area (x2 < x1 or y2 < y1)"],
    [() => runOp('DistributeFpnProposals', {}, [F([1, 4], [0, 0, 5, 5])], 4), 'gives 4 level blobs (roi_min_level..roi_max_level) and rois_idx_restore: 5 outputs, got 4'],
    [() => runOp('DistributeFpnProposals', { roi_min_level: 5, roi_max_level: 2 }, [F([1, 4], [0, 0, 5, 5])], 5), "arg 'roi_max_level': roi_max_level 2 must be >= roi_min_level 5"],
    [() => runOp('DistributeFpnProposals', {}, [F([1, 6], [0, 0, 0, 5, 5, 0])], 5), "input 'rois' must be [R, 4|5], got [1, 6]"],
    [() => runOp('CollectRpnProposals', { rpn_min_level: 2, rpn_max_level: 3 }, [F([1, 5], [0, 0, 0, 1, 1]), F([1], [1])], 1),
      'takes 2 x 2 inputs (the rois of levels rpn_min_level..rpn_max_level, then their scores), got 2'],
    [() => runOp('CollectRpnProposals', { rpn_min_level: 2, rpn_max_level: 2 }, [F([2, 5], new Array(10).fill(0)), F([3], [1, 1, 1])], 1),
      'input #1 (scores of level 2) must hold one score per roi of input #0 [2, 5], got [3]'],
    [() => runOp('CollectRpnProposals', { rpn_min_level: 2, rpn_max_level: 2 }, [F([1, 4], [0, 0, 1, 1]), F([1], [1])], 1),
      'input #0 (rois of level 2) must be [n, 5], got [1, 4]'],
    [() => runOp('CollectRpnProposals', { rpn_min_level: 2, rpn_max_level: 2, rpn_post_nms_topN: 5, post_nms_topN: 6 }, [F([1, 5], [0, 0, 0, 1, 1]), F([1], [1])], 1),
      "arg 'post_nms_topN': conflicts with rpn_post_nms_topN (6 vs 5)"],
    [() => runOp('CollectAndDistributeFpnRpnProposals', { rpn_min_level: 2, rpn_max_level: 2 }, [F([1, 5], [0, 0, 0, 1, 1]), F([1], [1])], 5),
      'gives rois, 4 level blobs (roi_min_level..roi_max_level) and rois_idx_restore: 6 outputs, got 5'],
  ];
  for (const [fn, msg] of cases) {
    let got = '';
    try { fn(); } catch (e) { got = (e as Error).message; }
    assert.ok(got.includes(msg), `expected ${JSON.stringify(msg)}, got ${JSON.stringify(got)}`);
  }
});

test.run();
