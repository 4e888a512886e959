// glow's 140 Caffe2 test nets (test/fixtures/glow-caffe2, Apache-2.0): every file parses and
// round-trips through text and binary; every predict net (with the init net glow's importer test
// pairs it with) either plans and runs on random inputs, or fails at load with an
// UnsupportedOpsError listing exactly the op types the registry lacks (computed now, since ops are
// being added), or is refused by an op (an arg or input type Caffe2's op does not take either)
// with an error naming that op. GLOW_VERBOSE=1 lists the refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { ArgError, Caffe2Error, NotSupportedError, PlanError, ShapeError, UnsupportedOpsError } from '../../src/core/errors.js';
import { isStatic } from '../../src/core/shape.js';
import { Tensor } from '../../src/core/tensor.js';
import type { DType, NumericDType } from '../../src/core/dtype.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { caffe2Message, decodeNetDef, encodeNetDef, type NetDef } from '../../src/proto/caffe2.js';
import { parseText, printText } from '../../src/proto/text.js';
import { seededFloats } from '../helpers/arb.js';
import { fixture } from '../helpers/paths.js';

const DIR = fixture('glow-caffe2');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.pbtxt')).sort();
const NETDEF = caffe2Message('NetDef');
const load = (f: string): NetDef => parseText<NetDef>(readFileSync(`${DIR}/${f}`, 'utf8'), NETDEF, f);

interface Entry { test: string; init: string | null; inputs: Record<string, { dtype: string; shape: number[] }>; unknown?: string[] }
const SHAPES = (JSON.parse(readFileSync(`${DIR}/input_shapes.json`, 'utf8')) as { nets: Record<string, Entry> }).nets;

test('the fixture holds all 140 glow nets and their licence', () => {
  assert.is(FILES.length, 140);
  assert.match(readFileSync(`${DIR}/LICENSE`, 'utf8'), /Apache License/);
});

test('every glow net parses, and text and binary round trips give the same message', () => {
  for (const f of FILES) {
    const net = load(f);
    const again = parseText<NetDef>(printText(net as never, NETDEF), NETDEF, f);
    assert.equal(again, net, `${f}: text round trip`);
    const bytes = encodeNetDef(net);
    assert.equal(decodeNetDef(bytes, { file: f }), net, `${f}: binary round trip`);
    assert.equal(encodeNetDef(again), bytes, `${f}: re-encoding`);
  }
});

function randomInput(name: string, dtype: string, shape: number[], seed: number): Tensor {
  if (dtype === 'float32') return new Tensor('float32', shape, seededFloats(shape.reduce((a, b) => a * b, 1), seed));
  // integer inputs are indices and lengths in these nets: zeros are valid for all of them
  return new Tensor(dtype as NumericDType, shape);
}

const tally = { ran: 0, unsupported: 0, argErrors: 0, compiledOnly: 0 };
const rejected: string[] = [];

for (const [file, e] of Object.entries(SHAPES)) {
  test(`glow ${file} (${e.test}): runs, or reports exactly its unsupported ops`, () => {
    const predict = load(file);
    const init = e.init && e.init !== 'empty_init_net.pbtxt' ? load(e.init) : undefined;
    // glow's nets often omit external_input: glow's importer is told the input names instead
    for (const n of [...Object.keys(e.inputs), ...(e.unknown ?? [])]) if (!predict.external_input.includes(n)) predict.external_input.push(n);
    const types = new Set([...predict.op, ...(init?.op ?? [])].map((o) => o.type ?? ''));
    const missing = [...types].filter((t) => !defaultRegistry.has(t)).sort();
    let model: Caffe2Model;
    try {
      model = new Caffe2Model(predict, init, { registry: defaultRegistry, predictFile: file, ...(init ? { initFile: e.init! } : {}), poison: true });
    } catch (err) {
      if (!(err instanceof Caffe2Error)) throw err;
      const first = err instanceof PlanError ? err.errors[0] : err;
      if (missing.length) {
        assert.instance(first, UnsupportedOpsError, `${file}: ${err.message}`);
        const got = [...new Set((first as UnsupportedOpsError).ops.map((o) => o.opType))].sort();
        assert.equal(got, missing, `${file}: unsupported op types`);
        tally.unsupported++;
        return;
      }
      // a supported op refusing one of glow's args (e.g. order NHWC) must say which op and arg
      const errs = err instanceof PlanError ? err.errors : [err];
      for (const x of errs) {
        assert.ok(x instanceof ArgError || x instanceof NotSupportedError, `${file}: ${x.name}: ${x.message}`);
        assert.ok(x.where.opIndex !== undefined && x.where.opType, `${file}: error does not name the op: ${x.message}`);
        rejected.push(`${file}: ${x.message}`);
      }
      tally.argErrors++;
      return;
    }
    assert.equal(missing, [], `${file}: loaded although the registry lacks ${missing.join(', ')}`);
    if (e.unknown?.length) { tally.compiledOnly++; return; }
    const feeds = new Map<string, Tensor>();
    let seed = 1;
    for (const n of model.inputNames) {
      const s = e.inputs[n];
      assert.ok(s, `${file}: no shape known for input '${n}'`);
      feeds.set(n, randomInput(n, s.dtype as DType, s.shape, seed++));
    }
    let plan;
    try {
      plan = model.plan(new Map([...feeds].map(([n, t]) => [n, { dtype: t.dtype, shape: t.shape.slice() }])));
    } catch (err) {
      // an op refusing these inputs (a dtype or broadcast Caffe2's op does not take either) must
      // say so at plan time, naming the op; a missing input would mean the fixture is wrong
      assert.ok(err instanceof ShapeError || err instanceof ArgError || err instanceof NotSupportedError, `${file}: ${(err as Error).message}`);
      assert.ok((err as Caffe2Error).where.opType, `${file}: error does not name the op: ${(err as Error).message}`);
      rejected.push(`${file}: ${(err as Error).message}`);
      tally.argErrors++;
      return;
    }
    const out = model.run(feeds);
    for (const name of model.outputNames) {
      const t = out.get(name) ?? model.workspace.get(name);
      assert.ok(t, `${file}: output '${name}' missing`);
      const id = plan.outputs.get(name);
      const info = id !== undefined ? plan.values[id]!.info : undefined;
      if (info && isStatic(info.shape)) assert.equal(t.shape, info.shape, `${file}: '${name}' shape vs plan`);
    }
    tally.ran++;
  });
}

test('glow nets: every net was classified', () => {
  const total = tally.ran + tally.unsupported + tally.argErrors + tally.compiledOnly;
  assert.is(total, Object.keys(SHAPES).length);
  console.log(`  glow nets: ${tally.ran} ran, ${tally.unsupported} unsupported ops, ${tally.argErrors} rejected by an op, ${tally.compiledOnly} compiled only (input shapes unknown)`);
  if (process.env['GLOW_VERBOSE']) for (const r of rejected) console.log(`    ${r}`);
});

test.run();
