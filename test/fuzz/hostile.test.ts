// Hostile input: random truncations and byte mutations of real files (glow nets as binary and as
// text, the reference-library files, a 100 KB init net) must fail only with our error classes:
// decoding only with ModelFormatError, loading only with Caffe2Error subclasses; never a
// RangeError/TypeError, a hang, or a tensor larger than the limit the loader is given.
// Budget: a fixed number of runs per corpus, a few seconds in all; the seed prints on failure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { Caffe2Error, ModelFormatError, ShapeError } from '../../src/core/errors.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { readTensorProtos } from '../../src/caffe2/tensor_proto.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { decodeMessage } from '../../src/proto/codec.js';
import { caffe2Message, decodeNetDef, encodeNetDef, type NetDef } from '../../src/proto/caffe2.js';
import { onnxSchema } from '../../src/proto/schema.js';
import { parseText } from '../../src/proto/text.js';
import { seededFloats } from '../helpers/arb.js';
import { makeNet, makeOp } from '../helpers/net.js';
import { fixture } from '../helpers/paths.js';

const NETDEF = caffe2Message('NetDef');
const glowFiles = readdirSync(fixture('glow-caffe2')).filter((f) => f.endsWith('.pbtxt')).sort();
const glowText = glowFiles.map((f) => readFileSync(fixture('glow-caffe2', f)));
const glowBinary = glowText.map((b, i) => encodeNetDef(parseText<NetDef>(b.toString('utf8'), NETDEF, glowFiles[i])));
const ref = (f: string) => new Uint8Array(readFileSync(fixture('protobuf', f)));

/** A detectron2-style init net: unpacked float weights, int and int64 fills (about 100 KB). */
function initNet(): Uint8Array {
  const ops = [];
  for (let k = 0; k < 6; k++) {
    const n = 4000 + 97 * k;
    ops.push(makeOp('GivenTensorFill', [], [`w${k}`], { shape: [n], values: { floats: Array.from(seededFloats(n, k + 1)) } }));
  }
  ops.push(makeOp('GivenTensorInt64Fill', [], ['shape'], { shape: [3], values: { ints: [-1, 7, '-9223372036854775808'] } }));
  ops.push(makeOp('ConstantFill', [], ['zeros'], { shape: [16, 4], value: 0.5 }));
  return encodeNetDef(makeNet(ops, [], []));
}
const INIT = initNet();

const mutation = (max: number) => fc.record({
  pick: fc.nat(),
  // truncate a third of the time; otherwise only byte edits, so many files still decode
  cut: fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: fc.nat(), weight: 1 }),
  edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: max }),
});

function mutate(src: Uint8Array, m: { cut: number | undefined; edits: [number, number][] }): Uint8Array {
  const b = src.slice(0, m.cut === undefined ? src.length : m.cut % (src.length + 1));
  for (const [at, v] of m.edits) if (b.length) b[at % b.length] = v;
  return b;
}

