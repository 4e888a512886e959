// The ONNX backend node tests (../shared/external/onnx-node-tests: node/, pytorch-converted/,
// pytorch-operator/) through our lowering and interpreter, compared with rtol 1e-3, atol 1e-5,
// as ../shared/tools/acceptance.sh runs them: converted with no inputs bound, every graph input
// fed at run time. Read from ../shared (16 MB: too big to copy into the repo).
// Every test either passes or is listed in node_skips.json, whose entries must still fail
// conversion with their stated error (so a skip cannot hide a fixed test). Tests with several
// inputs also run with every input but the first bound to its value (`convert --constant`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Caffe2Error } from '../../src/core/errors.js';
import type { Tensor } from '../../src/core/tensor.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { convertOnnxModel } from '../../src/onnx/convert.js';
import { readOnnxModel, readOnnxTensor } from '../../src/onnx/reader.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { sharedDir } from '../helpers/paths.js';

const SUITES = ['node', 'pytorch-converted', 'pytorch-operator'];
const RTOL = 1e-3, ATOL = 1e-5;
const skips = JSON.parse(readFileSync('test/onnx/node_skips.json', 'utf8')) as {
  skips: { reason: string; expect: string; tests: string[] }[];
};
const expected = new Map(skips.skips.flatMap((s) => s.tests.map((t) => [t, s.expect] as const)));
const root = sharedDir() ? join(sharedDir()!, 'external', 'onnx-node-tests') : undefined;

function readTensor(p: string): Tensor {
  const b = readFileSync(p);
  return readOnnxTensor(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), { file: p }).tensor;
}

function compare(got: Tensor | undefined, want: Tensor, name: string): string | undefined {
  if (!got) return `output '${name}' was not produced`;
  if (got.shape.join() !== want.shape.join()) return `output '${name}' has shape [${got.shape}], expected [${want.shape}]`;
  if (got.dtype !== want.dtype) return `output '${name}' is ${got.dtype}, expected ${want.dtype}`;
  const g = got.data as ArrayLike<number | bigint>, w = want.data as ArrayLike<number | bigint>;
  let bad = 0, first = -1;
  for (let i = 0; i < w.length; i++) {
    const a = Number(g[i]), b = Number(w[i]);
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    if (!(Math.abs(a - b) <= ATOL + RTOL * Math.abs(b))) { bad++; if (first < 0) first = i; }
  }
  return bad ? `output '${name}': ${bad}/${w.length} elements differ, first [${first}] got ${g[first]} want ${w[first]}` : undefined;
}

if (!root || !existsSync(root)) {
  test('ONNX node tests', () => { console.log('\n  !!! SKIPPED: no ../shared/external/onnx-node-tests (set CAFFE2_TS_SHARED): the ONNX node suite did not run !!!'); });
} else {
  const seen = new Set<string>();
  for (const suite of SUITES) {
    for (const t of readdirSync(join(root, suite)).sort()) {
      const name = `${suite}/${t}`;
      seen.add(name);
      const dir = join(root, suite, t);
      const model = () => readOnnxModel(new Uint8Array(readFileSync(join(dir, 'model.onnx'))), { file: `${t}/model.onnx` });
      const load = () => {
        const m = model();
        const inits = new Set(m.graph.initializers.map((i) => i.name));
        const ds = join(dir, 'test_data_set_0');
        const feeds = new Map<string, Tensor>();
        m.graph.inputs.filter((i) => !inits.has(i.name)).forEach((vi, i) => {
          const p = join(ds, `input_${i}.pb`);
          if (existsSync(p)) feeds.set(vi.name, readTensor(p));
        });
        return { m, ds, feeds };
      };
      const want = expected.get(name);
      if (want !== undefined) {
        test(`${name} (skipped: must still fail conversion)`, () => {
          let msg = '';
          try { convertOnnxModel(model()); } catch (e) { if (!(e instanceof Caffe2Error)) throw e; msg = e.message; }
          assert.ok(msg.includes(want), `expected the conversion to fail with ${JSON.stringify(want)}, got ${msg ? JSON.stringify(msg) : 'a converted model'}`);
        });
        continue;
      }
      const run = (bind: boolean): void => {
        const { m, ds, feeds } = load();
        const constants = new Map<string, Tensor>();
        if (bind) for (const [n, v] of [...feeds].slice(1)) { constants.set(n, v); feeds.delete(n); }
        const r = convertOnnxModel(m, { constants });
        const model = new Caffe2Model(r.predictNet, r.initNet, { registry: defaultRegistry, poison: true });
        const out = model.run(feeds);
        const problems = m.graph.outputs.map((o, i) => compare(out.get(o.name), readTensor(join(ds, `output_${i}.pb`)), o.name)).filter((x): x is string => !!x);
        assert.equal(problems, []);
      };
      test(name, () => { run(false); });
      if (model().graph.inputs.length > 1) test(`${name} (inputs after the first bound as constants)`, () => { run(true); });
    }
  }
  test('node_skips.json names only existing tests, each once', () => {
    const all = skips.skips.flatMap((s) => s.tests);
    assert.equal(all.filter((n) => !seen.has(n)), []);
    assert.equal(all.length, new Set(all).size);
  });
}

test.run();
