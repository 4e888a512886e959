// The ONNX backend node tests (../shared/external/onnx-node-tests: node/, pytorch-converted/,
// pytorch-operator/) through our lowering and interpreter, compared with rtol 1e-3, atol 1e-5.
// Read from ../shared (16 MB: too big to copy into the repo). Tests listed in node_skips.json are
// either not run (types Caffe2 has no use for) or must fail conversion with the listed reason;
// every other test must pass. Parameter inputs Caffe2 takes as arguments (axes, scales, K, split
// fed as tensors) are bound to their test values, as `convert --constant` does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Caffe2Error, PlanError } from '../../src/core/errors.js';
import type { Tensor } from '../../src/core/tensor.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { convertOnnxModel, type ConvertResult } from '../../src/onnx/convert.js';
import { UnsupportedNodesError } from '../../src/onnx/lower.js';
import { readOnnxModel, readOnnxTensor, type OnnxModel } from '../../src/onnx/reader.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { sharedDir } from '../helpers/paths.js';

const SUITES = ['node', 'pytorch-converted', 'pytorch-operator'];
const RTOL = 1e-3, ATOL = 1e-5;
const skips = JSON.parse(readFileSync('test/onnx/node_skips.json', 'utf8')) as {
  types: { reason: string; tests: string[] }[];
  unsupported: { expect: string; tests: string[] }[];
};
const skipType = new Map(skips.types.flatMap((s) => s.tests.map((t) => [t, s.reason] as const)));
const expectUnsupported = new Map(skips.unsupported.flatMap((s) => s.tests.map((t) => [t, s.expect] as const)));
const root = sharedDir() ? join(sharedDir()!, 'external', 'onnx-node-tests') : undefined;

function readTensor(p: string): Tensor {
  const b = readFileSync(p);
  return readOnnxTensor(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), { file: p }).tensor;
}

/** Converts, binding the graph inputs the lowering needs as constants to their test values. */
function convertBinding(m: OnnxModel, feeds: Map<string, Tensor>): ConvertResult {
  const constants = new Map<string, Tensor>();
  for (;;) {
    try {
      return convertOnnxModel(m, { constants });
    } catch (e) {
      const u = e instanceof UnsupportedNodesError ? e : e instanceof PlanError ? e.errors.find((x): x is UnsupportedNodesError => x instanceof UnsupportedNodesError) : undefined;
      const fresh = (u?.constantInputs ?? []).filter((n) => !constants.has(n) && feeds.has(n));
      if (!fresh.length) throw e;
      for (const n of fresh) { constants.set(n, feeds.get(n)!); feeds.delete(n); }
    }
  }
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
      if (skipType.has(name)) continue;
      const dir = join(root, suite, t);
      test(name, () => {
        const m = readOnnxModel(new Uint8Array(readFileSync(join(dir, 'model.onnx'))), { file: `${t}/model.onnx` });
        const inits = new Set(m.graph.initializers.map((i) => i.name));
        const ds = join(dir, 'test_data_set_0');
        const feeds = new Map<string, Tensor>();
        m.graph.inputs.filter((i) => !inits.has(i.name)).forEach((vi, i) => {
          const p = join(ds, `input_${i}.pb`);
          if (existsSync(p)) feeds.set(vi.name, readTensor(p));
        });
        const reason = expectUnsupported.get(name);
        if (reason) {
          let msg = '';
          try { convertBinding(m, feeds); } catch (e) { if (!(e instanceof Caffe2Error)) throw e; msg = e.message; }
          assert.ok(msg.includes(reason), `expected an unsupported-op error containing ${JSON.stringify(reason)}, got ${JSON.stringify(msg)}`);
          return;
        }
        const r = convertBinding(m, feeds);
        const model = new Caffe2Model(r.predictNet, r.initNet, { registry: defaultRegistry, poison: true });
        const out = model.run(feeds);
        const problems = m.graph.outputs.map((o, i) => compare(out.get(o.name), readTensor(join(ds, `output_${i}.pb`)), o.name)).filter((x): x is string => !!x);
        assert.equal(problems, []);
      });
    }
  }
  test('node_skips.json names only existing tests', () => {
    const stale = [...skipType.keys(), ...expectUnsupported.keys()].filter((n) => !seen.has(n));
    assert.equal(stale, []);
  });
}

test.run();
