// The demo page end to end in headless Chromium (Debian's chromium package, driven by
// playwright-core): build the site with scripts/build-web.mjs, serve it with
// scripts/serve-web.mjs, run the sample image in the page's worker and compare the detections
// with the same predictor run here in Node on the same pixels; bad images and bad models must
// show their errors on the page. Screenshots go to out/test/web/. Without Chromium this FAILS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { Detectron2Predictor, decodeImage, loadCaffe2Model, type RgbImage } from '../../src/index.js';
import { encodeNetDef } from '../../src/proto/caffe2.js';
import { fakeModelBytes } from '../detectron2/fake_model.js';
import { makeNet, makeOp } from '../helpers/net.js';
import { ROOT } from '../helpers/paths.js';

/** Debian's chromium; CAFFE2_TS_CHROMIUM points elsewhere. */
const CHROMIUM = process.env['CAFFE2_TS_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const OUT = resolve(ROOT, 'out/test/web');
const SAMPLE = 'val_0002.jpg';
/** Inference of the sample model in Chromium takes seconds; allow a loaded 2-core machine. */
const RUN_TIMEOUT = 120_000;

interface Scripts {
  buildSite(outdir: string): Promise<unknown>;
  serveWeb(o: { root: string; port: number }): Promise<{ url: string; close(): Promise<void> }>;
}

interface PageResult {
  name: string;
  decoder: string;
  json: ReturnType<Detectron2Predictor['toJson']>;
  width: number;
  height: number;
}

interface Ctx { site: string; url: string; browser: Browser; page: Page; pageErrors: string[]; predictor: Detectron2Predictor; close(): Promise<void> }

let ctx: Promise<Ctx> | undefined;

/** Built once and shared by the tests; a failure here fails every test with its message. */
function setup(): Promise<Ctx> {
  ctx ??= (async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: the browser tests need Debian's chromium package (apt-get install -y chromium; .ci/run installs it when apt is available)`);
    }
    const site = mkdtempSync(join(tmpdir(), 'caffe2-ts-web-'));
    const cleanup: (() => Promise<unknown> | void)[] = [() => rmSync(site, { recursive: true, force: true })];
    const close = async () => { for (const f of cleanup.reverse()) await f(); };
    try {
      const web = (await import(pathToFileURL(resolve(ROOT, 'scripts/build-web.mjs')).href)) as Scripts;
      const srv = (await import(pathToFileURL(resolve(ROOT, 'scripts/serve-web.mjs')).href)) as Scripts;
      await web.buildSite(site);
      const server = await srv.serveWeb({ root: site, port: 0 });
      cleanup.push(() => server.close());
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      cleanup.push(() => browser.close());
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      // The Node side of every comparison: the very model files the page fetches.
      const model = loadCaffe2Model(new Uint8Array(readFileSync(join(site, 'model/model.pb'))), new Uint8Array(readFileSync(join(site, 'model/model_init.pb'))));
      const predictor = new Detectron2Predictor(model);
      mkdirSync(OUT, { recursive: true });
      return { site, url: server.url, browser, page, pageErrors, predictor, close };
    } catch (e) {
      await close();
      throw e;
    }
  })();
  return ctx;
}

test.after(async () => { if (ctx) await (await ctx.catch(() => undefined))?.close(); });

/** Waits until the page settles (done or error) and returns its state, naming what it showed on timeout. */
async function settled(page: Page, what: string, extra = 'true'): Promise<string> {
  try {
    await page.waitForFunction(`['done', 'error'].includes(document.body.dataset.state) && (${extra})`, undefined, { timeout: RUN_TIMEOUT, polling: 100 });
  } catch {
    const s = await page.evaluate(() => [document.body.dataset.state, document.getElementById('status')!.textContent, document.getElementById('busy-text')!.textContent].join(' | '));
    throw new Error(`${what}: the page did not finish within ${RUN_TIMEOUT / 1000} s (state | status | busy: ${s})`);
  }
  return page.evaluate(() => document.body.dataset.state!);
}

const pageError = (page: Page) => page.evaluate(() => (window as unknown as { demo: { error?: string } }).demo.error ?? '');
const lastResult = (page: Page) => page.evaluate(() => {
  const r = (window as unknown as { demo: { last?: PageResult } }).demo.last!;
  return { name: r.name, decoder: r.decoder, json: r.json, width: r.width, height: r.height };
});

