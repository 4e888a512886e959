// Mask utilities against hand-derived cases, maskApi.c's polygon rasteriser (fixture) and
// dense-mask references (fast-check): codec round trips, area, box, merge, IoU.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fixture } from '../helpers/paths.js';
import { InputError } from '../../src/core/errors.js';
import {
  type Rle, rleArea, rleDecode, rleEncode, rleFromBbox, rleFromJson, rleFromPolygon, rleFromString, rleMerge,
  rleToBbox, rleToString, segmentationToRle,
} from '../../src/eval/rle.js';
import { bboxIou, rleIou } from '../../src/eval/iou.js';

const PROP = { numRuns: 150 };

/** A random h x w column-major mask: blobs or noise, so runs of every length occur. */
const maskArb = fc.record({ h: fc.integer({ min: 1, max: 13 }), w: fc.integer({ min: 1, max: 13 }), seed: fc.integer(), kind: fc.constantFrom('noise', 'box', 'empty', 'full') })
  .map(({ h, w, seed, kind }) => denseMask(h, w, seed, kind));

function denseMask(h: number, w: number, seed: number, kind: string): { h: number; w: number; m: Uint8Array } {
  let s = seed | 0 || 1;
  const rnd = (): number => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 2 ** 32; };
  const m = new Uint8Array(h * w);
  const x0 = Math.floor(rnd() * w), y0 = Math.floor(rnd() * h), x1 = x0 + Math.floor(rnd() * w), y1 = y0 + Math.floor(rnd() * h);
  const p = rnd();
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      m[x * h + y] = kind === 'full' ? 1 : kind === 'empty' ? 0 : kind === 'noise' ? (rnd() < p ? 1 : 0) : (x >= x0 && x <= x1 && y >= y0 && y <= y1 ? 1 : 0);
    }
  }
  return { h, w, m };
}

const ones = (m: Uint8Array): number => m.reduce((a, b) => a + b, 0);

test('string codec: hand-derived counts <-> chars (first 3 raw, then deltas to the count two back)', () => {
  // 11 ';', 7 '7', 3 '3', then deltas 0 ('0') x11, then 22 - 3 = 19 = 0b10011 -> '0'+(19|0x20)='c', then '0'
  const counts = [11, 7, 3, 7, 3, 7, 3, 7, 3, 7, 3, 7, 3, 7, 22];
  assert.is(rleToString({ h: 10, w: 10, counts: Uint32Array.from(counts) }), ';7300000000000c0');
  assert.equal(Array.from(rleFromString(';7300000000000c0', 10, 10).counts), counts);
  // 20 = 0b10100 has the sign bit 0x10 set, so it takes two chars: 'd' (20|0x20) then '0';
  // the negative delta 3 - 10 = -7 -> low 5 bits 25 (two's complement), rest -1, sign bit set -> 'I'
  assert.is(rleToString({ h: 1, w: 38, counts: Uint32Array.from([5, 10, 20, 3]) }), '5:d0I');
  assert.equal(Array.from(rleFromString('5:d0I', 1, 38).counts), [5, 10, 20, 3]);
  // 1000 = 0b11111_01000: 'X' (8|0x20), then 31 has the sign bit set so a '0' terminator follows: 'o0'
  assert.is(rleToString({ h: 1000, w: 1, counts: Uint32Array.from([1000]) }), 'Xo0');
  assert.equal(Array.from(rleFromString('Xo0', 1000, 1).counts), [1000]);
});

test('rleFromString: a string cut inside a count is an error naming the position', () => {
  assert.throws(() => rleFromString('5:X', 1, 40), (e: unknown) => e instanceof InputError && /ends inside a count at char 3/.test((e as Error).message));
});

test('rleDecode: runs past h*w are rejected (pycocotools 2.0.11: invalid RLE)', () => {
  assert.throws(() => rleDecode({ h: 2, w: 2, counts: Uint32Array.from([1, 4]) }), /sum past h\*w = 2\*2 = 4 at count #1/);
});

test('rleFromJson: uncompressed counts and size checks', () => {
  const r = rleFromJson({ size: [2, 3], counts: [1, 2, 3] });
  assert.equal([r.h, r.w, ...r.counts], [2, 3, 1, 2, 3]);
  assert.throws(() => rleFromJson({ size: [2], counts: 'a' }, 'ann[3].segmentation'), /ann\[3\]\.segmentation\.size must be \[height, width\], got \[2\]/);
  assert.throws(() => rleFromJson({ size: [2, 2], counts: [1, -1] }), /counts\[1\] must be a non-negative integer, got -1/);
});

test('property: decode(encode(m)) == m, both orders; string round trip; area == pixel count', () => {
  fc.assert(fc.property(maskArb, ({ h, w, m }) => {
    const r = rleEncode(m, h, w);
    assert.equal(rleDecode(r), m);
    const rowMajor = new Uint8Array(h * w);
    for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) rowMajor[y * w + x] = m[x * h + y]!;
    assert.equal(Array.from(rleEncode(rowMajor, h, w, 'C').counts), Array.from(r.counts));
    assert.equal(rleDecode(r, 'C'), rowMajor);
    assert.equal(Array.from(rleFromString(rleToString(r), h, w).counts), Array.from(r.counts));
    assert.is(rleArea(r), ones(m));
    let sum = 0;
    for (const c of r.counts) sum += c;
    assert.is(sum, h * w);
  }), PROP);
});

