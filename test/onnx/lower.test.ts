// Lowering rules: the Caffe2 op lists they produce (Caffe2 ONNX backend's mapping and our
// modern-opset extensions), checked exactly, plus numeric runs of the converted nets on
// hand-computed cases. Unsupported nodes are reported together with names and opsets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../src/core/tensor.js';
import { f32, i64, node, T, type ModelIn } from './build.js';
import { convert, errorOf, ops, run } from './util.js';

const values = (t: Tensor) => Array.from(t.data as Float32Array);
const X = (shape: (number | string)[] = [1, 2, 3, 3], name = 'x') => ({ name, shape });

test('Conv: kernels from kernel_shape, pads in Caffe2 [t,l,b,r] order, half-length pads doubled', () => {
  const w = f32([4, 2, 3, 3], new Array(72).fill(0.5));
  assert.equal(ops({
    opset: 9, nodes: [node('Conv', ['x', 'w'], ['y'], { kernel_shape: [3, 3], pads: [1, 2], strides: [2, 2], group: 1 })],
    inputs: [X([1, 2, 5, 5])], outputs: [{ name: 'y' }], initializers: [['w', w]],
  }), ['Conv(x,w)->(y) kernels=[3,3] pads=[1,2,1,2] strides=[2,2] group=1']);
});

test('Conv: kernel shape from the weights, auto_pad SAME_UPPER resolved to explicit pads', () => {
  const w = f32([1, 1, 2, 2], [1, 1, 1, 1]);
  assert.equal(ops({
    nodes: [node('Conv', ['x', 'w'], ['y'], { auto_pad: 'SAME_UPPER' })],
    inputs: [X([1, 1, 3, 3])], outputs: [{ name: 'y' }], initializers: [['w', w]],
  }), ['Conv(x,w)->(y) kernels=[2,2] pads=[0,0,1,1]']);
});

test('MaxPool ceil_mode=1 becomes extra end padding; the result has ONNX\'s size', () => {
  const m = {
    nodes: [node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 })],
    inputs: [X([1, 1, 3, 3])], outputs: [{ name: 'y' }],
  };
  assert.equal(ops(m), ['MaxPool(x)->(y) kernels=[2,2] strides=[2,2] pads=[0,0,1,1]']);
  const y = run(m, { x: f32([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]) }).get('y')!;
  assert.equal(y.shape, [1, 1, 2, 2]);
  assert.equal(Array.from(y.data as Float32Array), [5, 6, 8, 9]);
});

test('Global pools and Gemm -> FC (torch nn.Linear), FCTransposed, MatMul + Add with Scale for alpha/beta', () => {
  const w = f32([3, 4], new Array(12).fill(1)), wt = f32([4, 3], new Array(12).fill(1)), b = f32([3], [1, 2, 3]), b2 = f32([1, 3], [1, 2, 3]);
  assert.equal(ops({
    opset: 9,
    nodes: [
      node('GlobalAveragePool', ['x'], ['p']),
      node('Flatten', ['p'], ['f'], { axis: 1 }),
      node('Gemm', ['f', 'w', 'b'], ['y1'], { transB: 1 }),
      node('Gemm', ['f', 'wt', 'b'], ['y2']),
      node('Gemm', ['f', 'wt', 'b2'], ['y3'], { alpha: 2.0, beta: 0.5 }),
    ],
    inputs: [X([2, 4, 3, 3])], outputs: [{ name: 'y1' }, { name: 'y2' }, { name: 'y3' }],
    initializers: [['w', w], ['wt', wt], ['b', b], ['b2', b2]],
  }), [
    'AveragePool(x)->(p) global_pooling=1',
    'Flatten(p)->(f) axis=1',
    'FC(f,w,b)->(y1)',
    'FCTransposed(f,wt,b)->(y2)',
    'Scale(f)->(OC2_DUMMY_0) scale=2f',
    'MatMul(OC2_DUMMY_0,wt)->(OC2_DUMMY_2) trans_a=0 trans_b=0',
    'Add(OC2_DUMMY_2,OC2_DUMMY_1)->(y3)',
  ]);
});

test('Gemm numbers: alpha*A*B + beta*C through MatMul + Add', () => {
  const y = run({
    nodes: [node('Gemm', ['a', 'b', 'c'], ['y'], { alpha: 2.0, beta: 0.5, transA: 1 })],
    inputs: [{ name: 'a', shape: [2, 1] }], outputs: [{ name: 'y' }],
    initializers: [['b', f32([2, 2], [1, 2, 3, 4])], ['c', f32([2], [10, 20])]],
  }, { a: f32([2, 1], [1, 1]) }).get('y')!;
  // A^T = [1, 1]; A^T B = [4, 6]; 2 * [4, 6] + 0.5 * [10, 20]
  assert.equal(Array.from(y.data as Float32Array), [13, 22]);
});

test('Reshape and Concat get Caffe2\'s dummy second output, named OC2_DUMMY_n past names in use', () => {
  assert.equal(ops({
    nodes: [
      node('Reshape', ['x', 'shape'], ['r']),
      node('Concat', ['r', 'OC2_DUMMY_0'], ['y'], { axis: -1 }),
    ],
    inputs: [X([2, 3]), { name: 'OC2_DUMMY_0', shape: [3, 2] }], outputs: [{ name: 'y' }],
    initializers: [['shape', i64([2], [3, 2])]],
  }), ['Reshape(x,shape)->(r,OC2_DUMMY_1)', 'Concat(r,OC2_DUMMY_0)->(y,OC2_DUMMY_2) axis=1']);
});

