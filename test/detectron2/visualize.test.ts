// Drawing: exact coverage of the primitives, our font, detectron2's colour and label rules, and
// pictures of real results (golden raw outputs post-processed): right size, drawn pixels differ
// from the image where detections are, untouched elsewhere.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/detectron2/decode.js';
import { canvasFromRgb, drawText, fillRect, strokeRect } from '../../src/detectron2/draw.js';
import { glyphPixel, textSize } from '../../src/detectron2/font.js';
import { resolveSettings } from '../../src/detectron2/meta.js';
import { postprocess } from '../../src/detectron2/postprocess/index.js';
import { changeBrightness, contrastingColors, formatPercent, paletteColor, PALETTE_SIZE, visualize } from '../../src/detectron2/visualize.js';
import { DEMO, GOLDEN, loadOutputs, npy } from './golden.js';

const blank = (w: number, h: number) => canvasFromRgb(new Uint8Array(w * h * 3), w, h);
const red = (c: { data: ArrayLike<number>; width: number }, x: number, y: number) => c.data[(y * c.width + x) * 4]!;

test('fillRect: exact area coverage at fractional edges', () => {
  const c = blank(4, 1);
  fillRect(c, 0.5, 0, 2.25, 1, [1, 0, 0], 1);
  assert.equal([0, 1, 2, 3].map((x) => red(c, x, 0)), [128, 255, 64, 0]);
});

test('strokeRect: a 2 px outline centred on integer edges, alpha 0.5', () => {
  const c = blank(8, 8);
  strokeRect(c, 2, 2, 6, 6, 2, [1, 1, 1], 0.5);
  const rows = Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => (red(c, x, y) ? '#' : '.')).join(''));
  assert.equal(rows, ['........', '.######.', '.######.', '.##..##.', '.##..##.', '.######.', '.######.', '........']);
  assert.is(red(c, 1, 1), 128);
});

