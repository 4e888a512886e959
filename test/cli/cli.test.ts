// The built CLI, spawned on a small model dir written here: info, run (npy in/out, --trace,
// --profile, --stop-after), ops, exit codes and error lines; plus the TTY-only progress bar.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, writeNpy } from '../../src/core/npy.js';
import { Tensor } from '../../src/core/tensor.js';
import { encodeNetDef } from '../../src/proto/caffe2.js';
import { writeTensorProtos } from '../../src/caffe2/tensor_proto.js';
import { Progress } from '../../src/cli/progress.js';
import { parseArgv } from '../../src/cli/args.js';
import { describe } from '../../src/cli/ops.js';
import { InputError } from '../../src/core/errors.js';
import { loadModel, readNpyFile } from '../../src/node/files.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { makeArg, makeNet, makeOp } from '../helpers/net.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'caffe2-ts-cli-'));
const model = join(dir, 'model');

type Result = { code: number; out: string; err: string };
function spawnCli(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN, ...args], { cwd: dir });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}
const x = () => `data=${join(dir, 'x.npy')}`;
// every invocation, started together (each is a fresh Node process) and awaited once
const CALLS: Record<string, () => string[]> = {
  info: () => ['info', model, '--shape', 'data=1,3,4,4'],
  infoJson: () => ['info', model, '--json'],
  infoBad: () => ['info', join(dir, 'bad.pb')],
  run: () => ['run', model, '--input', x(), '--output', join(dir, 'out')],
  runPb: () => ['run', model, '--input', `data=${join(dir, 'x.pb')}`],
  traceProfile: () => ['run', model, '-i', x(), '--trace', '--profile'],
  stop: () => ['run', model, '-i', x(), '--stop-after', '0', '-o', join(dir, 'stop')],
  missing: () => ['run', model],
  nofile: () => ['run', model, '-i', 'data=nope.npy'],
  bad: () => ['run', join(dir, 'bad.pb'), '-i', x()],
  unknown: () => ['frobnicate'],
  ops: () => ['ops', 'GaussianFill'],
};
const R: Record<string, Result> = {};
const cli = (key: keyof typeof CALLS): Result => R[key]!;