/** toBbox from the dense mask, with maskApi's rule: a 1-run that wraps into the next column spans the full height. */
function denseBbox(h: number, w: number, m: Uint8Array): number[] {
  let xs = w, xe = 0, ys = h, ye = 0, any = false;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      if (!m[x * h + y]) continue;
      any = true;
      xs = Math.min(xs, x); xe = Math.max(xe, x); ys = Math.min(ys, y); ye = Math.max(ye, y);
      if (y === h - 1 && x + 1 < w && m[(x + 1) * h]) { ys = 0; ye = h - 1; }
    }
  }
  return any ? [xs, ys, xe - xs + 1, ye - ys + 1] : [0, 0, 0, 0];
}

test('property: toBbox == the dense box (full height where a run wraps a column)', () => {
  fc.assert(fc.property(maskArb, ({ h, w, m }) => {
    const r = rleEncode(m, h, w);
    // an all-zero mask whose counts are [h*w] has no 1-run: maskApi returns zeros
    assert.equal(Array.from(rleToBbox(r)), denseBbox(h, w, m));
  }), PROP);
});

test('property: merge == dense OR / AND', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.tuple(fc.integer(), fc.constantFrom('noise', 'box', 'empty', 'full')), { minLength: 1, maxLength: 4 }), fc.boolean(),
    (h, w, specs, intersect) => {
      const ms = specs.map(([s, k]) => denseMask(h, w, s, k).m);
      const want = new Uint8Array(h * w);
      for (let i = 0; i < h * w; i++) want[i] = ms.every((m) => m[i]) ? 1 : intersect ? 0 : ms.some((m) => m[i]) ? 1 : 0;
      const got = rleMerge(ms.map((m) => rleEncode(m, h, w)), intersect);
      assert.equal(rleDecode(got), want);
      // the merged counts are canonical: what encoding the dense result gives
      assert.equal(Array.from(got.counts), Array.from(rleEncode(want, h, w).counts));
    }), PROP);
});

test('merge of masks of different sizes is the empty 0x0 mask (maskApi)', () => {
  const a = rleEncode(new Uint8Array(4).fill(1), 2, 2), b = rleEncode(new Uint8Array(6).fill(1), 2, 3);
  const r = rleMerge([a, b]);
  assert.equal([r.h, r.w, r.counts.length], [0, 0, 0]);
});

test('property: rleIou == dense IoU (crowd: intersection over the detection area)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.tuple(fc.integer(), fc.constantFrom('noise', 'box', 'empty')), { minLength: 1, maxLength: 3 }),
    fc.array(fc.tuple(fc.integer(), fc.constantFrom('noise', 'box', 'empty'), fc.boolean()), { minLength: 1, maxLength: 3 }), (h, w, dts, gts) => {
      const dm = dts.map(([s, k]) => denseMask(h, w, s, k).m), gm = gts.map(([s, k]) => denseMask(h, w, s ^ 0x55, k).m);
      const crowd = gts.map(([, , c]) => (c ? 1 : 0));
      const out = rleIou(dm.map((m) => rleEncode(m, h, w)), gm.map((m) => rleEncode(m, h, w)), crowd, new Float64Array(dm.length * gm.length));
      dm.forEach((d, i) => gm.forEach((g, j) => {
        let inter = 0, uni = 0;
        for (let p = 0; p < h * w; p++) { inter += d[p]! & g[p]!; uni += d[p]! | g[p]!; }
        const want = inter === 0 ? 0 : inter / (crowd[j] ? ones(d) : uni);
        assert.is(out[i * gm.length + j], want, `dt ${i} gt ${j}`);
      }));
    }), PROP);
});

test('rleIou: masks of different sizes overlap as -1', () => {
  const a = rleEncode(new Uint8Array(4).fill(1), 2, 2), b = rleEncode(new Uint8Array(6).fill(1), 3, 2);
  assert.equal(Array.from(rleIou([a], [b], [0], new Float64Array(1))), [-1]);
});

