// Pre-processing, bit for bit: our JPEG/PNG decoding against Pillow's (fixtures made by
// scripts/gen-image-fixtures.py), Pillow's BILINEAR resize, and the whole pipeline against the
// golden graph inputs (data, im_info) made by detectron2 from the golden PNGs and demo JPEGs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/detectron2/decode.js';
import { applyExifOrientation } from '../../src/detectron2/image.js';
import { batchInputs, paddedSize, prepareImage, resizedSize } from '../../src/detectron2/preprocess.js';
import { resizeBilinearU8 } from '../../src/detectron2/resize.js';
import { fixture } from '../helpers/paths.js';
import { DEMO, GOLDEN, npy } from './golden.js';

const FIX = fixture('detectron2');
const bytes = (p: string) => new Uint8Array(readFileSync(p));

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): string | undefined {
  if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
  let n = 0, first = -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { n++; if (first < 0) first = i; }
  return n ? `${n} of ${a.length} differ, first at ${first}: ${a[first]} vs ${b[first]}` : undefined;
}

for (const f of readdirSync(FIX).filter((x) => /\.(jpg|png)$/.test(x)).sort()) {
  test(`decode ${f} == Pillow's convert('RGB') (EXIF orientation applied)`, () => {
    const want = npy(join(FIX, `${f}.rgb.npy`));
    const got = decodeImage(bytes(join(FIX, f)), f);
    assert.equal([got.height, got.width], want.shape.slice(0, 2));
    assert.is(firstDiff(got.data, want.data as Uint8Array), undefined);
  });
}

test('resize == Pillow Image.resize(BILINEAR): down, up and mixed scales', () => {
  const src = npy(join(FIX, 'resize_src.npy'));
  const [h, w] = src.shape as [number, number];
  for (const [oh, ow] of [[11, 17], [50, 81], [30, 20]] as const) {
    const want = npy(join(FIX, `resize_${oh}x${ow}.npy`));
    assert.is(firstDiff(resizeBilinearU8(src.data as Uint8Array, h, w, 3, oh, ow), want.data as Uint8Array), undefined, `${oh}x${ow}`);
  }
});

test('ResizeShortestEdge sizes: int(x + 0.5) rounding and the max-size cap', () => {
  assert.equal(resizedSize(480, 672, 320, 512), [320, 448]);
  assert.equal(resizedSize(420, 300, 320, 512), [448, 320]);
  assert.equal(resizedSize(360, 480, 320, 512), [320, 427]);   // 426.67 rounds up
  assert.equal(resizedSize(100, 1000, 320, 512), [51, 512]);   // capped: 320 * 512/3200 = 51.2
  assert.equal(resizedSize(800, 1201, 800, 1333), [800, 1201]);
  assert.equal(resizedSize(10, 10, 0, 512), [10, 10]);          // 0 = no resize (NoOpTransform)
  assert.equal(paddedSize([{ height: 320, width: 427 }, { height: 300, width: 449 }], 32), [320, 480]);
  assert.equal(paddedSize([{ height: 321, width: 427 }], 0), [321, 427]);
});

test('EXIF orientation: the 8 PIL transposes', () => {
  // 3 wide, 2 tall; pixel value = index, one channel replicated.
  const px = (v: number[]) => Uint8Array.from(v.flatMap((x) => [x, x, x]));
  const src = px([0, 1, 2, 3, 4, 5]);
  const get = (o: number) => { const r = applyExifOrientation(src, 3, 2, o); return [r.width, r.height, ...Array.from(r.data).filter((_, i) => i % 3 === 0)]; };
  assert.equal(get(1), [3, 2, 0, 1, 2, 3, 4, 5]);
  assert.equal(get(2), [3, 2, 2, 1, 0, 5, 4, 3]);
  assert.equal(get(3), [3, 2, 5, 4, 3, 2, 1, 0]);
  assert.equal(get(4), [3, 2, 3, 4, 5, 0, 1, 2]);
  assert.equal(get(5), [2, 3, 0, 3, 1, 4, 2, 5]);
  assert.equal(get(6), [2, 3, 3, 0, 4, 1, 5, 2]);
  assert.equal(get(7), [2, 3, 5, 2, 4, 1, 3, 0]);
  assert.equal(get(8), [2, 3, 2, 5, 1, 4, 0, 3]);
});

if (GOLDEN) {
  for (const f of readdirSync(join(GOLDEN, 'images')).sort()) {
    const name = f.replace(/\.png$/, '');
    test(`golden inputs ${name}: decode + ResizeShortestEdge(320, 512) + pad == detectron2's data and im_info`, () => {
      const img = decodeImage(bytes(join(GOLDEN!, 'images', f)), f);
      const p = prepareImage(img, { minSize: 320, maxSize: 512, inputFormat: 'BGR' });
      for (const div of [32, 0]) {
        const { data, imInfo } = batchInputs([p], { sizeDivisibility: div });
        const want = npy(join(GOLDEN!, 'inputs', `${name}__div${div}_data.npy`));
        const wantInfo = npy(join(GOLDEN!, 'inputs', `${name}__div${div}_im_info.npy`));
        assert.equal(data.shape, want.shape);
        assert.is(firstDiff(data.data, want.data as Float32Array), undefined, `div ${div} data`);
        assert.equal(Array.from(imInfo.data), Array.from(wantInfo.data as Float32Array), `div ${div} im_info`);
      }
    });
  }
}