/** Same count, then the same boxes (clearer failures), then the whole detectron2 JSON (scores, classes, mask RLEs). */
function assertSameResult(got: PageResult, want: ReturnType<Detectron2Predictor['toJson']>): void {
  const g = got.json.instances, w = want.instances;
  assert.is(g.num_instances, w.num_instances, 'detection count');
  for (let i = 0; i < w.num_instances; i++) assert.equal(g.pred_boxes[i], w.pred_boxes[i], `box #${i}`);
  assert.equal(got.json, JSON.parse(JSON.stringify(want)));
}

/**
 * The page's kernel settings for bit-exact comparisons with this process: FMA as the Node engine
 * has it (the page defaults to FMA where Chromium has relaxed SIMD, Node only with the flag), and
 * every core (threads split outputs, never sums, so any count gives the same bits).
 */
const exactQuery = (p: Detectron2Predictor) => `fma=${p.model.exec?.engine.fma ? 1 : 0}`;
const kernelsShown = (page: Page) => page.locator('#kernels').innerText();

test('Chromium: the sample image decoded by caffe2-ts gives the Node detections; the page stays responsive', async () => {
  const { url, page, pageErrors, predictor } = await setup();
  await page.goto(`${url}?decoder=caffe2-ts&image=${SAMPLE}&${exactQuery(predictor)}`);
  // While the worker computes, the main thread keeps ticking the elapsed time.
  await page.waitForFunction(() => ['running', 'done', 'error'].includes(document.body.dataset.state!), undefined, { timeout: RUN_TIMEOUT });
  await page.evaluate(() => {
    const w = window as unknown as { ticked: boolean }, label = document.getElementById('busy-text')!, t0 = label.textContent;
    w.ticked = false;
    const iv = setInterval(() => {
      if (document.body.dataset.state !== 'running') clearInterval(iv);
      else if (label.textContent !== t0) { w.ticked = true; clearInterval(iv); }
    }, 20);
  });
  // Meanwhile, the same image through the same predictor here.
  const node = predictor.predict(decodeImage(new Uint8Array(readFileSync(resolve(ROOT, 'samples/demo/images', SAMPLE))), SAMPLE), SAMPLE).result;
  const want = predictor.toJson(node, { fileName: SAMPLE });
  assert.is(await settled(page, SAMPLE), 'done', await pageError(page));
  assert.ok(await page.evaluate(() => (window as unknown as { ticked: boolean }).ticked), 'the elapsed-time label changed while the detection ran (main thread not blocked)');
  const got = await lastResult(page);
  assert.is(got.decoder, 'caffe2-ts');
  assertSameResult(got, want);
  // What the page shows: the detections with score >= 0.5, one table row each.
  const shown = want.instances.scores.filter((s) => s >= 0.5).length;
  assert.ok(shown >= 3, `the sample shows several detections (${shown})`);
  assert.is(await page.locator('#summary').getAttribute('data-shown'), String(shown));
  assert.is(await page.locator('#detections tbody tr').count(), shown);
  const top = want.instances.scores.indexOf(Math.max(...want.instances.scores));
  const row = await page.locator('#detections tbody tr').first().innerText();
  assert.match(row, `${want.instances.pred_class_names![top]}\t${want.instances.scores[top]!.toFixed(3)}`);
  const area = node.instances.masks![top]!.reduce((a, v) => a + v, 0);
  assert.ok(row.endsWith(`\t${area}`), `the top row ends with its mask area ${area}: ${JSON.stringify(row)}`);
  assert.match(await page.locator('#status').innerText(), /net \d/);
  assert.ok(await page.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === 'function'), 'COOP/COEP: the page is cross-origin isolated');
  // every core: Web Workers on the shared memory
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.is(await kernelsShown(page), `WASM SIMD${predictor.model.exec?.engine.fma ? ' (FMA)' : ''}, ${cores} thread${cores === 1 ? '' : 's'}`);
  assert.equal(pageErrors, []);
  await page.screenshot({ path: join(OUT, 'demo.png'), fullPage: true });
});