/** Runs `fn`; only errors of the allowed classes may escape (anything else fails the property). */
function only(allowed: (e: unknown) => boolean, fn: () => void, what: string): void {
  try { fn(); } catch (e) {
    if (!allowed(e)) throw new Error(`${what}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
  }
}
const isFormat = (e: unknown) => e instanceof ModelFormatError;
const isOurs = (e: unknown) => e instanceof Caffe2Error;

/** How many mutated files got past decoding (so the load path is exercised too). */
const stats = { decoded: 0 };

/** Decodes a (mutated) NetDef and, if that works, loads it with the tensor limit at 8x its size. */
function decodeAndLoad(bytes: Uint8Array, init?: Uint8Array): void {
  let net: NetDef | undefined;
  only(isFormat, () => { net = decodeNetDef(bytes, { file: 'fuzz.pb' }); }, 'decode');
  if (!net) return;
  stats.decoded++;
  let initNet: NetDef | undefined;
  if (init) only(isFormat, () => { initNet = decodeNetDef(init, { file: 'fuzz_init.pb' }); }, 'decode init');
  // int64 from 1-byte varints is the largest legitimate growth: 8 bytes per input byte
  const limit = 8 * (bytes.length + (init?.length ?? 0)) + 64;
  only(isOurs, () => {
    const m = new Caffe2Model(net!, initNet, { registry: defaultRegistry, maxTensorBytes: limit });
    for (const t of m.workspace.values()) if (t.bytes > limit) throw new Error(`tensor of ${t.bytes} bytes from ${bytes.length} input bytes`);
  }, 'load');
}

const RUNS = 800;

test('glow nets as binary: truncated and mutated, decode and load fail only with our errors', () => {
  stats.decoded = 0;
  fc.assert(fc.property(mutation(6), (m) => decodeAndLoad(mutate(glowBinary[m.pick % glowBinary.length]!, m))), { numRuns: RUNS });
  assert.ok(stats.decoded > RUNS / 10, `only ${stats.decoded} of ${RUNS} mutated nets decoded; the loader is barely exercised`);
});

test('glow nets as text: truncated and mutated, the text parser fails only with ModelFormatError', () => {
  fc.assert(fc.property(mutation(6), (m) => {
    const src = new TextDecoder().decode(mutate(glowText[m.pick % glowText.length]!, m));
    only(isFormat, () => parseText(src, NETDEF, 'fuzz.pbtxt'), 'parseText');
  }), { numRuns: RUNS });
});

test('a 100 KB init net: truncated and mutated, decode and run fail only with our errors', () => {
  assert.ok(INIT.length > 100_000);
  fc.assert(fc.property(mutation(12), (m) => {
    const bad = mutate(INIT, m);
    decodeAndLoad(encodeNetDef(makeNet([], [], [])), bad);
  }), { numRuns: 60 });
});

test('reference-library files (NetDef, TensorProtos, ONNX): mutations fail only with ModelFormatError or load errors', () => {
  const files = ['netdef_all_fields.pb', 'args_packed.pb', 'tensor_protos.pb', 'tensor_protos_unpacked.pb', 'model.onnx'].map(ref);
  const model = onnxSchema().message('onnx.ModelProto');
  fc.assert(fc.property(mutation(8), (m) => {
    const k = m.pick % files.length;
    const bad = mutate(files[k]!, m);
    if (k <= 1) decodeAndLoad(bad);
    else if (k <= 3) only(isOurs, () => readTensorProtos(bad, 'fuzz.pb'), 'readTensorProtos');
    else only(isFormat, () => decodeMessage(model, bad, { file: 'fuzz.onnx' }), 'onnx decode');
  }), { numRuns: RUNS });
});

test('length fields larger than the file, deep nesting and endless groups fail cleanly and fast', () => {
  const cases: [string, number[], string][] = [
    ['op length beyond the end', [0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a], 'fuzz.pb at byte 1: length 4294967295 exceeds the 1 bytes left'],
    ['unknown field of length 2^31', [0x7a, 0x80, 0x80, 0x80, 0x80, 0x08], 'fuzz.pb at byte 1: length 2147483648 exceeds the 0 bytes left'],
    ['truncated varint', [0x78, 0xff], 'fuzz.pb at byte 1: truncated varint'],
    ['unterminated group', [0x7b], 'fuzz.pb at byte 1: unterminated group'],
    ['wire type 7', [0x7f], 'fuzz.pb at byte 1: invalid wire type 7'],
    ['wrong wire type for a known field', [0x08, 0x01], "fuzz.pb at byte 0: field 'NetDef.name' has wire type 0, expected 2"],
  ];
  for (const [what, bytes, msg] of cases) {
    let err: unknown;
    try { decodeNetDef(Uint8Array.from(bytes), { file: 'fuzz.pb' }); } catch (e) { err = e; }
    assert.instance(err, ModelFormatError, what);
    assert.is((err as Error).message, msg, what);
  }
  // 200 nested NetDefs (Argument.n) exceed the depth limit instead of the stack
  let inner = new Uint8Array(0);
  for (let i = 0; i < 200; i++) {
    const arg = Uint8Array.of(0x42, ...varint(inner.length), ...inner); // Argument { n: inner }
    const op = Uint8Array.of(0x2a, ...varint(arg.length), ...arg); // OperatorDef { arg }
    inner = Uint8Array.of(0x12, ...varint(op.length), ...op); // NetDef { op }
  }
  assert.throws(() => decodeNetDef(inner), (e: Error) => e instanceof ModelFormatError && /nested deeper than 100/.test(e.message));
});

test('absurd fill shapes fail at load with a ShapeError, before anything is allocated', () => {
  const net = makeNet([makeOp('ConstantFill', [], ['big'], { shape: [1000000, 1000000, 1000] })], [], ['big']);
  let err: unknown;
  try { new Caffe2Model(makeNet([], [], []), net, { registry: defaultRegistry, initFile: 'init.pb' }); } catch (e) { err = e; }
  assert.instance(err, ShapeError);
  assert.is((err as Error).message, "init.pb op #0 ConstantFill -> 'big': output 'big' float32[1000000, 1000000, 1000] would need 4000000000000000 bytes, over the limit of 4294967296 (maxTensorBytes)");
  const given = makeNet([makeOp('GivenTensorFill', [], ['w'], { shape: [1 << 30, 1 << 30], values: { floats: [1, 2] } })], [], ['w']);
  assert.throws(() => new Caffe2Model(makeNet([], [], []), given, { registry: defaultRegistry, initFile: 'init.pb' }),
    (e: Error) => e instanceof ShapeError && e.message === "init.pb op #0 GivenTensorFill -> 'w': shape [1073741824, 1073741824] holds 1152921504606847000 elements but 2 values are given");
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return out;
}

test.run();
