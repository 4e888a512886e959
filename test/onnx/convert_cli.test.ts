// `caffe2-ts convert` as a user runs it (the built CLI, spawned): files written and readable,
// the summary, meta flags, external data next to the model, exit code 1 listing every unsupported
// node; and model.svg rendered in headless Chromium with every op visible (screenshot kept in
// .build/test-output/onnx), skipped with a message only where Chromium is absent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeNetDef } from '../../src/proto/caffe2.js';
import { Caffe2Model, readMeta } from '../../src/caffe2/model.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { encodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';
import { f32, modelMessage, node } from './build.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'caffe2-ts-convert-'));
const OUT = resolve('.build/test-output/onnx');

function spawnCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [MAIN, ...args], { cwd: dir });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => res({ code: code ?? -1, out, err }));
  });
}

const conv = f32([2, 1, 3, 3], [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
const good = modelMessage({
  opset: 9, name: 'torch_jit', extraOpsets: [['org.pytorch._caffe2', 1]],
  nodes: [
    node('AliasWithName', ['x.1'], ['a'], { name: 'data', is_backward: 0 }, { domain: 'org.pytorch._caffe2' }),
    node('Conv', ['a', 'w'], ['c'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
    node('Relu', ['c'], ['r']),
    node('MaxPool', ['r'], ['p'], { kernel_shape: [2, 2], strides: [2, 2] }),
    node('AliasWithName', ['p'], ['9'], { name: 'pooled', is_backward: 0 }, { domain: 'org.pytorch._caffe2' }),
  ],
  inputs: [{ name: 'x.1', shape: [1, 1, 4, 4] }], outputs: [{ name: '9' }],
  initializers: [['w', conv]],
});
// the same model with its weight in weights.bin (ONNX external data)
const ext = structuredClone(good) as typeof good;
{
  const init = ((ext['graph'] as Record<string, unknown>)['initializer'] as Record<string, unknown>[])[0]!;
  const raw = init['raw_data'] as Uint8Array;
  const file = new Uint8Array(64 + raw.length);
  file.set(raw, 64);
  writeFileSync(join(dir, 'weights.bin'), file);
  delete init['raw_data'];
  init['data_location'] = 1;
  init['external_data'] = [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '64' }, { key: 'length', value: String(raw.length) }];
}
const bad = modelMessage({
  opset: 13,
  nodes: [node('NonZero', ['x'], ['n'], {}, { name: 'first' }), node('Relu', ['x'], ['r']), node('Unique', ['r'], ['u'], {}, { name: 'second' })],
  inputs: [{ name: 'x', shape: [2] }], outputs: [{ name: 'n' }, { name: 'u' }],
});
const enc = (m: typeof good) => encodeMessage(onnxSchema().message('onnx.ModelProto'), m);
writeFileSync(join(dir, 'good.onnx'), enc(good));
writeFileSync(join(dir, 'ext.onnx'), enc(ext));
writeFileSync(join(dir, 'bad.onnx'), enc(bad));
writeFileSync(join(dir, 'config.yaml'), 'MODEL: {META_ARCHITECTURE: GeneralizedRCNN, BACKBONE: {NAME: build_resnet_backbone}}\nINPUT: {MIN_SIZE_TEST: 320, MAX_SIZE_TEST: 512}\n');

const CALLS = {
  good: ['convert', join(dir, 'good.onnx'), '--output', join(dir, 'good'), '--config', join(dir, 'config.yaml'), '--size-divisibility', '16', '--meta', 'num_classes=7', '--meta', 'thing_classes=dog,cat'],
  ext: ['convert', join(dir, 'ext.onnx'), '-o', join(dir, 'ext'), '--json', '--no-svg'],
  bad: ['convert', join(dir, 'bad.onnx'), '--output', join(dir, 'bad')],
  usage: ['convert', join(dir, 'good.onnx')],
  badFlag: ['convert', join(dir, 'good.onnx'), '-o', join(dir, 'x'), '--upsample-linear', 'cubic'],
};
const results = Object.fromEntries(await Promise.all(Object.entries(CALLS).map(async ([k, args]) => [k, await spawnCli(args)] as const)));

test('convert writes model.pb, model_init.pb, model.pbtxt, model.svg and prints a summary', () => {
  const r = results['good']!;
  assert.is(r.code, 0, r.err);
  for (const f of ['model.pb', 'model_init.pb', 'model.pbtxt', 'model.svg']) assert.ok(existsSync(join(dir, 'good', f)), f);
  const lines = r.out.split('\n');
  assert.is(lines[0], 'good.onnx: ONNX IR 7 (ai.onnx 9, org.pytorch._caffe2 1), 5 nodes -> 3 Caffe2 ops, 1 parameters (18 values, 72 B)');
  assert.is(lines[1], '  ops: Conv 1, MaxPool 1, Relu 1');
  assert.is(lines[3], '  inputs: data float32[1, 1, 4, 4]');
  assert.is(lines[4], '  outputs: pooled float32[1, 2, 2, 2]');
  assert.ok(lines[5]!.startsWith('  meta: size_divisibility=16 device=cpu* meta_architecture=GeneralizedRCNN min_size_test=320 max_size_test=512 input_format=BGR* '), lines[5]);
  assert.ok(lines[5]!.includes(' thing_classes="dog","cat" '), lines[5]);
  assert.is(lines[6], '  unsupported ops: none');
  const predict = decodeNetDef(new Uint8Array(readFileSync(join(dir, 'good', 'model.pb'))));
  const meta = readMeta(predict.arg);
  assert.equal([meta['size_divisibility'], meta['num_classes'], meta['min_size_test'], meta['thing_classes']], [16, 7, 320, ['dog', 'cat']]);
});

test('the converted files run: a 3x3 conv (identity and box filters), relu, 2x2 max pool', () => {
  const predict = decodeNetDef(new Uint8Array(readFileSync(join(dir, 'good', 'model.pb'))));
  const init = decodeNetDef(new Uint8Array(readFileSync(join(dir, 'good', 'model_init.pb'))));
  const x = f32([1, 1, 4, 4], [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16]);
  const y = new Caffe2Model(predict, init, { registry: defaultRegistry }).run({ data: x }).get('pooled')!;
  // channel 0 = relu(x) pooled; channel 1 = relu(3x3 box sums) pooled
  // box sums (zero padded): [-2 8 -10 -2; -3 18 -21 -3; -3 30 -33 -3; -2 24 -26 -2]
  assert.equal(Array.from(y.data as Float32Array), [5, 7, 13, 15, 18, 0, 30, 0]);
});

test('external data is read from next to the model; --json prints the summary as JSON', () => {
  const r = results['ext']!;
  assert.is(r.code, 0, r.err);
  const s = JSON.parse(r.out) as { ops: number; params: number; files: string[]; meta: Record<string, unknown> };
  assert.equal([s.ops, s.params, s.files], [3, 1, ['model.pb', 'model_init.pb', 'model.pbtxt']]);
  assert.is(s.meta['size_divisibility'], 0);
  assert.equal(readFileSync(join(dir, 'ext', 'model_init.pb')), readFileSync(join(dir, 'good', 'model_init.pb')));
});

test('unsupported nodes: exit code 1, every one listed with name and opset, nothing written', () => {
  const r = results['bad']!;
  assert.is(r.code, 1);
  assert.is(r.err.trim(), "caffe2-ts: UnsupportedOpsError: bad.onnx: 2 unsupported ops (NonZero, Unique): #0 NonZero 'first' (opset 13: no lowering to Caffe2 ops), #2 Unique 'second' (opset 13: no lowering to Caffe2 ops)");
  assert.not.ok(existsSync(join(dir, 'bad', 'model.pb')));
});

test('usage and flag errors', () => {
  assert.is(results['usage']!.code, 1);
  assert.match(results['usage']!.err, /InputError: usage: caffe2-ts convert <model\.onnx> --output <dir>/);
  assert.match(results['badFlag']!.err, /--upsample-linear is half_pixel or align_corners, got 'cubic'/);
});

// ------------------------------------------------------------------ model.svg in Chromium

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

test('model.svg renders in headless Chromium with every op box visible', async () => {
  if (!CHROMIUM) { console.log('\n  SKIPPED model.svg rendering: no Chromium at /usr/bin/chromium (apt-get install -y chromium)'); return; }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const svgFile = join(dir, 'good', 'model.svg');
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(readFileSync(svgFile, 'utf8'))!.map(Number);
    const page = await browser.newPage({ viewport: { width: Math.min(w!, 4000), height: Math.min(h!, 4000) } });
    await page.goto(`file://${svgFile}`);
    const boxes = await page.$$eval('g.op, g.input, g.output', (els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { cls: e.getAttribute('class'), text: e.textContent?.replace(/\s+/g, ' ').trim() ?? '', w: r.width, h: r.height, x: r.x, y: r.y };
    }));
    const size = await page.$eval('svg', (s) => ({ w: s.getBoundingClientRect().width, h: s.getBoundingClientRect().height }));
    assert.equal(boxes.filter((b) => b.cls === 'op').map((b) => b.text.replace(/^#\d+ /, '').split(' ')[0]), ['Conv', 'Relu', 'MaxPool']);
    assert.equal(boxes.filter((b) => b.cls !== 'op').map((b) => b.text.split(' ')[0]), ['input', 'output']);
    for (const b of boxes) assert.ok(b.w > 20 && b.h > 10 && b.x >= 0 && b.y >= 0 && b.x + b.w <= size.w + 1 && b.y + b.h <= size.h + 1, `${b.text} at ${JSON.stringify(b)}`);
    const edgeLabels = await page.$$eval('g.blob text', (els) => els.map((e) => e.textContent));
    assert.ok(edgeLabels.includes('c [1, 2, 4, 4]') && edgeLabels.includes('pooled [1, 2, 2, 2]'), JSON.stringify(edgeLabels));
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'convert_cli_model.svg.png') });
    assert.ok(existsSync(join(OUT, 'convert_cli_model.svg.png')));
  } finally {
    await browser.close();
  }
});

test.run();