test('Chromium: the page as a visitor opens it (FMA where the browser has relaxed SIMD, every core) agrees with Node to float rounding', async () => {
  const { url, browser, predictor } = await setup();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(`${url}?decoder=caffe2-ts&image=${SAMPLE}`);
    assert.is(await settled(page, `${SAMPLE} (default kernels)`), 'done', await pageError(page));
    const relaxed = await page.evaluate(() => WebAssembly.validate(new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0, 253, 12, ...new Array(16).fill(0), 253, 12,
      ...new Array(16).fill(0), 253, 12, ...new Array(16).fill(0), 253, 133, 2, 11,
    ])));
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.is(await kernelsShown(page), `WASM SIMD${relaxed ? ' (FMA)' : ''}, ${cores} thread${cores === 1 ? '' : 's'}`);
    const g = (await lastResult(page)).json.instances;
    const w = predictor.toJson(predictor.predict(decodeImage(new Uint8Array(readFileSync(resolve(ROOT, 'samples/demo/images', SAMPLE))), SAMPLE), SAMPLE).result).instances;
    assert.is(g.num_instances, w.num_instances, 'detection count');
    assert.equal(g.pred_classes, w.pred_classes, 'classes');
    for (let i = 0; i < w.num_instances; i++) {
      const d = Math.max(...w.pred_boxes[i]!.map((v, k) => Math.abs(v - g.pred_boxes[i]![k]!)));
      assert.ok(d < 1e-3, `box #${i} within 1e-3 px of Node's (${d})`);
      assert.ok(Math.abs(g.scores[i]! - w.scores[i]!) < 1e-5, `score #${i}: ${g.scores[i]} vs ${w.scores[i]}`);
    }
  } finally {
    await page.close();
  }
});

test('Chromium: the browser\'s own decoder (createImageBitmap -> RGBA) gives the Node detections on its pixels', async () => {
  const { page, pageErrors, predictor } = await setup();
  await page.selectOption('#decoder', 'browser');   // re-runs the current image
  assert.is(await settled(page, `${SAMPLE} (browser decoder)`, "window.demo.last?.decoder === 'browser'"), 'done', await pageError(page));
  const got = await lastResult(page);
  const pixels = Uint8ClampedArray.from(await page.evaluate(() => Array.from((window as unknown as { demo: { last: { pixels: Uint8ClampedArray } } }).demo.last.pixels)));
  const img: RgbImage = { width: got.width, height: got.height, data: pixels };
  assertSameResult(got, predictor.toJson(predictor.predict(img, SAMPLE).result, { fileName: SAMPLE }));
  const ours = decodeImage(new Uint8Array(readFileSync(resolve(ROOT, 'samples/demo/images', SAMPLE))), SAMPLE);
  assert.equal([got.width, got.height], [ours.width, ours.height]);
  let differ = 0, maxDiff = 0;
  for (let i = 0, n = ours.width * ours.height; i < n; i++) {
    for (let c = 0; c < 3; c++) { const d = Math.abs(pixels[i * 4 + c]! - ours.data[i * 3 + c]!); if (d) { differ++; maxDiff = Math.max(maxDiff, d); } }
  }
  assert.ok(maxDiff <= 8, `Chromium's JPEG decode is within a few units of ours (max ${maxDiff})`);
  console.log(`  (Chromium's JPEG decoder differs from caffe2-ts's in ${differ} of ${ours.width * ours.height * 3} samples, by at most ${maxDiff})`);
  assert.equal(pageErrors, []);
});

