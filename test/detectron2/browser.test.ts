// The detectron2 wrapper in a real browser: src/index.ts bundled with esbuild for the browser,
// run in headless Chromium on an ImageData read back from a canvas (RGBA, Uint8ClampedArray),
// giving the same JSON and picture as Node on the same pixels, and a picture that goes straight
// back into the canvas with putImageData. Fails (never skips) when no Chromium exists: .ci/run
// installs Debian's chromium.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { Detectron2Predictor, loadCaffe2Model } from '../../src/index.js';
import { fakeModelBytes } from './fake_model.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);

const ENTRY = `
import { Detectron2Predictor, loadCaffe2Model } from './src/index.ts';
import { fakeModelBytes } from './test/detectron2/fake_model.ts';
const c = document.createElement('canvas');
c.width = 37; c.height = 23;
const g = c.getContext('2d');
g.fillStyle = 'rgb(40, 120, 200)'; g.fillRect(0, 0, 37, 23);
g.fillStyle = 'rgb(250, 20, 40)'; g.fillRect(5, 4, 12, 9);
const img = g.getImageData(0, 0, 37, 23);
const b = fakeModelBytes();
const p = new Detectron2Predictor(loadCaffe2Model(b.predict, b.init), { thingClasses: ['cat', 'dog'] });
const r = p.predict(img);
const pic = p.render(img, r.result);
g.putImageData(new ImageData(pic.data, pic.width, pic.height), 0, 0);   // the picture is ImageData-ready
window.__out = { isClamped: img.data instanceof Uint8ClampedArray, pixels: Array.from(img.data), json: p.toJson(r.result), picture: Array.from(pic.data) };
`;

if (!CHROMIUM) {
  test('browser: predict and render on canvas ImageData == Node on the same pixels', () => {
    throw new Error('no Chromium at /usr/bin/chromium: install it with `apt-get install -y chromium` (.ci/run does)');
  });
} else {
  test('browser: predict and render on canvas ImageData == Node on the same pixels', async () => {
    const bundle = await esbuild.build({ stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ content: bundle.outputFiles[0]!.text, type: 'module' });
      await page.waitForFunction('window.__out !== undefined || document.title === "error"', undefined, { timeout: 20000 }).catch(() => undefined);
      assert.equal(errors, []);
      const out = await page.evaluate('window.__out') as { isClamped: boolean; pixels: number[]; json: unknown; picture: number[] };
      assert.ok(out.isClamped, 'ImageData holds a Uint8ClampedArray');
      const img = { width: 37, height: 23, data: Uint8ClampedArray.from(out.pixels) };
      const b = fakeModelBytes();
      const p = new Detectron2Predictor(loadCaffe2Model(b.predict, b.init), { thingClasses: ['cat', 'dog'] });
      const r = p.predict(img);
      assert.equal(out.json, JSON.parse(JSON.stringify(p.toJson(r.result))));
      assert.equal(out.picture, Array.from(p.render(img, r.result).data));
      assert.equal((out.json as { instances: { pred_class_names: string[] } }).instances.pred_class_names, ['dog', 'cat']);
    } finally {
      await browser.close();
    }
  });
}

test.run();