test.before(async () => {
  // predict: r = Relu(data); y = Relu(r) in place; z = w (a weight passed through GivenTensorFill)
  const predict = makeNet([makeOp('Relu', ['data'], ['r']), makeOp('Relu', ['r'], ['y'])], ['data', 'w'], ['y']);
  predict.arg.push(makeArg('meta_architecture', 'GeneralizedRCNN'), makeArg('size_divisibility', 32));
  const init = makeNet([makeOp('GivenTensorFill', [], ['w'], { shape: [2, 5], values: { floats: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9.5] } })], [], ['w']);
  mkdirSync(model);
  writeFileSync(join(model, 'model.pb'), encodeNetDef(predict));
  writeFileSync(join(model, 'model_init.pb'), encodeNetDef(init));
  const x = Tensor.from('float32', [1, 3, 4, 4], Array.from({ length: 48 }, (_, i) => i - 24));
  writeFileSync(join(dir, 'x.npy'), writeNpy(x));
  writeFileSync(join(dir, 'x.pb'), writeTensorProtos({ data: x }));
  const bad = makeNet([makeOp('Relu', ['data'], ['a']), makeOp('NoSuchOp', ['a'], ['b']), makeOp('AlsoMissing', ['b'], ['c'])], ['data'], ['c']);
  writeFileSync(join(dir, 'bad.pb'), encodeNetDef(bad));
  const keys = Object.keys(CALLS);
  const results = await Promise.all(keys.map((k) => spawnCli(CALLS[k]!())));
  keys.forEach((k, i) => { R[k] = results[i]!; });
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('info: inputs, outputs, meta, histogram, params, planned peak, unsupported ops', () => {
  const r = cli('info');
  assert.is(r.code, 0, r.err);
  assert.is(r.out, [
    'model:    model.pb + model_init.pb  (net \'test\')',
    'inputs:   data',
    'outputs:  y',
    'meta:     meta_architecture=GeneralizedRCNN',
    '          size_divisibility=32',
    'ops:      2 (Relu 2)',
    'params:   10 in 1 blobs, 40 B',
    'peak:     192 B of intermediate blobs for data [1, 3, 4, 4]',
    'unsupported ops: none',
    '',
  ].join('\n'));
});

test('info --json and detectron2 default shapes (800 short side rounded to size_divisibility)', () => {
  const r = cli('infoJson');
  const j = JSON.parse(r.out) as { planned_peak: { bytes: number; shapes: Record<string, number[]> }; params: unknown; histogram: unknown };
  assert.equal(j.planned_peak.shapes, { data: [1, 3, 800, 1088] });
  assert.is(j.planned_peak.bytes, 3 * 800 * 1088 * 4);
  assert.equal(j.params, { count: 10, bytes: 40, blobs: 1 });
  assert.equal(j.histogram, { Relu: 2 });
});

test('info on a net with unsupported ops lists them and exits 1', () => {
  const r = cli('infoBad');
  assert.is(r.code, 1);
  assert.match(r.out, /^unsupported ops: AlsoMissing, NoSuchOp$/m);
});

test('run: .npy (or a TensorProtos .pb) in, every external output written as <blob>.npy', () => {
  const r = cli('run');
  assert.is(r.code, 0, r.err);
  assert.is(r.out, 'y: float32[1, 3, 4, 4]\n');
  const y = readNpy(new Uint8Array(readFileSync(join(dir, 'out', 'y.npy'))));
  assert.equal(y.shape, [1, 3, 4, 4]);
  assert.equal(Array.from(y.data as Float32Array), Array.from({ length: 48 }, (_, i) => Math.max(0, i - 24)));
  assert.is(cli('runPb').out, 'y: float32[1, 3, 4, 4]\n', cli('runPb').err);
});

test('run --trace prints each op with shapes; --profile prints the per-type table', () => {
  const t = cli('traceProfile');
  assert.is(t.code, 0, t.err);
  const lines = t.err.split('\n').filter((l) => l.startsWith('#'));
  assert.is(lines.length, 2);
  assert.match(lines[0]!, /^#0 Relu \[1, 3, 4, 4\] -> float32\[1, 3, 4, 4\] \d+\.\d\d ms$/);
  const p = t;
  assert.match(p.out, /time per op type:\n {2}Relu +\d+\.\d ms +\d+\.\d%  x2\n/);
  // the two Relus take about the same time: either may rank first
  assert.match(p.out, /top 10 ops:\n {2}#[01] +Relu .*\n {2}#[01] +Relu /);
});

test('run --stop-after 0 dumps every live blob at that point', () => {
  const r = cli('stop');
  assert.is(r.code, 0, r.err);
  assert.equal(readdirSync(join(dir, 'stop')).sort(), ['data.npy', 'r.npy']);
  // by blob name, in process (the same code path the CLI flag takes)
  const m = loadModel(model);
  const res = m.runDetailed({ data: readNpyFile(join(dir, 'x.npy')) }, { stopAfter: 'r' });
  assert.equal([...res.blobs!.keys()].sort(), ['data', 'r']);
});

test('errors: one line naming the error class and where, exit 1; unknown commands exit 2', () => {
  const missing = cli('missing');
  assert.is(missing.code, 1);
  assert.is(missing.err, "caffe2-ts: InputError: model.pb: missing input 'data'\n");
  const nofile = cli('nofile');
  assert.is(nofile.err, 'caffe2-ts: InputError: nope.npy: no such file\n');
  const bad = cli('bad');
  assert.is(bad.err, 'caffe2-ts: UnsupportedOpsError: bad.pb: 2 unsupported ops (NoSuchOp, AlsoMissing): #1 NoSuchOp, #2 AlsoMissing\n');
  assert.throws(() => parseArgv(['--colour'], { init: {}, shape: { multi: true }, json: { bool: true } }),
    (e: Error) => e instanceof InputError && e.message === 'unknown option --colour (known: --init, --shape, --json)');
  assert.is(cli('unknown').code, 2);
});

test('ops: every registered op with ports, args and defaults', () => {
  const r = cli('ops');
  assert.is(r.out, [
    'GaussianFill  [Data]',
    '  (shape_source?) -> (output)',
    '  args: shape:ints, extra_shape:ints, input_as_shape:bool=false, mean:float=0, std:float=1',
    '1 ops',
    '',
  ].join('\n'));
  const g = describe(defaultRegistry.get('GaussianFill')!);
  assert.equal(g['args'], { shape: { kind: 'ints' }, extra_shape: { kind: 'ints' }, input_as_shape: { kind: 'bool', default: false }, mean: { kind: 'float', default: 0 }, std: { kind: 'float', default: 1 } });
});

test('progress: drawn on a TTY, silent otherwise', () => {
  const writes: string[] = [];
  const tty = { isTTY: true, write: (s: string) => { writes.push(s); return true; } } as unknown as NodeJS.WriteStream;
  const bar = new Progress('loading', tty);
  bar.update(50, 100, 'reading weights');
  bar.done();
  assert.is(writes[0], `\rloading [${'#'.repeat(14)}${'.'.repeat(14)}]  50% reading weights\x1b[K`);
  assert.is(writes[1], '\r\x1b[K');
  const pipe: string[] = [];
  const quiet = new Progress('loading', { isTTY: false, write: (s: string) => { pipe.push(s); return true; } } as unknown as NodeJS.WriteStream);
  quiet.update(50, 100);
  quiet.done();
  assert.equal(pipe, []);
});

test.run();