test('Chromium: a file that is no image shows an error naming it, with either decoder', async () => {
  const { page } = await setup();
  await page.setInputFiles('#image-file', { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is no picture') });
  assert.is(await settled(page, 'broken.jpg', "window.demo.error?.includes('broken.jpg')"), 'error');
  assert.match(await page.locator('#error').innerText(), /^cannot run broken\.jpg: InputError: broken\.jpg: the browser cannot decode this file as an image \(/);
  assert.ok(await page.locator('#placeholder').isVisible(), 'no stale picture under the error');
  await page.selectOption('#decoder', 'caffe2-ts');  // re-runs broken.jpg
  assert.is(await settled(page, 'broken.jpg (caffe2-ts decoder)', "window.demo.error?.includes('JPEG')"), 'error');
  assert.is(await page.locator('#error').innerText(), 'cannot run broken.jpg: InputError: broken.jpg: not a JPEG or PNG image (it starts with bytes 74 68 69 73)');
  // A dropped file takes the same way.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'dropped.png', { type: 'image/png' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
  });
  assert.is(await settled(page, 'dropped.png', "window.demo.error?.includes('dropped.png')"), 'error');
  assert.is(await page.locator('#error').innerText(), 'cannot run dropped.png: InputError: dropped.png: not a JPEG or PNG image (it starts with bytes 89 50 4e 47)');
});

test('Chromium: a corrupt model, an unsupported op and a model without meta show their errors; the loaded model stays', async () => {
  const { page } = await setup();
  const pick = async (files: { name: string; bytes: Uint8Array }[], want: RegExp) => {
    await page.evaluate(() => { (window as unknown as { demo: { error?: string } }).demo.error = undefined; });
    await page.setInputFiles('#model-files', files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })));
    await page.waitForFunction(() => (window as unknown as { demo: { error?: string } }).demo.error !== undefined && document.body.dataset.state === 'error', undefined, { timeout: RUN_TIMEOUT });
    assert.match(await page.locator('#error').innerText(), want);
  };
  await pick([{ name: 'model.pb', bytes: new Uint8Array([0x0a, 0xff, 0xff]) }], /^cannot use model\.pb: ModelFormatError: model\.pb\b/);
  const unsupported = makeNet([makeOp('Nope', ['data'], ['y'])], ['data'], ['y']);
  await pick([{ name: 'model.pb', bytes: encodeNetDef(unsupported) }], /^cannot use model\.pb: UnsupportedOpsError: model\.pb: 1 unsupported op \(Nope\): #0 Nope$/);
  const noMeta = fakeModelBytes({ outputs: false, meta: false });
  await pick([{ name: 'model.pb', bytes: noMeta.predict }, { name: 'model_init.pb', bytes: noMeta.init }],
    /^cannot use model\.pb \+ model_init\.pb: InputError: model\.pb: the net's outputs \(data_shape\) lack 'bbox_nms', 'score_nms', 'class_nms', .*it has no 'meta_architecture' meta arg/);
  await pick([{ name: 'weights.bin', bytes: new Uint8Array(4) }], /^cannot use weights\.bin: InputError: no model file among weights\.bin: choose a model folder/);
  assert.is(await page.evaluate(() => (window as unknown as { demo: { model: { name: string } } }).demo.model.name), 'Sample Mask R-CNN');
  await page.screenshot({ path: join(OUT, 'demo-error.png'), fullPage: true });
});

test('Chromium: a model folder, and a detectron2 model.onnx + config.yaml converted in the page, load', async () => {
  const { site, page } = await setup();
  type Demo = { model?: Info; error?: string };
  type Info = { name: string; files: string[]; converted: boolean; ops: number; minSize: number; classes: string[] | null };
  /** Picks files, then waits for the model `name` or a model error (the re-run of broken.jpg fails, as it should). */
  const load = async (input: string, files: string | string[], name: string) => {
    await page.evaluate(() => { (window as unknown as { demo: Demo }).demo.error = undefined; });
    await page.setInputFiles(input, files);
    await page.waitForFunction((n) => {
      const d = (window as unknown as { demo: Demo }).demo;
      return d.model?.name === n || (d.error !== undefined && !d.error.includes('broken.jpg'));
    }, name, { timeout: RUN_TIMEOUT });
    const m = await page.evaluate(() => (window as unknown as { demo: Demo }).demo.model!);
    assert.is(m.name, name, await pageError(page));
    return m;
  };
  const dir = await load('#model-dir', join(site, 'model'), 'model/');
  assert.equal([dir.files, dir.converted, dir.ops, dir.classes], [['model.pb', 'model_init.pb'], false, 198, ['circle', 'square', 'triangle']]);
  const samples = resolve(ROOT, 'samples/demo');
  const onnx = await load('#model-files', ['model.onnx', 'config.yaml', 'classes.txt'].map((f) => join(samples, f)), 'model.onnx');
  assert.equal([onnx.converted, onnx.ops, onnx.minSize, onnx.classes], [true, 198, 320, ['circle', 'square', 'triangle']]);
  assert.match(await page.locator('#model-card').innerText(), 'converted from ONNX here');
});

test.run();