test('bboxIou: hand cases, crowd divides by the detection area, touching boxes are 0', () => {
  const gt = [0, 0, 10, 10, 5, 5, 10, 10];
  const dt = [0, 0, 10, 6, 10, 0, 5, 5, 0, 0, 20, 20];
  const o = bboxIou(dt, gt, 3, 2, [0, 1], new Float64Array(6));
  // [0,0,10,6] vs [0,0,10,10]: 60 / 100; vs crowd [5,5,10,10]: 5*1 / 60
  // [10,0,5,5] touches the first box (w = 0) and overlaps the crowd 5x0 -> 0
  // [0,0,20,20] vs first: 100 / 400; vs crowd: 100 / 400 (its own area)
  assert.equal(Array.from(o), [0.6, 5 / 60, 0, 0, 100 / 400, 100 / 400]);
});

/** Row strings of a decoded mask, top to bottom ('1' = set), for hand-drawn expectations. */
function rows(r: Rle): string[] {
  const m = rleDecode(r, 'C');
  return Array.from({ length: r.h }, (_, y) => Array.from(m.subarray(y * r.w, (y + 1) * r.w)).join(''));
}

test('polygon rasterisation: hand-walked shapes (x5 grid, columns at fine x 5n+2 -> 5n+3, rows ceil(y - .5))', () => {
  // square (1,1)..(8,8) -> fine (5,5)..(40,40): columns n = 1..7 cross 5n+2.5; top y 5 -> 5.5/5 - .5 = 0.6
  // -> row 1, bottom y 40 -> 7.6 -> row 8 (exclusive): rows 1..7, area 49 = the polygon's area
  const sq = rleFromPolygon([1, 1, 1, 8, 8, 8, 8, 1], 10, 10);
  assert.equal(rows(sq), ['0000000000', ...Array(7).fill('0111111100'), '0000000000', '0000000000']);
  assert.is(rleArea(sq), 49);
  // triangle (0.5,0.5) (3.5,0.5) (0.5,3.5) -> fine (3,3) (18,3) (3,18); top edge y 3 -> row 1 everywhere;
  // hypotenuse v = 21 - u: column 1 (u 7->8) bottom min(14, 13) = 13 -> 2.2 -> row 3: rows 1, 2;
  // column 2 (u 12->13) min(9, 8) = 8 -> 1.2 -> 2: row 1; column 3 (u 17->18) min(4, 3) -> 1: none
  assert.equal(rows(rleFromPolygon([0.5, 0.5, 3.5, 0.5, 0.5, 3.5], 5, 5)), ['00000', '01100', '01000', '00000', '00000']);
  // diamond (2,0) (4,2) (2,4) (0,2) -> fine (10,0) (20,10) (10,20) (0,10): column 0 (u 2->3): top
  // min(8, 7) = 7 -> 1.0 -> row 1, bottom min(12, 13) = 12 -> 2.0 -> 2 (exclusive): row 1;
  // column 2 (u 12->13): top min(2, 3) -> 0.0 -> 0, bottom min(18, 17) = 17 -> 3.0 -> 3: rows 0..2
  assert.equal(rows(rleFromPolygon([2, 0, 4, 2, 2, 4, 0, 2], 5, 5)), ['01100', '11110', '01100', '00000', '00000']);
  // a box [1.2, 0.7, 2.6, 2.1] is the polygon of its corners: fine x 6..19 -> columns 1..3, y 4..14 -> rows 1..2
  assert.equal(rows(rleFromBbox([1.2, 0.7, 2.6, 2.1], 4, 6)), ['000000', '011100', '011100', '000000']);
});

test('polygon rasterisation == maskApi.c rleFrPoly on 40 polygons (fixture)', () => {
  const fx = JSON.parse(readFileSync(fixture('eval/polygons_maskapi.json'), 'utf8')) as { cases: { note: string; h: number; w: number; xy: number[]; rle: string }[] };
  assert.is(fx.cases.length, 40);
  for (const c of fx.cases) assert.is(rleToString(rleFromPolygon(c.xy, c.h, c.w)), c.rle, `${c.note}: ${JSON.stringify(c.xy)} in ${c.h}x${c.w}`);
});

test('segmentationToRle: polygons merge; a first entry of 4 numbers is read as boxes (frPyObjects)', () => {
  const two = segmentationToRle([[0, 0, 2, 0, 2, 2, 0, 2], [3, 3, 5, 3, 5, 5, 3, 5]], 6, 6);
  assert.is(rleArea(two), 8);
  const boxes = segmentationToRle([[0, 0, 2, 2], [3, 3, 2, 2]], 6, 6);
  assert.equal(Array.from(boxes.counts), Array.from(two.counts));
  assert.throws(() => segmentationToRle([[0, 0, 2, 2], [1, 1, 3, 1, 3, 3]], 6, 6, 'ann[0].segmentation'), /ann\[0\]\.segmentation\[1\] has 6 numbers, but ann\[0\]\.segmentation\[0\] has 4/);
  assert.throws(() => segmentationToRle([], 6, 6, 'ann[1].segmentation'), /ann\[1\]\.segmentation is an empty polygon list/);
});

test.run();
