// detectron2's graph fixes on small nets: alias fusion (forward and is_backward), Reshape-before-FC
// removal, GroupNorm from ATen, copy-pair fusion, dead ops and unused parameters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../src/core/tensor.js';
import { F, I, S, makeOp } from '../../src/onnx/args.js';
import {
  applyDetectron2Fixes, fuseAliasPlaceholders, fuseCopyPairs, groupNormFromAten, removeDeadOps, removeReshapeForFc, type Caffe2Graph,
} from '../../src/onnx/fixes.js';
import { f32, i64, node } from './build.js';
import { convert, errorOf, opStr } from './util.js';

function graph(ops: ReturnType<typeof makeOp>[], inputs: string[], outputs: string[], params: [string, Tensor][] = []): Caffe2Graph {
  return { name: 'g', ops, inputs, outputs, params: new Map(params), infos: new Map() };
}

const alias = (x: string, y: string, name: string, back = 0) => makeOp('AliasWithName', [x], [y], { name: S(name), is_backward: I(back) });

test('alias fusion names the inputs and outputs (detectron2 fuse_alias_placeholder)', () => {
  const g = graph([
    alias('x.1', 'a0', 'data'),
    alias('x.3', 'a1', 'im_info'),
    makeOp('Sub', ['a0', 'mean'], ['s']),
    makeOp('Mul', ['s', 'a1'], ['r']),
    alias('r', 'out7', 'bbox_nms'),
  ], ['x.1', 'x.3'], ['out7'], [['mean', f32([1], [1])]]);
  fuseAliasPlaceholders(g);
  assert.equal(g.ops.map(opStr), ['Sub(data,mean)->(s)', 'Mul(s,im_info)->(bbox_nms)']);
  assert.equal(g.inputs, ['data', 'im_info']);
  assert.equal(g.outputs, ['bbox_nms']);
});

test('is_backward renames the producer\'s output for every consumer (RetinaNet feature_i)', () => {
  const g = graph([
    makeOp('Conv', ['x', 'w'], ['p3']),
    makeOp('Relu', ['p3'], ['h']),
    alias('p3', 'input.9', 'feature_0', 1),
  ], ['x'], ['input.9', 'h'], [['w', f32([1], [1])]]);
  fuseAliasPlaceholders(g);
  assert.equal(g.ops.map(opStr), ['Conv(x,w)->(feature_0)', 'Relu(feature_0)->(h)']);
  assert.equal(g.outputs, ['feature_0', 'h']);
});

test('alias fusion errors: a shared input without is_backward, is_backward of an input, a taken name', () => {
  const shared = graph([makeOp('Relu', ['x'], ['r']), alias('x', 'y', 'data')], ['x'], ['y', 'r']);
  assert.is(errorOf(() => fuseAliasPlaceholders(shared)), "op #1 AliasWithName -> 'y': input 'x' is consumed by 1 other op(s); detectron2 renames it only when the alias is its sole consumer");
  const back = graph([alias('x', 'y', 'data', 1)], ['x'], ['y']);
  assert.match(errorOf(() => fuseAliasPlaceholders(back)), /is_backward alias of 'x', which no op produces/);
  const taken = graph([makeOp('Relu', ['x'], ['data']), alias('data', 'y', 'im_info'), makeOp('Relu', ['z'], ['im_info'])], ['x', 'z'], ['y', 'im_info']);
  assert.match(errorOf(() => fuseAliasPlaceholders(taken)), /the name 'im_info' is already used by another blob/);
});

test('Reshape(x, shape-from-x) feeding only FC is removed with its shape subgraph', () => {
  const r = convert({
    opset: 9,
    nodes: [
      node('Relu', ['x'], ['h']),
      node('Shape', ['h'], ['s']),
      node('Gather', ['s', 'zero'], ['n'], { axis: 0 }),
      node('Unsqueeze', ['n'], ['nu'], { axes: [0] }),
      node('Concat', ['nu', 'minus1'], ['shape'], { axis: 0 }),
      node('Reshape', ['h', 'shape'], ['flat']),
      node('Gemm', ['flat', 'w', 'b'], ['y'], { transB: 1 }),
    ],
    inputs: [{ name: 'x', shape: [2, 3, 2, 2] }], outputs: [{ name: 'y' }],
    initializers: [['zero', i64([], [0])], ['minus1', i64([1], [-1])], ['w', f32([4, 12], new Array(48).fill(0.5))], ['b', f32([4], [0, 1, 2, 3])]],
  });
  assert.equal(r.predictNet.op.map(opStr), ['Relu(x)->(h)', 'FC(h,w,b)->(y)']);
  assert.equal(r.predictNet.external_input, ['x', 'w', 'b']);
  assert.is(r.summary.fixes.reshapesForFc, 1);
});

test('a Reshape whose output also feeds a non-FC op stays', () => {
  const g = graph([
    makeOp('Shape', ['x'], ['s']),
    makeOp('Reshape', ['x', 's'], ['r', 'old']),
    makeOp('FC', ['r', 'w', 'b'], ['y']),
    makeOp('Relu', ['r'], ['z']),
  ], ['x'], ['y', 'z'], [['w', f32([1], [1])], ['b', f32([1], [1])]]);
  assert.is(removeReshapeForFc(g), 0);
  assert.is(g.ops.length, 4);
});

test('ATen group_norm -> GroupNorm(group, epsilon); other ATen operators are unsupported', () => {
  const g = graph([makeOp('ATen', ['x', 'g', 'b'], ['y'], { cudnn_enabled: I(1), eps: F(1e-5), num_groups: I(32), operator: S('group_norm'), overload_name: S('') })], ['x'], ['y']);
  assert.is(groupNormFromAten(g), 1);
  assert.equal(g.ops.map(opStr), ['GroupNorm(x,g,b)->(y) group=32 epsilon=0.00001f']);
  const bad = graph([makeOp('ATen', ['x'], ['y'], { operator: S('upsample_bicubic2d') })], ['x'], ['y']);
  assert.is(errorOf(() => groupNormFromAten(bad)), "op #0 ATen -> 'y': ATen operator 'upsample_bicubic2d' has no Caffe2 equivalent (only group_norm is converted)");
});

test('GPU copy pairs fuse away; dead ops and unused parameters are dropped', () => {
  const g = graph([
    makeOp('CopyCPUToGPU', ['x'], ['xg']),
    makeOp('CopyGPUToCPU', ['xg'], ['xc']),
    makeOp('Relu', ['xc'], ['y']),
    makeOp('Sigmoid', ['x'], ['unused']),
  ], ['x'], ['y'], [['p', f32([1], [1])]]);
  fuseCopyPairs(g);
  assert.equal(g.ops.map(opStr), ['Relu(x)->(y)', 'Sigmoid(x)->(unused)']);
  assert.is(removeDeadOps(g), 1);
  const all = graph([makeOp('Relu', ['x'], ['y'])], ['x'], ['y'], [['p', f32([1], [1])]]);
  applyDetectron2Fixes(all);
  assert.equal([...all.params.keys()], []);
});

test.run();
