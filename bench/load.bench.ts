// Load throughput: a 200 MB init net of unpacked floats (as detectron2 writes every weight: a
// 5-byte tag+float per value) decoded and run into a workspace, in MB/s; the same decode against
// protobufjs on a 20 MB net (ratio); and protobuf text parsing/printing speed.
// Run: npm run bench -- load   (one mitata run; figures are for this machine only)
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import protobuf from 'protobufjs';
import { Caffe2Model } from '../src/caffe2/model.js';
import { defaultRegistry } from '../src/ops/index.js';
import { caffe2Message, decodeNetDef, emptyMessage, encodeNetDef, type Argument, type NetDef, type OperatorDef } from '../src/proto/caffe2.js';
import { caffe2Proto } from '../src/proto/embedded.js';
import { parseText, printText } from '../src/proto/text.js';

/** An init net of GivenTensorFill ops holding `mb` megabytes of unpacked float values. */
function initNet(mb: number): Uint8Array {
  const perOp = 1 << 20; // 1M floats (5 MB encoded) per weight blob
  const total = Math.floor((mb * 1e6) / 5);
  const ops: OperatorDef[] = [];
  let seed = 12345;
  for (let done = 0, k = 0; done < total; k++) {
    const n = Math.min(perOp, total - done);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; v[i] = (seed / 4294967296 - 0.5) * 0.1; }
    const arg = (name: string, a: Partial<Argument>) => emptyMessage<Argument>('Argument', { name, ...a });
    ops.push(emptyMessage<OperatorDef>('OperatorDef', {
      type: 'GivenTensorFill', output: [`w${k}`], arg: [arg('shape', { ints: BigInt64Array.of(BigInt(n)) }), arg('values', { floats: v })],
    }));
    done += n;
  }
  return encodeNetDef(emptyMessage<NetDef>('NetDef', { name: 'init', op: ops }));
}

const MB = (b: number) => b / 1e6;
const big = initNet(200);
const small = initNet(20);
const pbRoot = protobuf.parse(caffe2Proto, { keepCase: true }).root;
const PbNetDef = pbRoot.lookupType('caffe2.NetDef');
const empty = encodeNetDef(emptyMessage<NetDef>('NetDef', {}));

// a text net: 2000 small ops with args, like a predict net's model.pbtxt
const textNet = emptyMessage<NetDef>('NetDef', { name: 'text' });
for (let i = 0; i < 2000; i++) {
  textNet.op.push(emptyMessage<OperatorDef>('OperatorDef', {
    type: 'Conv', input: [`x${i}`, `w${i}`, `b${i}`], output: [`x${i + 1}`],
    arg: [emptyMessage<Argument>('Argument', { name: 'kernels', ints: BigInt64Array.of(3n, 3n) }), emptyMessage<Argument>('Argument', { name: 'order', s: new TextEncoder().encode('NCHW') }),
      emptyMessage<Argument>('Argument', { name: 'values', floats: Float32Array.from({ length: 32 }, (_, k) => Math.fround(k * 0.1 - 1)) })],
  }));
}
const text = printText(textNet as never, caffe2Message('NetDef'));

group(`decode ${MB(big.length).toFixed(0)} MB init net (unpacked floats)`, () => {
  bench('decodeNetDef', () => do_not_optimize(decodeNetDef(big)));
  bench('load: decode + run init net into the workspace', () => do_not_optimize(Caffe2Model.fromBytes(empty, big, { registry: defaultRegistry })));
  bench('baseline: copy the bytes', () => do_not_optimize(big.slice()));
});

summary(() => {
  group(`decode ${MB(small.length).toFixed(0)} MB init net: ours vs protobufjs`, () => {
    bench('caffe2-ts decodeNetDef', () => do_not_optimize(decodeNetDef(small))).baseline(true);
    bench('protobufjs decode', () => do_not_optimize(PbNetDef.decode(small)));
  });
});

group(`protobuf text, ${MB(text.length).toFixed(1)} MB`, () => {
  bench('parseText', () => do_not_optimize(parseText(text, caffe2Message('NetDef'))));
  bench('printText', () => do_not_optimize(printText(textNet as never, caffe2Message('NetDef'))));
});

const res = await run();
const sizes: Record<string, number> = {
  decodeNetDef: big.length, 'load: decode + run init net into the workspace': big.length, 'baseline: copy the bytes': big.length,
  'caffe2-ts decodeNetDef': small.length, 'protobufjs decode': small.length, parseText: text.length, printText: text.length,
};
console.log('\nthroughput (MB/s, from the mean time):');
for (const t of res.benchmarks) {
  for (const r of t.runs) {
    if (!r.stats) continue;
    const bytes = sizes[r.name];
    if (bytes) console.log(`  ${r.name.padEnd(48)} ${(MB(bytes) / (r.stats.avg / 1e9)).toFixed(0).padStart(6)} MB/s`);
  }
}
