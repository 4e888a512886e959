// The browser bundle (scripts/build-web.mjs, `npm run build:web`): one self-contained ESM file
// with no Node built-ins and protobufjs inside, whose error classes keep their names after
// minification, whose converter writes the same model bytes as the Node build, and which never
// evaluates strings as code (pages with a strict Content-Security-Policy can use it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { Detectron2Predictor, convertOnnx, encodeNetDef, loadCaffe2Model } from '../../src/index.js';
import { fakeModelBytes } from '../detectron2/fake_model.js';
import { ROOT } from '../helpers/paths.js';

interface BuildWeb {
  BUNDLE: string;
  buildBundle(outdir: string): Promise<Metafile>;
  bundledPackages(m: Metafile): string[];
}

const dir = mkdtempSync(join(tmpdir(), 'caffe2-ts-bundle-'));
let built: Promise<{ meta: Metafile; text: string; file: string; web: BuildWeb }> | undefined;
function build() {
  built ??= (async () => {
    const web = (await import(pathToFileURL(resolve(ROOT, 'scripts/build-web.mjs')).href)) as BuildWeb;
    const meta = await web.buildBundle(dir);
    const file = join(dir, web.BUNDLE);
    return { meta, text: readFileSync(file, 'utf8'), file, web };
  })();
  return built;
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('bundle: one file, nothing imported from outside it', async () => {
  const { meta, web } = await build();
  const outs = Object.entries(meta.outputs).filter(([f]) => f.endsWith('.js'));
  assert.equal(outs.map(([f]) => f.split('/').pop()), [web.BUNDLE]);
  assert.equal(outs[0]![1].imports, [], 'the bundle imports nothing');
  assert.equal(outs[0]![1].entryPoint, 'src/index.ts');
});

test('bundle: no Node built-ins, src/node or src/cli inside; only protobufjs\'s optional fs is stubbed', async () => {
  const { meta, text } = await build();
  const inputs = Object.keys(meta.inputs);
  assert.ok(inputs.includes('src/caffe2/planner.ts'), 'the runtime is inside');
  assert.equal(inputs.filter((f) => f.startsWith('node:') || /^src\/(node|cli)\//.test(f)), []);
  const stubbed: string[] = [];
  for (const [f, v] of Object.entries(meta.inputs)) for (const i of v.imports) if (i.path.startsWith('(disabled):')) stubbed.push(`${f} -> ${i.original}`);
  assert.equal(stubbed.sort(), ['node_modules/@protobufjs/fetch/util/fs.js -> fs', 'node_modules/protobufjs/src/util/fs.js -> fs']);
  // The text itself: no node: specifiers and no require() of a built-in, however it is spelled.
  assert.not.match(text, /["'`]node:[a-z_/]+["'`]/);
  const builtins = builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/[/]/g, '\\/')).join('|');
  const req = new RegExp(`\\brequire\\(\\s*["'\`](${builtins})["'\`]\\s*\\)`, 'g');
  assert.equal(text.match(req) ?? [], []);
  assert.not.match(text, /\bimport\s*\(/, 'no dynamic import');
});

test('bundle: protobufjs, yaml, fast-png and dagre are bundled, with their licences beside it', async () => {
  const { meta, web } = await build();
  const pkgs = web.bundledPackages(meta);
  for (const p of ['protobufjs', 'yaml', 'fast-png', '@dagrejs/dagre', 'long']) assert.ok(pkgs.includes(p), `${p} is in the bundle`);
  const licences = readFileSync(join(dir, 'THIRD_PARTY_LICENSES.txt'), 'utf8');
  for (const p of pkgs) assert.ok(licences.includes(`\n${p} `), `THIRD_PARTY_LICENSES.txt names ${p}`);
  assert.match(licences, /\nprotobufjs [\d.]+ \(BSD-3-Clause\)\n=+\n[^=]*Redistribution and use in source and binary forms/);
});

test('bundle: minified, yet errors keep their class names (they print them)', async () => {
  const { file } = await build();
  const lib = (await import(pathToFileURL(file).href)) as typeof import('../../src/index.js');
  const e = new lib.InputError('bad', { file: 'x.jpg' });
  assert.is(e.name, 'InputError');
  assert.is(e.message, 'x.jpg: bad');
  assert.throws(() => lib.loadCaffe2Model(new Uint8Array([0x0a, 0xff])), (err: Error) => err.name === 'ModelFormatError' && err.message.startsWith('model.pb'));
});

test('bundle: its converter writes the same Caffe2 model bytes as the Node build', async () => {
  const { file } = await build();
  const lib = (await import(pathToFileURL(file).href)) as typeof import('../../src/index.js');
  const onnx = new Uint8Array(readFileSync(resolve(ROOT, 'samples/demo/model.onnx')));
  const opts = { file: 'model.onnx', noPlan: true, config: readFileSync(resolve(ROOT, 'samples/demo/config.yaml'), 'utf8'), configFile: 'config.yaml' };
  const a = lib.convertOnnx(onnx, opts), b = convertOnnx(onnx, opts);
  const same = (x: Uint8Array, y: Uint8Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(y);
  assert.ok(same(lib.encodeNetDef(a.predictNet), encodeNetDef(b.predictNet)), 'model.pb bytes');
  assert.ok(same(lib.encodeNetDef(a.initNet), encodeNetDef(b.initNet)), 'model_init.pb bytes');
  assert.ok(a.initNet.op.length > 100, `the init net holds the weights (${a.initNet.op.length} ops)`);
});

test('bundle: loads, predicts and converts where code generation from strings is disallowed (a CSP without \'unsafe-eval\')', async () => {
  const { file } = await build();
  const b = fakeModelBytes();
  writeFileSync(join(dir, 'fake.pb'), b.predict);
  writeFileSync(join(dir, 'fake_init.pb'), b.init);
  const img = { width: 37, height: 23, data: Uint8ClampedArray.from({ length: 37 * 23 * 4 }, (_, i) => (i * 7) % 251) };
  const script = `
    import { readFileSync } from 'node:fs';
    const lib = await import(${JSON.stringify(pathToFileURL(file).href)});
    let evalBlocked = false;
    try { new Function('return 1'); } catch { evalBlocked = true; }
    const bytes = (f) => new Uint8Array(readFileSync(f));
    const p = new lib.Detectron2Predictor(lib.loadCaffe2Model(bytes(${JSON.stringify(join(dir, 'fake.pb'))}), bytes(${JSON.stringify(join(dir, 'fake_init.pb'))})), { thingClasses: ['cat', 'dog'] });
    const img = { width: 37, height: 23, data: Uint8ClampedArray.from({ length: 37 * 23 * 4 }, (_, i) => (i * 7) % 251) };
    const json = p.toJson(p.predict(img).result);
    const c = lib.convertOnnx(bytes(${JSON.stringify(resolve(ROOT, 'samples/demo/model.onnx'))}), { noPlan: true, config: readFileSync(${JSON.stringify(resolve(ROOT, 'samples/demo/config.yaml'))}, 'utf8') });
    console.log(JSON.stringify({ evalBlocked, json, ops: c.predictNet.op.length }));`;
  const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { evalBlocked: boolean; json: unknown; ops: number };
  assert.ok(out.evalBlocked, 'the child really forbids new Function');
  const p = new Detectron2Predictor(loadCaffe2Model(b.predict, b.init), { thingClasses: ['cat', 'dog'] });
  assert.equal(out.json, JSON.parse(JSON.stringify(p.toJson(p.predict(img).result))));
  assert.is(out.ops, 198);
});

test.run();