if (DEMO && existsSync(join(DEMO, 'golden'))) {
  for (const name of readdirSync(join(DEMO, 'golden')).sort()) {
    test(`demo inputs ${name}.jpg: libjpeg-turbo-exact decode + resize + pad == detectron2's data and im_info`, () => {
      const img = decodeImage(bytes(join(DEMO!, 'samples', `${name}.jpg`)), name);
      const { data, imInfo } = batchInputs([prepareImage(img, { minSize: 320, maxSize: 512, inputFormat: 'BGR' })], { sizeDivisibility: 32 });
      const want = npy(join(DEMO!, 'golden', name, 'data.npy'));
      assert.equal(data.shape, want.shape);
      assert.is(firstDiff(data.data, want.data as Float32Array), undefined);
      assert.equal(Array.from(imInfo.data), Array.from(npy(join(DEMO!, 'golden', name, 'im_info.npy')).data as Float32Array));
    });
  }
}

test('batch of two sizes: padded to the common size, pad value per channel, one im_info row each', () => {
  const mk = (h: number, w: number, v: number) => ({ origHeight: h * 2, origWidth: w * 2, height: h, width: w, pixels: new Uint8Array(h * w * 3).fill(v) });
  const { data, imInfo } = batchInputs([mk(2, 3, 7), mk(3, 1, 9)], { sizeDivisibility: 4, padValue: [103.53, 116.28, 123.675] });
  assert.equal(data.shape, [2, 3, 4, 4]);
  const at = (n: number, c: number, y: number, x: number) => data.data[((n * 3 + c) * 4 + y) * 4 + x];
  assert.equal([at(0, 0, 1, 2), at(0, 0, 1, 3), at(0, 2, 3, 0), at(1, 1, 2, 0), at(1, 1, 2, 1)], [7, Math.fround(103.53), Math.fround(123.675), 9, Math.fround(116.28)]);
  assert.equal(Array.from(imInfo.data), [2, 3, 2, 3, 1, 2]);
});

test('RGB input format keeps the channel order, BGR swaps it; RGBA drops alpha', () => {
  const img = { width: 1, height: 1, data: Uint8Array.of(10, 20, 30, 40) };
  assert.equal(Array.from(prepareImage(img, { minSize: 0, maxSize: 1, inputFormat: 'BGR' }).pixels), [30, 20, 10]);
  assert.equal(Array.from(prepareImage(img, { minSize: 0, maxSize: 1, inputFormat: 'RGB' }).pixels), [10, 20, 30]);
});

function expectInputError(fn: () => unknown, re: RegExp, file?: string): void {
  try { fn(); } catch (e) {
    assert.instance(e, InputError);
    assert.match((e as Error).message, re);
    if (file) assert.is((e as InputError).where.file, file);
    return;
  }
  assert.unreachable(`expected an InputError matching ${re}`);
}

test('bad images: errors name the file and say what is wrong', () => {
  const jpg = bytes(join(FIX, 'q90_420.jpg'));
  expectInputError(() => decodeImage(new TextEncoder().encode('hello, world'), 'notes.txt'), /^notes\.txt: not a JPEG or PNG image \(it starts with bytes 68 65 6c 6c\)$/, 'notes.txt');
  expectInputError(() => decodeImage(new Uint8Array(0), 'empty.jpg'), /not a JPEG or PNG image \(the file is empty\)/, 'empty.jpg');
  expectInputError(() => decodeImage(jpg.subarray(0, Math.floor(jpg.length * 0.6)), 'cut.jpg'), /^cut\.jpg: bad JPEG: truncated: .*image file is truncated/, 'cut.jpg');
  expectInputError(() => decodeImage(jpg.subarray(0, 200), 'head.jpg'), /head\.jpg: bad JPEG: truncated/, 'head.jpg');
  const png = bytes(join(FIX, 'rgb.png'));
  expectInputError(() => decodeImage(png.subarray(0, png.length - 20), 'cut.png'), /^cut\.png: bad PNG: .*truncated/, 'cut.png');
  // A JPEG whose frame header says 0 rows.
  const zero = jpg.slice();
  for (let i = 2; i + 9 < zero.length; i++) if (zero[i] === 0xff && zero[i + 1] === 0xc0) { zero[i + 5] = 0; zero[i + 6] = 0; break; }
  expectInputError(() => decodeImage(zero, 'zero.jpg'), /^zero\.jpg: image has no pixels \(width 37, height 0\)$/, 'zero.jpg');
  // A PNG whose header says 0 columns.
  const zpng = png.slice();
  zpng.fill(0, 16, 20);
  expectInputError(() => decodeImage(zpng, 'zero.png'), /^zero\.png: image has no pixels \(width 0, height 23\)$/, 'zero.png');
  expectInputError(() => prepareImage({ width: 0, height: 0, data: new Uint8Array(0) }, { minSize: 320, maxSize: 512, inputFormat: 'BGR' }, 'canvas'), /^canvas: image has no pixels \(width 0, height 0\)$/, 'canvas');
  expectInputError(() => prepareImage({ width: 4, height: 4, data: new Uint8Array(10) }, { minSize: 320, maxSize: 512, inputFormat: 'BGR' }, 'pixels'), /image buffer holds 10 bytes, 4x4x4 needs 64/);
});

test.run();