test('font: glyph shapes and text metrics', () => {
  const I = Array.from({ length: 7 }, (_, r) => Array.from({ length: 5 }, (_, x) => (glyphPixel('I', x, r) ? '#' : '.')).join(''));
  assert.equal(I, ['.###.', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.']);
  assert.ok(glyphPixel('g', 1, 8) && !glyphPixel('a', 1, 8), 'descenders');
  assert.equal(textSize('ab', 2), { width: 22, height: 18 });
  // Unknown characters draw as '?'.
  assert.equal(Array.from({ length: 9 }, (_, r) => glyphPixel('\u00e9', 2, r)), Array.from({ length: 9 }, (_, r) => glyphPixel('?', 2, r)));
  const c = blank(12, 10);
  drawText(c, 'I', 1, 0, { unit: 1, color: [1, 1, 1], background: [0, 0, 0], backgroundAlpha: 1, pad: 1 });
  assert.equal([red(c, 2, 0), red(c, 3, 0), red(c, 3, 3), red(c, 2, 3), red(c, 0, 0)], [255, 255, 255, 0, 0]);
});

test("detectron2's colour rules: colormap, brightness via HLS, Python's {:.0f} percent", () => {
  assert.equal(paletteColor(0), [0, 0.447, 0.741]);
  assert.equal(paletteColor(74), paletteColor(0));
  const close = (a: readonly number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) < 1e-12);
  // Reference values from Python's colorsys as Visualizer._change_color_brightness uses it.
  assert.ok(close(changeBrightness([0, 0.447, 0.741], 0.7), [0.25970000000000004, 0.7062777327935224, 1]));
  assert.ok(close(changeBrightness([0.85, 0.325, 0.098], 0.7), [0.9598489451476795, 0.7447540084388184, 0.6517510548523204]));
  assert.ok(close(changeBrightness([0.3, 0.3, 0.3], -0.7), [0.09, 0.09, 0.09]));
  assert.equal([formatPercent(0.125), formatPercent(0.135), formatPercent(0.995), formatPercent(0.8353)], ['12%', '14%', '100%', '84%']);
});

test('instance colours: the unused palette colour farthest from the covered pixels, deterministic', () => {
  // Left half pure green, right half white; one box on each half, and a mask restricted to the left.
  const W = 8, H = 2, rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.set(x < 4 ? [0, 255, 0] : [255, 255, 255], (y * W + x) * 3);
  const c = canvasFromRgb(rgb, W, H);
  const far = (mean: number[], skip: Set<number>) => {
    let best = -1, bd = -1;
    for (let k = 0; k < PALETTE_SIZE; k++) {
      if (skip.has(k)) continue;
      const e = paletteColor(k), d = (e[0] - mean[0]!) ** 2 + (e[1] - mean[1]!) ** 2 + (e[2] - mean[2]!) ** 2;
      if (d > bd) { bd = d; best = k; }
    }
    return best;
  };
  const g = far([0, 1, 0], new Set()), w = far([1, 1, 1], new Set([g]));
  const mask = Uint8Array.from({ length: W * H }, (_, i) => (i % W < 4 ? 1 : 0));
  const cols = contrastingColors(c, [{ box: [0, 0, 8, 2], mask }, { box: [4, 0, 8, 2] }, { box: [4, 0, 8, 2] }]);
  assert.equal(cols[0], paletteColor(g));            // the mask sees only green
  assert.equal(cols[1], paletteColor(w));            // the box sees only white
  assert.ok(cols[2] !== cols[1] && cols[2]![0] + cols[2]![1] + cols[2]![2] < 1.5, 'a second white-box instance takes another dark colour');
  assert.equal(contrastingColors(c, [{ box: [0, 0, 8, 2], mask }]), [cols[0]!]);
});

function checkPicture(rgb: Uint8Array, W: number, H: number, r: ReturnType<typeof postprocess>[number], thr: number, names?: string[]): void {
  const c = visualize(rgb, W, H, r, { scoreThreshold: thr, ...(names ? { thingClasses: names } : {}) });
  assert.equal([c.width, c.height, c.data.length], [W, H, W * H * 4]);
  const changed = (x: number, y: number) => { const i = (y * W + x) * 4, j = (y * W + x) * 3; return c.data[i] !== rgb[j] || c.data[i + 1] !== rgb[j + 1] || c.data[i + 2] !== rgb[j + 2]; };
  const I = r.instances;
  let shown = 0;
  const near = new Uint8Array(W * H);
  for (let i = 0; i < I.scores.length; i++) {
    if (I.scores[i]! < thr) continue;
    shown++;
    const [x0, y0, x1, y1] = I.boxes.subarray(i * 4, i * 4 + 4);
    // The box outline crosses the middle of its top edge; the mask (if any) is blended.
    const mx = Math.min(W - 1, Math.floor((x0! + x1!) / 2)), ty = Math.min(H - 1, Math.floor(y0!));
    assert.ok(changed(mx, ty) || changed(mx, Math.min(H - 1, ty + 1)), `instance ${i}: box edge at (${mx}, ${ty}) not drawn`);
    const m = I.masks?.[i];
    if (m) {
      let inside = 0, diff = 0;
      for (let p = 0; p < W * H; p++) if (m[p]) { inside++; if (changed(p % W, (p / W) | 0)) diff++; }
      assert.ok(diff >= 0.9 * inside, `instance ${i}: ${diff} of ${inside} mask pixels changed`);
    }
    // Everything drawn for this instance stays within its box plus label and line margins.
    const pad = 40;
    for (let y = Math.max(0, Math.floor(y0!) - pad); y < Math.min(H, Math.ceil(y1!) + pad); y++) {
      for (let x = Math.max(0, Math.floor(x0!) - pad); x < Math.min(W, Math.ceil(x1!) + pad * 4); x++) near[y * W + x] = 1;
    }
  }
  assert.ok(shown > 0, 'no instance above the threshold: the test would prove nothing');
  let stray = 0;
  for (let p = 0; p < W * H; p++) if (!near[p] && changed(p % W, (p / W) | 0)) stray++;
  assert.is(stray, 0, 'pixels changed far from every drawn detection');
}

if (DEMO && existsSync(join(DEMO, 'golden'))) {
  for (const name of ['val_0002', 'val_0004']) {
    test(`picture of demo ${name}: Visualizer layout over the decoded image`, () => {
      const img = decodeImage(new Uint8Array(readFileSync(join(DEMO!, 'samples', `${name}.jpg`))));
      const ii = npy(join(DEMO!, 'golden', name, 'im_info.npy')).data as Float32Array;
      const [r] = postprocess(loadOutputs(join(DEMO!, 'golden', name, 'graph_outputs')), [{ origHeight: img.height, origWidth: img.width, height: ii[0]!, width: ii[1]! }], resolveSettings({}));
      checkPicture(img.data, img.width, img.height, r!, 0.5, ['circle', 'square', 'triangle']);
    });
  }
}

if (GOLDEN) {
  test('picture of golden keypoint_rcnn_fpn/img1: boxes, labels and keypoints', () => {
    const name = 'img1_hopper_420x300';
    const img = decodeImage(new Uint8Array(readFileSync(join(GOLDEN!, 'images', `${name}.png`))));
    const ii = npy(join(GOLDEN!, 'inputs', `${name}__div32_im_info.npy`)).data as Float32Array;
    const [r] = postprocess(loadOutputs(join(GOLDEN!, 'keypoint_rcnn_fpn', 'graph_outputs', name)), [{ origHeight: img.height, origWidth: img.width, height: ii[0]!, width: ii[1]! }], resolveSettings({}));
    checkPicture(img.data, img.width, img.height, r!, 0.5);
    const c = visualize(img.data, img.width, img.height, r!, { scoreThreshold: 0.5 });
    // Keypoints above detectron2's 0.05 threshold get a red dot; skeleton lines are drawn over
    // the dots (matplotlib's z-order), so some dots end up under a line.
    const K = r!.instances.numKeypoints!, kp = r!.instances.keypoints!;
    let drawn = 0, isRed = 0;
    for (let k = 0; k < K; k++) {
      if (kp[k * 3 + 2]! <= 0.05) continue;
      const x = Math.floor(kp[k * 3]!), y = Math.floor(kp[k * 3 + 1]!), i = (y * img.width + x) * 4, j = (y * img.width + x) * 3;
      if (c.data[i] !== img.data[j] || c.data[i + 1] !== img.data[j + 1]) drawn++;
      if (c.data[i]! > 200 && c.data[i + 1]! < 60 && c.data[i + 2]! < 60) isRed++;
    }
    assert.ok(drawn > 0 && isRed > 0, `${drawn} keypoints drawn, ${isRed} red`);
  });
}

test.run();