test('Upsample: opset 7 attribute form -> ResizeNearest args; opset 9 -> Slice of the scales + 2-input ResizeNearest', () => {
  assert.equal(ops({
    opset: 7, nodes: [node('Upsample', ['x'], ['y'], { mode: 'nearest', scales: { floats: [1, 1, 2, 3] } })],
    inputs: [X()], outputs: [{ name: 'y' }],
  }), ['ResizeNearest(x)->(y) height_scale=2f width_scale=3f']);
  const nine = {
    opset: 9, nodes: [node('Upsample', ['x', 's'], ['y'], { mode: 'nearest' })],
    inputs: [X([1, 1, 2, 2]), { name: 's', shape: [4] }], outputs: [{ name: 'y' }],
  };
  assert.equal(ops(nine), ['Slice(s)->(OC2_DUMMY_0) starts=[2] ends=[-1]', 'ResizeNearest(x,OC2_DUMMY_0)->(y)']);
  const y = run(nine, { x: f32([1, 1, 2, 2], [1, 2, 3, 4]), s: f32([4], [1, 1, 2, 2]) }).get('y')!;
  assert.equal(Array.from(y.data as Float32Array), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
});

test('Upsample(mode=linear) by 2 is half-pixel bilinear (PyTorch align_corners=False), borders included', () => {
  const y = run({
    opset: 9, nodes: [node('Upsample', ['x', 's'], ['y'], { mode: 'linear' })],
    inputs: [X([1, 1, 1, 3])], outputs: [{ name: 'y' }], initializers: [['s', f32([4], [1, 1, 1, 2])]],
  }, { x: f32([1, 1, 1, 3], [0, 4, 8]) }).get('y')!;
  // src = (o + 0.5)/2 - 0.5, clamped: 0, 1, 3, 5, 7, 8
  assert.equal(Array.from(y.data as Float32Array), [0, 1, 3, 5, 7, 8]);
});

test('Upsample(mode=linear) with upsampleLinear=align_corners is Caffe2 UpsampleBilinear', () => {
  assert.equal(ops({
    opset: 9, nodes: [node('Upsample', ['x', 's'], ['y'], { mode: 'linear' })],
    inputs: [X()], outputs: [{ name: 'y' }], initializers: [['s', f32([4], [1, 1, 2, 2])]],
  }, { rules: { upsampleLinear: 'align_corners' } }), ['UpsampleBilinear(x)->(y) height_scale=2f width_scale=2f']);
});

test('Resize (opset 13) linear half_pixel x2 and nearest x3 numbers', () => {
  const lin = run({
    nodes: [node('Resize', ['x', '', 's'], ['y'], { mode: 'linear' })],
    inputs: [X([1, 1, 2, 1])], outputs: [{ name: 'y' }], initializers: [['s', f32([4], [1, 1, 2, 1])]],
  }, { x: f32([1, 1, 2, 1], [0, 8]) }).get('y')!;
  assert.equal(Array.from(lin.data as Float32Array), [0, 2, 6, 8]);
  const near = run({
    nodes: [node('Resize', ['x', '', 's'], ['y'], { mode: 'nearest' })],
    inputs: [X([1, 1, 1, 2])], outputs: [{ name: 'y' }], initializers: [['s', f32([4], [1, 1, 1, 3])]],
  }, { x: f32([1, 1, 1, 2], [5, 6]) }).get('y')!;
  assert.equal(Array.from(near.data as Float32Array), [5, 5, 5, 6, 6, 6]);
});

test('Constant and ConstantOfShape become fills folded into the init net', () => {
  const r = convert({
    nodes: [
      node('Constant', [], ['c'], { value: { t: { dims: BigInt64Array.of(2n), data_type: T.FLOAT, float_data: Float32Array.of(1, 2) } } }),
      node('ConstantOfShape', ['shp'], ['z'], { value: { t: { dims: BigInt64Array.of(1n), data_type: T.INT64, int64_data: BigInt64Array.of(7n) } } }),
      node('Add', ['x', 'c'], ['y']),
      node('Cast', ['z'], ['zf'], { to: T.FLOAT }),
      node('Add', ['y', 'zf'], ['out']),
    ],
    inputs: [X([2])], outputs: [{ name: 'out' }], initializers: [['shp', i64([1], [2])]],
  });
  assert.equal(r.predictNet.op.map((o) => o.type), ['Add', 'Add']);
  assert.equal(r.initNet.op.map((o) => `${o.type}->${o.output[0]}`), ['GivenTensorFill->c', 'GivenTensorFill->zf']);
  assert.equal(r.summary.folded, 3);
});

test('Cast maps ONNX type numbers to Caffe2\'s; Cast-1 takes a type name', () => {
  assert.equal(ops({
    opset: 9,
    nodes: [node('Cast', ['x'], ['a'], { to: T.INT64 }), node('Cast', ['a'], ['b'], { to: T.UINT8 }), node('Cast', ['b'], ['c'], { to: T.DOUBLE }), node('Cast', ['c'], ['d'], { to: T.BOOL })],
    inputs: [X([2])], outputs: [{ name: 'd' }],
  }), ['Cast(x)->(a) to=10', 'Cast(a)->(b) to=6', 'Cast(b)->(c) to=13', 'Cast(c)->(d) to=5']);
  assert.match(errorOf(() => ops({ opset: 9, nodes: [node('Cast', ['x'], ['y'], { to: T.UINT32 })], inputs: [X([2])], outputs: [{ name: 'y' }] })),
    /#0 Cast 'y' \(opset 9: casting to UINT32 has no Caffe2 equivalent\)/);
  assert.equal(ops({ opset: 1, nodes: [node('Cast', ['x'], ['y'], { to: 'INT32' })], inputs: [X([2])], outputs: [{ name: 'y' }] }), ['Cast(x)->(y) to=2']);
});

test('Pad -> PadImage [t, l, b, r]; other layouts unsupported', () => {
  assert.equal(ops({
    opset: 9, nodes: [node('Pad', ['x'], ['y'], { pads: [0, 0, 1, 2, 0, 0, 3, 4], mode: 'reflect' })],
    inputs: [X([1, 1, 5, 5])], outputs: [{ name: 'y' }],
  }), ['PadImage(x)->(y) pads=[1,2,3,4] mode="reflect"']);
  assert.match(errorOf(() => ops({
    opset: 11, nodes: [node('Pad', ['x', 'p'], ['y'])], inputs: [X([2, 2])], outputs: [{ name: 'y' }], initializers: [['p', i64([4], [1, 1, 1, 1])]],
  })), /Caffe2 PadImage pads the two spatial dims of a 4-D NCHW tensor only/);
});

test('Slice: inclusive-end conversion (negative v -> v-1, INT64_MAX -> -1), one Slice per sliced axis', () => {
  const m = {
    opset: 9, nodes: [node('Slice', ['x'], ['y'], { starts: [1, -2], ends: [9223372036854775807n, -1n], axes: [0, 1] })],
    inputs: [X([3, 4])], outputs: [{ name: 'y' }],
  };
  assert.equal(ops(m), [
    'Slice(x)->(OC2_DUMMY_0) starts=[1,0] ends=[-1,-1]',
    'Slice(OC2_DUMMY_0)->(y) starts=[0,-3] ends=[-1,-2]',
  ]);
  const y = run(m, { x: f32([3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) }).get('y')!;
  assert.equal(y.shape, [2, 1]);
  assert.equal(Array.from(y.data as Float32Array), [6, 10]);
});

test('Slice opset 10+ with constant inputs; steps other than 1 are unsupported', () => {
  const y = run({
    nodes: [node('Slice', ['x', 'st', 'en', 'ax'], ['y'])],
    inputs: [X([2, 5])], outputs: [{ name: 'y' }],
    initializers: [['st', i64([1], [1])], ['en', i64([1], [4])], ['ax', i64([1], [-1])]],
  }, { x: f32([2, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) }).get('y')!;
  assert.equal(Array.from(y.data as Float32Array), [1, 2, 3, 6, 7, 8]);
  assert.match(errorOf(() => ops({
    nodes: [node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['y'])], inputs: [X([2, 5])], outputs: [{ name: 'y' }],
    initializers: [['st', i64([1], [0])], ['en', i64([1], [4])], ['ax', i64([1], [1])], ['sp', i64([1], [2])]],
  })), /steps \[2\]: Caffe2 Slice has no step/);
});

/** numpy's x[s:e] of one axis of length n (step 1), the ONNX Slice semantics. */
function pySlice(n: number, s: number, e: number): number[] {
  const fix = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const out: number[] = [];
  for (let i = fix(s); i < fix(e); i++) out.push(i);
  return out;
}

test('Slice with starts/ends fed at run time: ONNX semantics (negative, out of range, INT64_MAX, end before start) on static and symbolic dims', () => {
  const big = 9223372036854775807n;
  const cases: [number, number | bigint, number, number | bigint][] = [
    [0, big, 1, 4], [1, -1, -3, big], [-10, 10, 2, 2], [2, 1, 4, 1], [-1, big, -5, -4], [3, 9, -9, 0], [-2, -1, 0, -1],
  ];
  for (const dims of [[3, 5], ['n', 5]] as (number | string)[][]) {
    const m = {
      opset: 13, nodes: [node('Slice', ['x', 'st', 'en', 'ax'], ['y'])],
      inputs: [X(dims), { name: 'st', type: T.INT64, shape: [2] }, { name: 'en', type: T.INT64, shape: [2] }], outputs: [{ name: 'y' }],
      initializers: [['ax', i64([2], [0, -1])]] as [string, Tensor][],
    };
    const x = f32([3, 5], Array.from({ length: 15 }, (_, i) => i));
    for (const [s0, e0, s1, e1] of cases) {
      const y = run(m, { x, st: i64([2], [s0, s1]), en: i64([2], [e0, e1]) }).get('y')!;
      const rows = pySlice(3, s0, Number(e0)), cols = pySlice(5, s1, Number(e1));
      const what = `${JSON.stringify(dims)} [${s0}:${e0}, ${s1}:${e1}]`;
      assert.equal(y.shape, [rows.length, cols.length], what);
      assert.equal(Array.from(y.data as Float32Array), rows.flatMap((r) => cols.map((c) => r * 5 + c)), what);
    }
  }
});

test('Slice with every input fed at run time (the ONNX backend tests\' form): axes negative or omitted, steps checked to be 1 when run', () => {
  const x = f32([4, 3, 2], Array.from({ length: 24 }, (_, i) => i));
  const feed = (name: string, v: number[]) => [name, i64([v.length], v)] as const;
  const inputs = (n: number, names: string[]) => [X([4, 3, 2]), ...names.map((name) => ({ name, type: T.INT64, shape: [n] }))];
  const slice3 = (rows: number[], cols: number[], deps: number[]) => rows.flatMap((a) => cols.flatMap((b) => deps.map((d) => a * 6 + b * 2 + d)));
  const cases: { st: number[]; en: number[]; ax?: number[]; sp?: number[]; want: number[][] }[] = [
    { st: [1, 0], en: [3, 9], ax: [0, -2], sp: [1, 1], want: [[1, 2], [0, 1, 2], [0, 1]] },
    { st: [-1, 5], en: [1000, 1000], ax: [-1, 1], want: [[0, 1, 2, 3], [], [1]] },
    { st: [0, -2, 1], en: [-1, 1000, 0], want: [[0, 1, 2], [1, 2], []] },
    { st: [2], en: [-5], ax: [0], sp: [1], want: [[], [0, 1, 2], [0, 1]] },
  ];
  for (const k of cases) {
    const names = ['st', 'en', ...(k.ax ? ['ax'] : []), ...(k.sp ? ['sp'] : [])];
    const m = { opset: 13, nodes: [node('Slice', ['x', 'st', 'en', k.ax ? 'ax' : '', k.sp ? 'sp' : ''].filter((v, i) => i < 3 || v || (i === 3 && k.sp)), ['y'], {}, { name: 's' })], inputs: inputs(k.st.length, names), outputs: [{ name: 'y' }] };
    const feeds = Object.fromEntries([feed('st', k.st), feed('en', k.en), ...(k.ax ? [feed('ax', k.ax)] : []), ...(k.sp ? [feed('sp', k.sp)] : [])]);
    const y = run(m, { x, ...feeds }).get('y')!;
    assert.equal([y.shape, Array.from(y.data as Float32Array)], [k.want.map((v) => v.length), slice3(k.want[0]!, k.want[1]!, k.want[2]!)], JSON.stringify(k));
    if (k.sp) assert.match(errorOf(() => run(m, { x, ...feeds, sp: i64([k.sp!.length], k.sp!.map((_, i) => (i === k.sp!.length - 1 ? 2 : 1))) })), /assertion failed: Slice 's': every step must be 1/);
  }
});

test('Split, MatMul -> BatchMatMul(broadcast=1), BatchNormalization -> SpatialBN(is_test=1), LogSoftmax, Reciprocal, ArgMax, Dropout, Identity', () => {
  const ch = f32([2], [1, 1]);
  assert.equal(ops({
    opset: 9,
    nodes: [
      node('Split', ['x'], ['s0', 's1'], { split: [1, 1] }),
      node('MatMul', ['s0', 's1'], ['m']),
      node('BatchNormalization', ['x', 'g', 'b', 'mu', 'v'], ['bn'], { epsilon: 1e-3, momentum: 0.9 }),
      node('LogSoftmax', ['m'], ['ls'], { axis: 1 }),
      node('Reciprocal', ['ls'], ['rc']),
      node('ArgMax', ['rc'], ['am']),
      node('Dropout', ['bn'], ['dr'], { ratio: 0.3 }),
      node('Identity', ['dr'], ['id']),
    ],
    inputs: [X([2, 2, 2, 2])], outputs: [{ name: 'am' }, { name: 'id' }],
    initializers: [['g', ch], ['b', ch], ['mu', ch], ['v', ch]],
  }), [
    'Split(x)->(s0,s1) axis=0 split=[1,1]',
    'BatchMatMul(s0,s1)->(m) broadcast=1',
    'SpatialBN(x,g,b,mu,v)->(bn) epsilon=0.0010000000474974513f momentum=0.8999999761581421f is_test=1',
    'Softmax(m)->(OC2_DUMMY_0) axis=1',
    'Log(OC2_DUMMY_0)->(ls)',
    'Pow(ls)->(rc) exponent=-1f',
    'ArgMax(rc)->(am) axis=0 keepdims=1',
    'Dropout(bn)->(dr) ratio=0.30000001192092896f is_test=1',
    'Copy(dr)->(id)',
  ]);
});

test('Softmax opset 13 along a middle axis: transposed last and back; numbers match a hand softmax', () => {
  const m = { nodes: [node('Softmax', ['x'], ['y'], { axis: 1 })], inputs: [X([1, 2, 2])], outputs: [{ name: 'y' }] };
  assert.equal(ops(m), [
    'Transpose(x)->(OC2_DUMMY_0) axes=[0,2,1]',
    'Softmax(OC2_DUMMY_0)->(OC2_DUMMY_1) axis=2',
    'Transpose(OC2_DUMMY_1)->(y) axes=[0,2,1]',
  ]);
  const y = run(m, { x: f32([1, 2, 2], [0, 0, Math.log(3), 0]) }).get('y')!;
  const got = Array.from(y.data as Float32Array);
  [0.25, 0.5, 0.75, 0.5].forEach((v, i) => assert.ok(Math.abs(got[i]! - v) < 1e-6, `y[${i}] = ${got[i]}, want ${v}`));
});

test('Squeeze/Unsqueeze: axes -> dims (inputs from opset 13), negative axes normalised', () => {
  assert.equal(ops({
    nodes: [node('Unsqueeze', ['x', 'a'], ['u']), node('Squeeze', ['u', 'b'], ['y'])],
    inputs: [X([3])], outputs: [{ name: 'y' }], initializers: [['a', i64([2], [-1, 0])], ['b', i64([1], [-1])]],
  }), ['ExpandDims(x)->(u) dims=[0,2]', 'Squeeze(u)->(y) dims=[2]']);
  assert.equal(ops({ opset: 9, nodes: [node('Unsqueeze', ['x'], ['y'], { axes: [0] })], inputs: [X([3])], outputs: [{ name: 'y' }] }), ['ExpandDims(x)->(y) dims=[0]']);
});

test('a constant-only subgraph (Shape of a weight, Gather, Concat) folds into parameters', () => {
  const r = convert({
    nodes: [
      node('Shape', ['w'], ['s']),
      node('Gather', ['s', 'i'], ['d'], { axis: 0 }),
      node('Unsqueeze', ['d', 'zero'], ['du']),
      node('Concat', ['du', 'minus1'], ['shape'], { axis: 0 }),
      node('Reshape', ['x', 'shape'], ['y']),
    ],
    inputs: [X([2, 6])], outputs: [{ name: 'y' }],
    initializers: [['w', f32([3, 4], new Array(12).fill(0))], ['i', i64([], [0])], ['zero', i64([1], [0])], ['minus1', i64([1], [-1])]],
  });
  assert.equal(r.predictNet.op.map((o) => o.type), ['Reshape']);
  const shape = r.initNet.op.find((o) => o.output[0] === 'shape')!;
  assert.is(shape.type, 'GivenTensorInt64Fill');
  assert.equal(shape.arg.map((a) => [a.name, Array.from(a.ints, Number)]), [['shape', [2]], ['values', [3, -1]]]);
});

test('_caffe2 nodes pass through with their attributes as args, checked against the op schema', () => {
  const m = (extra: Record<string, number | string>) => ({
    opset: 9, extraOpsets: [['org.pytorch._caffe2', 1]] as [string, number][],
    nodes: [node('ResizeNearest', ['x'], ['y'], { order: 'NCHW', width_scale: { f: 2 }, height_scale: { f: 2 }, ...extra }, { domain: 'org.pytorch._caffe2' })],
    inputs: [X()], outputs: [{ name: 'y' }],
  });
  assert.equal(ops(m({})), ['ResizeNearest(x)->(y) order="NCHW" width_scale=2f height_scale=2f']);
  assert.is(errorOf(() => ops(m({ bogus: 1 }))), "test.onnx op #0 ResizeNearest -> 'y' arg 'bogus': Caffe2 ResizeNearest: unknown argument (known: width_scale, height_scale, order)");
});

test('every unsupported node is reported at once with its name and opset', () => {
  const msg = errorOf(() => ops({
    opset: 13,
    nodes: [
      node('NonZero', ['x'], ['nz'], {}, { name: 'nz_node' }),
      node('Relu', ['x'], ['r']),
      node('Resize', ['r', '', 's'], ['rs'], { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize' }, { name: 'crop' }),
      node('Unique', ['r'], ['u']),
      node('Add', ['nz', 'u'], ['y']),
    ],
    inputs: [X()], outputs: [{ name: 'y' }, { name: 'rs' }], initializers: [['s', f32([4], [1, 1, 2, 2])]],
  }));
  assert.is(msg, "test.onnx: 3 unsupported ops (NonZero, Resize, Unique): #0 NonZero 'nz_node' (opset 13: no lowering to Caffe2 ops), #2 Resize 'crop' (opset 13: tf_crop_and_resize needs roi), #3 Unique 'u' (opset 13: no lowering to Caffe2 ops)");
});

test('a node from an unknown domain and a graph input of an unsupported type are reported', () => {
  const msg = errorOf(() => ops({
    extraOpsets: [['com.microsoft', 1]],
    nodes: [node('FusedConv', ['x'], ['y'], {}, { domain: 'com.microsoft' })],
    inputs: [{ name: 'x', type: T.UINT64, shape: [2] }], outputs: [{ name: 'y' }],
  }));
  assert.match(msg, /test\.onnx -> 'x': graph input is of element type UINT64, which a Caffe2 tensor cannot hold/);
  assert.match(msg, /#0 com\.microsoft::FusedConv 'y' \(opset 1: domain 'com\.microsoft' is not an ONNX or Caffe2 domain\)/);
});

test('a model-local function is inlined (ref_attr_name takes the caller\'s attribute)', () => {
  const fn = {
    name: 'Scaled', domain: 'local', input: ['a'], output: ['b'], attribute: ['k'],
    opset_import: [{ domain: '', version: 13n }],
    node: [
      { op_type: 'Constant', input: [], output: ['c'], attribute: [{ name: 'value_float', type: 1, ref_attr_name: 'k' }] },
      { op_type: 'Mul', input: ['a', 'c'], output: ['b'] },
    ],
  };
  const y = run({
    ir: 8, extraOpsets: [['local', 1]], functions: [fn],
    nodes: [node('Scaled', ['x'], ['y'], { k: 3.5 }, { domain: 'local' })],
    inputs: [X([2])], outputs: [{ name: 'y' }],
  }, { x: f32([2], [1, 2]) }).get('y')!;
  assert.equal(Array.from(y.data as Float32Array), [3.5, 7]);
});

test('RoiAlign (opset 16) -> batch column + Caffe2 RoIAlign(aligned=1)', () => {
  assert.equal(ops({
    opset: 16, nodes: [node('RoiAlign', ['x', 'rois', 'idx'], ['y'], { output_height: 2, output_width: 2, spatial_scale: 0.5 })],
    inputs: [X([1, 2, 4, 4]), { name: 'rois', shape: [3, 4] }, { name: 'idx', type: T.INT64, shape: [3] }], outputs: [{ name: 'y' }],
  }), [
    'Cast(idx)->(OC2_DUMMY_0) to=1',
    'ExpandDims(OC2_DUMMY_0)->(OC2_DUMMY_1) dims=[1]',
    'Concat(OC2_DUMMY_1,rois)->(OC2_DUMMY_2,OC2_DUMMY_3) axis=1',
    'RoIAlign(x,OC2_DUMMY_2)->(y) order="NCHW" spatial_scale=0.5f pooled_h=2 pooled_w=2 sampling_ratio=0 aligned=1',
  ]);
});

test('a graph output that is a constant is produced by a Copy in the predict net', () => {
  const r = convert({
    nodes: [node('Constant', [], ['y'], { value: { t: { dims: BigInt64Array.of(1n), data_type: T.FLOAT, float_data: Float32Array.of(4) } } }), node('Relu', ['x'], ['r'])],
    inputs: [X([1])], outputs: [{ name: 'y' }, { name: 'r' }],
  });
  assert.equal(r.predictNet.op.map((o) => `${o.type}(${o.input})->(${o.output})`), ['Relu(x)->(r)', 'Copy(OC2_DUMMY_0)->(y)']);
  const out = run({
    nodes: [node('Constant', [], ['y'], { value: { t: { dims: BigInt64Array.of(1n), data_type: T.FLOAT, float_data: Float32Array.of(4) } } }), node('Relu', ['x'], ['r'])],
    inputs: [X([1])], outputs: [{ name: 'y' }, { name: 'r' }],
  }, { x: f32([1], [-1]) });
  assert.equal(Array.from(out.get('y')!.data as Float32Array), [4]);
});

test('an input used before it is defined is a format error naming it', () => {
  assert.match(errorOf(() => ops({ nodes: [node('Relu', ['later'], ['y']), node('Relu', ['x'], ['later'])], inputs: [X([1])], outputs: [{ name: 'y' }] })),
    /test\.onnx op #0 Relu -> 'later': input 'later' is neither a graph input, an initializer, nor the output of an earlier node/);
});

test('integer tensors survive lowering: a Gather of int64 indices keeps its dtype', () => {
  const y = run({
    nodes: [node('Gather', ['x', 'i'], ['y'], { axis: 1 })],
    inputs: [X([2, 3])], outputs: [{ name: 'y' }], initializers: [['i', i64([2], [2, 0])]],
  }, { x: f32([2, 3], [1, 2, 3, 4, 5, 6]) }).get('y')!;
  assert.equal(Array.from(y.data as Float32Array), [3, 1, 6, 4]);
  assert.ok(y instanceof Tensor);
});

test('ConvTranspose 1-D runs as a 2-D one on [N, C, 1, L]; a constant filter dilates at conversion', () => {
  const m: ModelIn = {
    nodes: [node('ConvTranspose', ['x', 'w'], ['y'], { strides: [2] })],
    inputs: [X([1, 1, 3])], outputs: [{ name: 'y' }], initializers: [['w', f32([1, 1, 2], [1, 10])]],
  };
  assert.equal(ops(m).map((o) => o.split('(')[0]), ['ExpandDims', 'ConvTranspose', 'Squeeze']);
  // each input spreads as x*[1, 10] at stride 2
  assert.equal(Array.from(run(m, { x: f32([1, 1, 3], [1, 2, 3]) }).get('y')!.data as Float32Array), [1, 10, 2, 20, 3, 30]);
  // the dilated filter of a weight is folded: one ConvTranspose with a 3x3 filter of zero taps
  const d = { nodes: [node('ConvTranspose', ['x', 'w'], ['y'], { dilations: [2, 2] })], inputs: [X([1, 1, 3, 3])], outputs: [{ name: 'y' }], initializers: [['w', f32([1, 1, 2, 2], [1, 2, 3, 4])]] } as ModelIn;
  const r = convert(d);
  assert.equal(r.predictNet.op.map((o) => o.type), ['ConvTranspose']);
  const w = r.initNet.op.find((o) => o.output[0] === r.predictNet.op[0]!.input[1])!;
  assert.equal(Array.from(w.arg.find((a) => a.name === 'values')!.floats), [1, 0, 2, 0, 0, 0, 3, 0, 4]);
});

test('pooling dilations pass through (the pools\' dilation extension); dilations of 1 are dropped', () => {
  const m = { nodes: [node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], dilations: [2, 2] })], inputs: [X([1, 1, 4, 4])], outputs: [{ name: 'y' }] };
  assert.equal(ops(m), ['MaxPool(x)->(y) kernels=[2,2] dilations=[2,2]']);
  const y = run(m, { x: f32([1, 1, 4, 4], Array.from({ length: 16 }, (_, i) => i + 1)) }).get('y')!;
  assert.equal(Array.from(y.data as Float32Array), [11, 12, 15, 16]);
  assert.equal(ops({ nodes: [node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], dilations: [1, 1] })], inputs: [X([1, 1, 4, 4])], outputs: [{ name: 'y' }] }), ['MaxPool(x)->(y) kernels=[2,2]']);
});

test('AveragePool count_include_pad=1 without pads is the clipped count, so ceil_mode lowers; with pads and a partial last window it is refused', () => {
  const x = f32([1, 1, 1, 5], [1, 2, 3, 4, 5]);
  const plain = { nodes: [node('AveragePool', ['x'], ['y'], { kernel_shape: [1, 2], strides: [1, 2], ceil_mode: 1, count_include_pad: 1 })], inputs: [X([1, 1, 1, 5])], outputs: [{ name: 'y' }] };
  assert.equal(ops(plain), ['AveragePool(x)->(y) kernels=[1,2] strides=[1,2] pads=[0,0,0,1]']);
  // ONNX divides the last window [5] by the taps inside the (unpadded) input: 1
  assert.equal(Array.from(run(plain, { x }).get('y')!.data as Float32Array), [1.5, 3.5, 5]);
  const padded = { nodes: [node('AveragePool', ['x'], ['y'], { kernel_shape: [1, 3], strides: [1, 2], pads: [0, 1, 0, 1], ceil_mode: 1, count_include_pad: 1 })], inputs: [X([1, 1, 1, 6])], outputs: [{ name: 'y' }] };
  assert.match(errorOf(() => ops(padded)), /ceil_mode=1 with count_include_pad=1 averages partial windows differently in Caffe2/);
});

test('MatMul of two vectors is a scalar (Caffe2 BatchMatMul gives [1]: squeezed)', () => {
  const y = run({ nodes: [node('MatMul', ['a', 'b'], ['y'])], inputs: [X([3], 'a'), X([3], 'b')], outputs: [{ name: 'y' }] },
    { a: f32([3], [1, 2, 3]), b: f32([3], [4, 5, 6]) }).get('y')!;
  assert.equal([y.shape, Array.from(y.data as Float32Array)], [[], [32]]);
});

test('Max/Min/Sum/Mean with broadcasting: smaller inputs are tiled to the broadcast shape first', () => {
  const m = { nodes: [node('Max', ['a', 'b'], ['y'])], inputs: [X([2, 3], 'a'), X([3], 'b')], outputs: [{ name: 'y' }] };
  assert.equal(ops(m).map((o) => o.split('(')[0]), ['Reshape', 'NumpyTile', 'Max']);
  const y = run(m, { a: f32([2, 3], [1, 5, 3, 4, 2, 6]), b: f32([3], [2, 2, 5]) }).get('y')!;
  assert.equal(Array.from(y.data as Float32Array), [2, 5, 5, 4, 2, 6]);
});

test('TopK largest=0 is TopK of the negated input (values negated back, indices kept)', () => {
  const out = run({
    nodes: [node('TopK', ['x', 'k'], ['v', 'i'], { largest: 0 })],
    inputs: [X([5])], outputs: [{ name: 'v' }, { name: 'i' }], initializers: [['k', i64([1], [2])]],
  }, { x: f32([5], [3, 1, 4, 1, 5]) });
  assert.equal(Array.from(out.get('v')!.data as Float32Array), [1, 1]);
  assert.equal(Array.from(out.get('i')!.data as BigInt64Array, Number), [1, 3]);
});

test('Resize by a non-integer factor runs as interpolation matrices (align_corners uses the unfloored output length)', () => {
  const m: ModelIn = {
    nodes: [node('Resize', ['x', '', 's'], ['y'], { mode: 'linear', coordinate_transformation_mode: 'align_corners' })],
    inputs: [X([1, 1, 2, 4])], outputs: [{ name: 'y' }], initializers: [['s', f32([4], [1, 1, 0.6, 0.6])]],
  };
  assert.equal(ops(m).map((o) => o.split('(')[0]), ['BatchMatMul', 'BatchMatMul']);
  const y = run(m, { x: f32([1, 1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8]) }).get('y')!;
  // output 1 x 2; x_ori = x * 3 / (4 * 0.6 - 1) = 0, 15/7 -> 1, 1 + 15/7
  assert.equal(y.shape, [1, 1, 1, 2]);
  const v = Array.from(y.data as Float32Array);
  assert.ok(Math.abs(v[0]! - 1) < 1e-6 && Math.abs(v[1]! - (1 + 15 / 7)) < 1e-5, `${v}`);
});

test('graph inputs bound as constants lower like initializers; fed at run time they are the op\'s dims input (Squeeze)', () => {
  const m = { nodes: [node('Squeeze', ['x', 'axes'], ['y'])], inputs: [X([1, 3, 1]), { name: 'axes', type: T.INT64, shape: [1] }], outputs: [{ name: 'y' }] };
  assert.equal(ops(m), ['Squeeze(x,axes)->(y)']);
  const y = run(m, { x: f32([1, 3, 1], [1, 2, 3]), axes: i64([1], [-1]) }).get('y')!;
  assert.equal([y.shape, Array.from(y.data as Float32Array)], [[1, 3], [1, 2, 3]]);
  assert.equal(ops(m, { constants: new Map([['axes', i64([1], [-1])]]) }), ['Squeeze(x)->(y) dims=[2]']);
});

test('RandomNormal/RandomUniform -> GaussianFill/UniformFill with Caffe2\'s arg names, never folded', () => {
  assert.equal(ops({
    nodes: [node('RandomNormal', [], ['n'], { shape: [2, 3], mean: 1.5, scale: { f: 2 } }), node('RandomUniform', [], ['u'], { shape: [4], low: -1, high: 1 })],
    inputs: [], outputs: [{ name: 'n' }, { name: 'u' }],
  }), ['GaussianFill()->(n) shape=[2,3] mean=1.5f std=2f', 'UniformFill()->(u) shape=[4] min=-1f max=1f']);
});

test('GatherElements: flat positions from the indices (int32, negative, axis 1), a Gather from the flattened data', () => {
  const m = { nodes: [node('GatherElements', ['d', 'i'], ['y'], { axis: 1 })], inputs: [X([2, 3], 'd'), { name: 'i', type: T.INT32, shape: [2, 2] }], outputs: [{ name: 'y' }] };
  const y = run(m, { d: f32([2, 3], [1, 2, 3, 4, 5, 6]), i: Tensor.from('int32', [2, 2], [2, -3, -1, 1]) }).get('y')!;
  assert.equal([y.shape, Array.from(y.data as Float32Array)], [[2, 2], [3, 1, 6, 5]]);
});

test('GatherND: whole-index rows pick elements; batch_dims 1 offsets each batch', () => {
  const d = f32([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
  const all = { nodes: [node('GatherND', ['d', 'i'], ['y'])], inputs: [X([2, 2, 2], 'd'), { name: 'i', type: T.INT64, shape: [2, 3] }], outputs: [{ name: 'y' }] };
  const a = run(all, { d, i: i64([2, 3], [1, 0, 1, -1, -1, 0]) }).get('y')!;
  assert.equal([a.shape, Array.from(a.data as Float32Array)], [[2], [5, 6]]);
  const batched = { nodes: [node('GatherND', ['d', 'i'], ['y'], { batch_dims: 1 })], inputs: [X([2, 2, 2], 'd'), { name: 'i', type: T.INT64, shape: [2, 2] }], outputs: [{ name: 'y' }] };
  const b = run(batched, { d, i: i64([2, 2], [1, 0, 0, 1]) }).get('y')!;
  assert.equal([b.shape, Array.from(b.data as Float32Array)], [[2], [2, 5]]);
});

test('BatchNormalization training_mode=1: batch statistics, running statistics moved by momentum', () => {
  const m = {
    nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y', 'rm', 'rv'], { training_mode: 1, momentum: 0.5, epsilon: 0 })],
    inputs: [X([2, 1, 2], 'x'), X([1], 's'), X([1], 'b'), X([1], 'm'), X([1], 'v')], outputs: [{ name: 'y' }, { name: 'rm' }, { name: 'rv' }], opset: 15,
  };
  // channel values 1, 3, 5, 7: mean 4, biased variance 5
  const out = run(m, { x: f32([2, 1, 2], [1, 3, 5, 7]), s: f32([1], [2]), b: f32([1], [1]), m: f32([1], [0]), v: f32([1], [1]) });
  const r5 = Math.sqrt(5);
  assert.equal(Array.from(out.get('y')!.data as Float32Array), [-3, -1, 1, 3].map((d) => Math.fround(Math.fround(Math.fround(d / Math.fround(r5)) * 2) + 1)));
  assert.equal(Array.from(out.get('rm')!.data as Float32Array), [2]);
  assert.equal(Array.from(out.get('rv')!.data as Float32Array), [3]);
});

test('ConvTranspose with dilations: the filter gets zero taps between its own (1-D through the 2-D op)', () => {
  const m = { nodes: [node('ConvTranspose', ['x', 'w'], ['y'], { dilations: [2] })], inputs: [X([1, 1, 3], 'x'), X([1, 1, 2], 'w')], outputs: [{ name: 'y' }] };
  // taps at 0 and 2: y[o] = x[o]·w0 + x[o - 2]·w1
  const y = run(m, { x: f32([1, 1, 3], [1, 2, 3]), w: f32([1, 1, 2], [10, 1]) }).get('y')!;
  assert.equal([y.shape, Array.from(y.data as Float32Array)], [[1, 1, 5], [10, 20, 31, 2, 3]]);
});

test('MaxPool with Indices: MaxPoolWithIndex, in-plane positions made whole-tensor; storage_order 1 reads planes column-major', () => {
  const x = f32([1, 2, 2, 3], [1, 9, 2, 3, 4, 8, 7, 5, 6, 0, 1, 2]);
  const m = (order: number): ModelIn => ({
    nodes: [node('MaxPool', ['x'], ['y', 'i'], { kernel_shape: [2, 2], storage_order: order })],
    inputs: [X([1, 2, 2, 3])], outputs: [{ name: 'y' }, { name: 'i' }],
  });
  assert.equal(ops(m(0)).map((o) => o.split('(')[0]).slice(0, 1), ['MaxPoolWithIndex']);
  const r = run(m(0), { x });
  assert.equal(Array.from(r.get('y')!.data as Float32Array), [9, 9, 7, 6]);
  // plane 0 maxima at (0,1), (0,1); plane 1 (offset 6) at (0,0), (0,2)
  assert.equal(Array.from(r.get('i')!.data as BigInt64Array), [1n, 1n, 6n, 8n]);
  // column-major in the plane: w·H + h
  assert.equal(Array.from(run(m(1), { x }).get('i')!.data as BigInt64Array), [2n, 2n, 6n, 10n]);
});

test('NonMaxSuppression: one BoxWithNMSLimit per batch and class; centre boxes; limit 0 or absent selects nothing', () => {
  // centre form [xc, yc, w, h]: box 1 overlaps box 0 by IoU 80/120, box 2 is apart
  const boxes = f32([1, 3, 4], [5, 5, 10, 10, 5, 7, 10, 10, 50, 50, 4, 4]);
  const scores = f32([1, 2, 3], [0.9, 0.8, 0.1, 0.2, 0.3, 0.95]);
  const m = (inputs: string[]): ModelIn => ({
    nodes: [node('NonMaxSuppression', inputs, ['sel'], { center_point_box: 1 })],
    inputs: [X([1, 3, 4], 'boxes'), X([1, 2, 3], 'scores'), { name: 'k', type: T.INT64, shape: [1] }, X([1], 'iou')],
    outputs: [{ name: 'sel' }], opset: 11,
  });
  assert.equal(ops(m(['boxes', 'scores', 'k', 'iou'])).filter((o) => o.startsWith('BoxWithNMSLimit')).length, 2);
  // class 0: box 0 (0.9) kept, box 1 (0.8) suppressed, box 2 (0.1) kept; class 1: box 2 (0.95), box 1 (0.3), box 0 suppressed
  const sel = run(m(['boxes', 'scores', 'k', 'iou']), { boxes, scores, k: i64([1], [5]), iou: f32([1], [0.5]) }).get('sel')!;
  assert.equal([sel.shape, Array.from(sel.data as BigInt64Array, Number)], [[4, 3], [0, 0, 0, 0, 0, 2, 0, 1, 2, 0, 1, 1]]);
  const two = run(m(['boxes', 'scores', 'k', 'iou']), { boxes, scores, k: i64([1], [1]), iou: f32([1], [0.5]) }).get('sel')!;
  assert.equal(Array.from(two.data as BigInt64Array, Number), [0, 0, 0, 0, 1, 2]);
  const none = run(m(['boxes', 'scores', 'k', 'iou']), { boxes, scores, k: i64([1], [0]), iou: f32([1], [0.5]) }).get('sel')!;
  assert.equal(none.shape, [0, 3]);
  const absent = { ...m(['boxes', 'scores']), inputs: [X([1, 3, 4], 'boxes'), X([1, 2, 3], 'scores')] };
  assert.equal(run(absent, { boxes, scores }).get('sel')!.shape, [0, 3]);
});

/** ONNX ConvTranspose 3-D by its definition: every input element spreads filter taps over the output. */
function convTranspose3dRef(x: Tensor, w: Tensor, b: number[] | undefined, s: number[], pads: number[], adj: number[], group: number): Tensor {
  const [N, Ci, D, H, W] = x.shape as number[];
  const [, Cg, kD, kH, kW] = w.shape as number[];
  const out = [0, 1, 2].map((i) => ([D, H, W][i]! - 1) * s[i]! + [kD, kH, kW][i]! + adj[i]! - pads[i]! - pads[i + 3]!);
  const y = new Float32Array(N! * Cg! * group * out[0]! * out[1]! * out[2]!);
  const xd = x.data as Float32Array, wd = w.data as Float32Array, Co = Cg! * group, cig = Ci! / group;
  for (let n = 0; n < N!; n++) for (let ci = 0; ci < Ci!; ci++) for (let d = 0; d < D!; d++) for (let h = 0; h < H!; h++) for (let ww = 0; ww < W!; ww++) {
    const v = xd[(((n * Ci! + ci) * D! + d) * H! + h) * W! + ww]!, gr = Math.floor(ci / cig);
    for (let co = 0; co < Cg!; co++) for (let a = 0; a < kD!; a++) for (let bb = 0; bb < kH!; bb++) for (let cc = 0; cc < kW!; cc++) {
      const od = d * s[0]! + a - pads[0]!, oh = h * s[1]! + bb - pads[1]!, ow = ww * s[2]! + cc - pads[2]!;
      if (od < 0 || oh < 0 || ow < 0 || od >= out[0]! || oh >= out[1]! || ow >= out[2]!) continue;
      y[(((n * Co + gr * Cg! + co) * out[0]! + od) * out[1]! + oh) * out[2]! + ow]! += v * wd[((((ci * Cg! + co) * kD! + a) * kH! + bb) * kW! + cc)]!;
    }
  }
  if (b) for (let i = 0; i < y.length; i++) y[i]! += b[Math.floor(i / (out[0]! * out[1]! * out[2]!)) % Co]!;
  return new Tensor('float32', [N!, Co, ...out], y);
}

test('ConvTranspose 3-D (as 2-D ones per depth tap) == its definition: strides, pads, output_padding, group, bias', () => {
  const rnd = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => ((i * 7919 + k * 104729) % 23) / 7 - 1.5);
  for (const [s, pads, adj, group, bias] of [
    [[1, 1, 1], [0, 0, 0, 0, 0, 0], [0, 0, 0], 1, false], [[2, 1, 2], [1, 0, 1, 0, 1, 1], [1, 0, 0], 1, true],
    [[3, 2, 1], [0, 1, 0, 2, 0, 0], [2, 1, 0], 2, true],
  ] as [number[], number[], number[], number, boolean][]) {
    const x = f32([2, 2, 3, 2, 3], rnd(72, 1)), w = f32([2, 2, 2, 3, 2], rnd(48, 2)), b = bias ? [0.5, -1, 2, 0.25].slice(0, 2 * group) : undefined;
    const m: ModelIn = {
      nodes: [node('ConvTranspose', ['x', 'w', ...(b ? ['b'] : [])], ['y'], { strides: s, pads, output_padding: adj, group })],
      inputs: [X([2, 2, 3, 2, 3], 'x'), X([2, 2, 2, 3, 2], 'w'), ...(b ? [X([b.length], 'b')] : [])], outputs: [{ name: 'y' }],
    };
    const got = run(m, { x, w, ...(b ? { b: f32([b.length], b) } : {}) }).get('y')!;
    const want = convTranspose3dRef(x, w, b, s, pads, adj, group);
    assert.equal(got.shape, want.shape);
    const gd = got.data as Float32Array, wd = want.data as Float32Array;
    for (let i = 0; i < wd.length; i++) assert.ok(Math.abs(gd[i]! - wd[i]!) <= 1e-5 + 1e-5 * Math.abs(wd[i]!), `s=${s} pads=${pads} [${i}]: ${gd[i]} vs ${wd[i]}`);
  }
});

test('RoiAlign mode max: the largest weighted corner over the samples, from each RoI\'s own image; sampling_ratio 0 is refused', () => {
  const m = (ratio: number): ModelIn => ({
    nodes: [node('RoiAlign', ['x', 'rois', 'b'], ['y'], { mode: 'max', output_height: 1, output_width: 1, sampling_ratio: ratio, coordinate_transformation_mode: 'output_half_pixel' })],
    inputs: [X([2, 1, 2, 2], 'x'), X([2, 4], 'rois'), { name: 'b', type: T.INT64, shape: [2] }], outputs: [{ name: 'y' }], opset: 16,
  });
  // RoI 0 on image 1 samples (0.5, 0.5): max of 0.25 x [10, 20, 30, 40]; RoI 1 on image 0 samples the corner (1, 1): 1 x 4
  const y = run(m(1), { x: f32([2, 1, 2, 2], [1, 2, 3, 4, 10, 20, 30, 40]), rois: f32([2, 4], [0, 0, 1, 1, 0, 0, 2, 2]), b: i64([2], [1, 0]) }).get('y')!;
  assert.equal([y.shape, Array.from(y.data as Float32Array)], [[2, 1, 1, 1], [10, 4]]);
  assert.match(errorOf(() => ops(m(0))), /opset 16: mode 'max' with sampling_ratio 0: the sampling grid follows each RoI's size/);
});

test('ReduceMean axes and Clip bounds fed at run time become the ops\' inputs', () => {
  const r = { nodes: [node('ReduceMean', ['x', 'a'], ['y'], { keepdims: 0 })], inputs: [X([2, 3]), { name: 'a', type: T.INT64, shape: [1] }], outputs: [{ name: 'y' }], opset: 18 };
  assert.equal(ops(r), ['ReduceMean(x,a)->(y) keepdims=0']);
  const y = run(r, { x: f32([2, 3], [1, 2, 3, 4, 5, 6]), a: i64([1], [0]) }).get('y')!;
  assert.equal([y.shape, Array.from(y.data as Float32Array)], [[3], [2.5, 3.5, 4.5]]);
  // noop_with_empty_axes: the declared length of the fed axes tells whether the list is empty
  const noop = { ...r, nodes: [node('ReduceMean', ['x', 'a'], ['y'], { noop_with_empty_axes: 1, keepdims: 0 })] };
  assert.equal(ops(noop), ['ReduceMean(x,a)->(y) keepdims=0']);
  const none = { ...noop, inputs: [X([2, 3]), { name: 'a', type: T.INT64, shape: [0] }] };
  assert.equal(values(run(none, { x: f32([2, 3], [1, 2, 3, 4, 5, 6]), a: i64([0], []) }).get('y')!), [1, 2, 3, 4, 5, 6]);
  const unknown = { ...noop, inputs: [X([2, 3]), { name: 'a', type: T.INT64, shape: ['k'] }] };
  assert.match(errorOf(() => ops(unknown)), /noop_with_empty_axes=1 with axes of unknown length fed at run time/);
  const c = { nodes: [node('Clip', ['x', '', 'hi'], ['y'])], inputs: [X([4]), X([], 'hi')], outputs: [{ name: 'y' }] };
  const z = run(c, { x: f32([4], [-1e38, -1, 1, 5]), hi: f32([], [2]) }).get('y')!;
  assert.equal(Array.from(z.data as Float32Array), [Math.fround(-1e38), -1, 1, 2]);
});

test('Pad with pads fed at run time: PadImage\'s pads input from the spatial entries; padding N or C fails at run time', () => {
  const m = { nodes: [node('Pad', ['x', 'p'], ['y'], { mode: 'constant' }, { name: 'pad' })], inputs: [X([1, 1, 2, 2]), { name: 'p', type: T.INT64, shape: [8] }], outputs: [{ name: 'y' }], opset: 13 };
  const x = f32([1, 1, 2, 2], [1, 2, 3, 4]);
  const y = run(m, { x, p: i64([8], [0, 0, 1, 0, 0, 0, 0, 1]) }).get('y')!;
  assert.equal([y.shape, Array.from(y.data as Float32Array)], [[1, 1, 3, 3], [0, 0, 0, 1, 2, 0, 3, 4, 0]]);
  assert.match(errorOf(() => run(m, { x, p: i64([8], [0, 1, 0, 0, 0, 0, 0, 0]) })), /assertion failed: Pad 'pad': Caffe2 PadImage pads the two spatial dims only/);
});

test.run();
