// Plan-time epilogue fusion (src/caffe2/fuse.ts): which patterns fuse (op types in the plan), which
// must not (another reader, an external output, a broadcasting Add, a residual made later), and
// that fused and unfused plans give identical outputs on every kernel variant.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { Tensor } from '../../src/core/tensor.js';
import { defaultRegistry } from '../../src/ops/index.js';
import type { OperatorDef } from '../../src/proto/caffe2.js';
import { seededFloats } from '../helpers/arb.js';
import { makeNet, makeOp } from '../helpers/net.js';
import { kernelVariants } from '../helpers/variants.js';

const C = 6, H = 5, W = 7;
const conv = (x: string, w: string, b: string, y: string, k = 3): OperatorDef => makeOp('Conv', [x, w, b], [y], { kernels: [k, k], pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0] });

function weights(): Map<string, Tensor> {
  const m = new Map<string, Tensor>();
  let s = 1;
  for (const n of ['1', '2', '3', 's']) {
    const k = n === '2' ? 3 : 1;
    m.set(`w${n}`, new Tensor('float32', [C, C, k, k], seededFloats(C * C * k * k, s++, -0.5, 0.5)));
    m.set(`b${n}`, new Tensor('float32', [C], seededFloats(C, s++, -0.5, 0.5)));
  }
  m.set('fw', new Tensor('float32', [4, C * H * W], seededFloats(4 * C * H * W, 99, -0.1, 0.1)));
  m.set('fb', new Tensor('float32', [4], seededFloats(4, 98)));
  return m;
}

/** A bottleneck block: conv1+relu, conv2+relu, conv3, a shortcut conv made after conv3, add, relu; then FC+relu. */
const block = [
  conv('x', 'w1', 'b1', 'a1', 1), makeOp('Relu', ['a1'], ['r1']),
  conv('r1', 'w2', 'b2', 'a2'), makeOp('Relu', ['a2'], ['a2']),
  conv('a2', 'w3', 'b3', 'a3', 1),
  conv('x', 'ws', 'bs', 'sc', 1),
  makeOp('Add', ['a3', 'sc'], ['sum']), makeOp('Relu', ['sum'], ['out']),
  makeOp('FC', ['out', 'fw', 'fb'], ['f']), makeOp('Relu', ['f'], ['fr']),
];

function model(ops: OperatorDef[], outputs: string[], opts = {}): Caffe2Model {
  return new Caffe2Model(makeNet(ops, ['x'], outputs), undefined, { ...opts, registry: defaultRegistry, poison: true, weights: weights() });
}

const x = new Tensor('float32', [2, C, H, W], seededFloats(2 * C * H * W, 7, -1, 1));
const types = (m: Caffe2Model, outputs?: string[]): string[] =>
  m.plan(new Map([['x', { dtype: 'float32' as const, shape: x.shape.slice() }]]), outputs ? { keep: outputs } : {}).ops.map((p) => p.c.type);

test('a bottleneck block fuses Conv+Relu (also in place), the residual Add+Relu into the later conv, and FC+Relu', () => {
  assert.equal(types(model(block, ['fr'])), ['Conv+Relu', 'Conv+Relu', 'Conv', 'Conv+Add+Relu', 'FC+Relu']);
});

test('nothing fuses across a blob with another reader, an external output, or a kept blob', () => {
  // a1 read twice; sum an external output; f kept for the caller
  const ops = [conv('x', 'w1', 'b1', 'a1', 1), makeOp('Relu', ['a1'], ['r1']), makeOp('Add', ['a1', 'r1'], ['t']),
    conv('x', 'w3', 'b3', 'a3', 1), makeOp('Add', ['a3', 'x'], ['sum']), makeOp('Relu', ['sum'], ['out'])];
  assert.equal(types(model(ops, ['t', 'out', 'sum'])), ['Conv', 'Relu', 'Add', 'Conv+Add', 'Relu']);
  assert.equal(types(model(block, ['fr']), ['a3']), ['Conv+Relu', 'Conv+Relu', 'Conv', 'Conv+Add+Relu', 'FC+Relu']);
  assert.equal(types(model(block, ['fr']), ['sum']).slice(3), ['Conv+Add', 'Relu', 'FC+Relu']);
});

test('an Add that broadcasts the residual does not fuse', () => {
  const ops = [conv('x', 'w3', 'b3', 'a3', 1), makeOp('ReduceMean', ['x'], ['m'], { axes: [2, 3], keepdims: 1 }), makeOp('Add', ['a3', 'm'], ['s']), makeOp('Relu', ['s'], ['o'])];
  assert.equal(types(model(ops, ['o'])), ['Conv', 'ReduceMean', 'Add', 'Relu']);
});

for (const v of kernelVariants()) {
  test(`[${v.name}] fused and unfused plans give identical outputs; stopping at a fused-away blob still works`, () => {
    const m = model(block, ['fr', 'out'], v.opts);
    const fused = m.run({ x });
    const plain = m.run({ x }, { fuse: false });
    for (const n of ['fr', 'out']) assert.equal(fused.get(n)!.data, plain.get(n)!.data, n);
    const stopped = m.runDetailed({ x }, { stopAfter: 'a3' });
    assert.ok(stopped.blobs!.has('a3'), 'a3 exists when the run stops after it');
    // the outputs are really the block's: relu(conv3 + shortcut) >= 0 and not all zero
    const out = fused.get('out')!.data as Float32Array;
    assert.ok(out.every((v) => v >= 0) && out.some((v) => v > 0));
  });
}

test.run();
