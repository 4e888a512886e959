#!/usr/bin/env python3
"""Writes test/ops/cases/<Op>.json for the elementwise, activation, reduce, norm and resize ops.

Expected outputs come from numpy, following the reference functions of Caffe2's Python operator
tests (elementwise_op_broadcast_test.py legacy cases, group_norm_op_test.py, spatial_bn_op_test.py,
layer_norm_op_test.py, softmax_ops_test.py, resize_op_test.py, top_k_test.py, arg_ops_test.py),
computed in float64 and rounded once to the output type. Where Caffe2's float32 C++ differs from
those float64 references (ResizeNearest index boundaries, ReduceMean's float ratio) the expected
values are computed with float32 steps, as the C++ does. Error cases carry the exact message.
Run from the repo root:  python3 scripts/make_elementwise_cases.py
"""
import json
import numpy as np

OUT = 'test/ops/cases'
NP = {'float32': np.float32, 'float64': np.float64, 'int32': np.int32, 'int64': np.int64, 'bool': np.bool_}
F32 = np.float32
RNG = np.random.RandomState(1234)


def jval(v, dtype):
    if dtype == 'int64':
        v = int(v)
        return v if abs(v) <= 2**53 else str(v)
    if dtype in ('bool', 'int32'):
        return int(v)
    f = float(v)
    if f != f:
        return 'NaN'
    if f in (float('inf'), float('-inf')):
        return 'Infinity' if f > 0 else '-Infinity'
    return f


def T(a, dtype=None, const=False):
    a = np.asarray(a)
    dtype = dtype or ('float32' if a.dtype.kind == 'f' else {np.dtype(v): k for k, v in NP.items()}[a.dtype])
    a = a.astype(NP[dtype])
    t = {'dims': list(a.shape)}
    if dtype != 'float32':
        t['type'] = dtype
    t['data'] = [jval(v, dtype) for v in a.reshape(-1)]
    if const:
        t['const'] = True
    return t


def rnd(*shape, lo=-2.0, hi=2.0):
    return RNG.uniform(lo, hi, size=shape).astype(F32)


def case(title, inputs, outputs=None, args=None, error=None, n_out=None, tol=None):
    c = {'title': title}
    if args:
        c['args'] = args
    c['inputs'] = inputs
    if outputs is not None:
        c['outputs'] = outputs
    if n_out is not None:
        c['nOutputs'] = n_out
    if tol is not None:
        c['tol'] = tol
    if error is not None:
        c['error'] = error
    return c


def where(op, arg=None):
    return f"op #0 {op} -> 'out0'" + (f" arg '{arg}': " if arg else ': ')


def dump(op, cases):
    lines = [json.dumps(c, separators=(', ', ': ')) for c in cases]
    with open(f'{OUT}/{op}.json', 'w') as f:
        f.write('{\n  "op": ' + json.dumps(op) + ',\n  "cases": [\n    ' + ',\n    '.join(lines) + '\n  ]\n}\n')


def f32(x):
    """float64 math rounded once to float32 (what one IEEE float32 operation gives)."""
    return np.asarray(x, dtype=np.float64).astype(F32)


# ------------------------------------------------------------------ binary arithmetic
NUMPY_OPS = {'Add': np.add, 'Sub': np.subtract, 'Mul': np.multiply}


def legacy_b(a_shape, b_shape, axis):
    """B reshaped for numpy per Caffe2's legacy rule (ComputeLegacyBroadcastSizes)."""
    if int(np.prod(b_shape)) == 1:
        return [1] * len(a_shape)
    if axis == -1:
        axis = len(a_shape) - len(b_shape)
    out = [1] * len(a_shape)
    for i, d in enumerate(b_shape):
        out[axis + i] = d
    return out


def arith(op, a, b, dtype):
    if op == 'Div':
        if dtype in ('int32', 'int64'):
            q = np.abs(a.astype(object)) // np.abs(b.astype(object))
            return (q * np.sign(a.astype(object)) * np.sign(b.astype(object))).astype(NP[dtype])
        return (a.astype(np.float64) / b.astype(np.float64)).astype(NP[dtype])
    if dtype == 'int64':
        r = NUMPY_OPS[op](a.astype(object), b.astype(object))
        return np.array([((int(v) + 2**63) % 2**64) - 2**63 for v in r.reshape(-1)], dtype=np.int64).reshape(r.shape)
    if dtype == 'int32':
        r = NUMPY_OPS[op](a.astype(np.int64), b.astype(np.int64))
        return r.astype(np.int32)
    return NUMPY_OPS[op](a.astype(np.float64), b.astype(np.float64)).astype(NP[dtype])


def binary_arith(op):
    cs = []
    W = where(op)
    a, b = rnd(2, 3), rnd(2, 3, lo=0.5, hi=3)
    cs.append(case('same shape [2,3]', [T(a), T(b)], [T(arith(op, a, b, 'float32'))]))
    a, b = rnd(2, 3, 4), rnd(4, lo=0.5, hi=3)
    cs.append(case('numpy [2,3,4] with [4]', [T(a), T(b)], [T(arith(op, a, b, 'float32'))]))
    a, b = rnd(2, 1, 4), rnd(3, 1, lo=0.5, hi=3)
    cs.append(case('numpy [2,1,4] with [3,1] -> [2,3,4]', [T(a), T(b)], [T(arith(op, a, b, 'float32'))]))
    a, b = rnd(3, 1), rnd(1, 3, lo=0.5, hi=3)
    cs.append(case('numpy outer [3,1] with [1,3], B broadcast on the left', [T(b), T(a + 3)], [T(arith(op, b, a + 3, 'float32'))]))
    a, b = rnd(1, 3, 5, 4), rnd(1, 3, 1, 1, lo=0.5, hi=3)
    cs.append(case('per-channel [1,3,5,4] with [1,3,1,1] (preprocessing)', [T(a), T(b)], [T(arith(op, a, b, 'float32'))]))
    # Caffe2's legacy broadcast cases (elementwise_op_broadcast_test.py), random data
    A = [2, 3, 4, 5]
    legacy = [('B (4,5) broadcast=1', [4, 5], {'broadcast': 1}, -1),
              ('B (3,4) axis=1', [3, 4], {'broadcast': 1, 'axis': 1}, 1),
              ('B (2) axis=0', [2], {'broadcast': 1, 'axis': 0}, 0),
              ('B (1,4,1) axis=1', [1, 4, 1], {'broadcast': 1, 'axis': 1}, 1),
              ('scalar B (1) broadcast=1', [1], {'broadcast': 1}, -1),
              ('B (3) axis_str="C" (NCHW)', [3], {'broadcast': 1, 'axis_str': 'C'}, 1),
              ('B (5) axis_str="C" order="NHWC"', [5], {'broadcast': 1, 'axis_str': 'C', 'order': 'NHWC'}, 3)]
    for title, bs, args, axis in legacy:
        a, b = rnd(*A), rnd(*bs, lo=0.5, hi=3)
        want = arith(op, a, b.reshape(legacy_b(A, bs, axis)), 'float32')
        cs.append(case(f'published legacy: A (2,3,4,5), {title}', [T(a), T(b)], [T(want)], args=args))
    # dtypes
    ai = np.array([7, -7, 100000, -2147483647, 5, 0], np.int32)
    bi = np.array([2, 2, 100000, 2, -3, 4], np.int32)
    cs.append(case('int32 (wraps like C++; division truncates toward zero)', [T(ai), T(bi)], [T(arith(op, ai, bi, 'int32'))]))
    al = np.array([2**53 + 1, -7, 2**62, 9, -(2**40) - 3, 2**63 - 1], np.int64)
    bl = np.array([3, 2, 4, -2, 7, 1], np.int64)
    cs.append(case('int64 exact beyond 2^53', [T(al), T(bl)], [T(arith(op, al, bl, 'int64'))]))
    ad, bd = RNG.uniform(-2, 2, 4), RNG.uniform(0.5, 3, 4)
    cs.append(case('float64', [T(ad, 'float64'), T(bd, 'float64')], [T(arith(op, ad, bd, 'float64'), 'float64')]))
    # 0-d and empty
    cs.append(case('0-d with 0-d', [T(np.float32(6)), T(np.float32(4))], [T(arith(op, np.float32(6), np.float32(4), 'float32'))]))
    s, v = np.int64(6), np.array([1, 2, 3], np.int64)
    cs.append(case('int64 0-d with [3] (traced shape arithmetic)', [T(s, 'int64'), T(v, 'int64')], [T(arith(op, np.full(3, s), v, 'int64'), 'int64')]))
    cs.append(case('int64 constants fold at plan time', [T(np.array([8, 6], np.int64), 'int64', const=True), T(np.int64(2), 'int64', const=True)],
                   [T(arith(op, np.array([8, 6], np.int64), np.full(2, 2, np.int64), 'int64'), 'int64')]))
    cs.append(case('empty [0,3] with [3]', [T(np.zeros((0, 3), F32)), T(rnd(3))], [T(np.zeros((0, 3), F32))]))
    cs.append(case('empty [2,0] with [1]', [T(np.zeros((2, 0), F32)), T(rnd(1))], [T(np.zeros((2, 0), F32))]))
    # errors
    cs.append(case('error: shapes do not broadcast', [T(rnd(2, 3)), T(rnd(4))],
                   error=W + "inputs 'A' [2, 3] and 'B' [4] do not broadcast (dim -1: 3 vs 4)"))
    cs.append(case('error: 0 against 3 does not broadcast', [T(np.zeros((0, 2), F32)), T(rnd(3, 1))],
                   error=W + "inputs 'A' [0, 2] and 'B' [3, 1] do not broadcast (dim -2: 0 vs 3)"))
    cs.append(case('error: legacy dims do not match', [T(rnd(*A)), T(rnd(3, 5))], args={'broadcast': 1, 'axis': 1},
                   error=W + "legacy broadcast (broadcast=1, axis=1): input 'B' [3, 5] does not fit input 'A' [2, 3, 4, 5]: dim 1 of B is 5 but dim 2 of A is 4"))
    cs.append(case('error: legacy B with more dims than A', [T(rnd(4, 5)), T(rnd(2, 4, 5))], args={'broadcast': 1},
                   error=W + "legacy broadcast (broadcast=1, axis=-1): input 'B' [2, 4, 5] does not fit input 'A' [4, 5]: B has more dims than A (3 > 2)"))
    cs.append(case('error: dtypes differ', [T(rnd(2)), T(np.array([1, 2], np.int64), 'int64')],
                   error=W + "input 'B' must be float32 like input 'A', got int64"))
    cs.append(case('error: bool is not arithmetic', [T(np.array([1, 0], bool)), T(np.array([1, 1], bool))],
                   error=W + "input 'A' must be int32, int64, float32, float64, got bool"))
    cs.append(case('error: axis and axis_str together', [T(rnd(2, 3)), T(rnd(3))], args={'broadcast': 1, 'axis': 1, 'axis_str': 'C'},
                   error=where(op, 'axis_str') + "'axis' (1) and 'axis_str' (\"C\") cannot both be set"))
    cs.append(case('error: axis_str not in order', [T(rnd(2, 3)), T(rnd(3))], args={'broadcast': 1, 'axis_str': 'X'},
                   error=where(op, 'axis_str') + '"X" is not in order "NCHW"'))
    cs.append(case('axis args without broadcast=1 are ignored (numpy rule)', [T(np.ones((2, 3), F32)), T(np.full(3, 2, F32))],
                   [T(arith(op, np.ones((2, 3), F32), np.full((2, 3), 2, F32), 'float32'))], args={'axis': 0}))
    return cs


def div_extra(cs):
    W = where('Div')
    cs.append(case('error: int32 division by zero', [T(np.array([4, 5], np.int32)), T(np.array([2, 0], np.int32))],
                   error=W + "integer division by zero (input 'B' element 1 is 0)"))
    cs.append(case('error: int64 division by zero', [T(np.array([4], np.int64), 'int64'), T(np.array([0], np.int64), 'int64')],
                   error=W + "integer division by zero (input 'B' element 0 is 0)"))
    cs.append(case('float division by zero gives inf and NaN', [T(np.array([1, -1, 0], F32)), T(np.zeros(3, F32))],
                   [T(np.array([np.inf, -np.inf, np.nan], F32))]))
    return cs


# ------------------------------------------------------------------ comparisons and logic
CMP = {'EQ': np.equal, 'NE': np.not_equal, 'LT': np.less, 'LE': np.less_equal, 'GT': np.greater, 'GE': np.greater_equal}


def comparison(op):
    cs = []
    fn = CMP[op]
    a, b = np.array([1, 2, np.nan, 4, -0.0, 3], F32), np.array([1, 3, np.nan, 2, 0.0, 3], F32)
    cs.append(case('float32 with NaN and signed zero', [T(a), T(b)], [T(fn(a, b), 'bool')]))
    a, b = np.array([[1, 5, 3], [4, 2, 6]], np.int64), np.array([3, 2, 6], np.int64)
    cs.append(case('int64 numpy broadcast [2,3] with [3]', [T(a, 'int64'), T(b, 'int64')], [T(fn(a, b), 'bool')]))
    a, b = np.array([2**53 + 1], np.int64), np.array([2**53], np.int64)
    cs.append(case('int64 beyond 2^53 compares exactly', [T(a, 'int64'), T(b, 'int64')], [T(fn(a, b), 'bool')]))
    a, b = np.array([0, 1, 1, 0], bool), np.array([0, 1, 0, 1], bool)
    cs.append(case('bool', [T(a), T(b)], [T(fn(a, b), 'bool')]))
    a, b = np.arange(24).reshape(2, 3, 4).astype(np.int32), np.array([4, 17, 21], np.int32)
    cs.append(case('legacy broadcast=1 axis=1, int32', [T(a), T(b)], [T(fn(a, b.reshape(1, 3, 1)), 'bool')], args={'broadcast': 1, 'axis': 1}))
    cs.append(case('0-d with 0-d', [T(np.float32(2)), T(np.float32(2))], [T(fn(np.float32(2), np.float32(2)), 'bool')]))
    cs.append(case('int64 constants fold at plan time', [T(np.array([1, 5], np.int64), 'int64', const=True), T(np.int64(3), 'int64', const=True)],
                   [T(fn(np.array([1, 5]), 3), 'bool')]))
    cs.append(case('error: dtypes differ', [T(rnd(2)), T(np.array([1, 2], np.int32))],
                   error=where(op) + "input 'B' must be float32 like input 'A', got int32"))
    return cs


LOGIC = {'And': np.logical_and, 'Or': np.logical_or, 'Xor': np.logical_xor}


def logical(op):
    cs = []
    fn = LOGIC[op]
    a, b = np.array([0, 1, 1, 0], bool), np.array([0, 1, 0, 1], bool)
    cs.append(case('truth table', [T(a), T(b)], [T(fn(a, b))]))
    a, b = np.array([[1, 0, 1], [0, 0, 1]], bool), np.array([1, 0, 1], bool)
    cs.append(case('numpy broadcast [2,3] with [3]', [T(a), T(b)], [T(fn(a, b))]))
    cs.append(case('legacy broadcast=1 axis=0 with B (2)', [T(a), T(np.array([1, 0], bool))], [T(fn(a, np.array([[1], [0]], bool)))], args={'broadcast': 1, 'axis': 0}))
    cs.append(case('error: float input', [T(rnd(2)), T(rnd(2))], error=where(op) + "input 'A' must be bool, got float32"))
    return cs


# ------------------------------------------------------------------ n-ary
def nary(op):
    cs = []
    W = where(op)
    xs = [rnd(2, 3) for _ in range(3)]
    fold = {'Sum': lambda v: np.sum(np.stack([x.astype(np.float64) for x in v]), 0),
            'Max': lambda v: np.max(np.stack(v), 0), 'Min': lambda v: np.min(np.stack(v), 0)}[op]
    if op == 'Sum':
        # Caffe2 adds left to right in float32
        want = ((xs[0] + xs[1]).astype(F32) + xs[2]).astype(F32)
    else:
        want = fold(xs)
    cs.append(case('one input is a copy', [T(xs[0])], [T(xs[0])]))
    cs.append(case('two inputs', [T(xs[0]), T(xs[1])], [T(fold(xs[:2]).astype(F32))]))
    cs.append(case('three inputs, folded left to right', [T(x) for x in xs], [T(want)]))
    cs.append(case('0-d inputs', [T(np.float32(1.5)), T(np.float32(-2))], [T(fold([np.float32(1.5), np.float32(-2)]).astype(F32))]))
    cs.append(case('empty inputs', [T(np.zeros((0, 2), F32)), T(np.zeros((0, 2), F32))], [T(np.zeros((0, 2), F32))]))
    if op == 'Sum':
        a, b = np.array([2**53 + 1, -5], np.int64), np.array([2, 5], np.int64)
        cs.append(case('int64 exact', [T(a, 'int64'), T(b, 'int64')], [T(np.array([2**53 + 3, 0], np.int64), 'int64')]))
        a, b = np.array([2147483647, 3], np.int32), np.array([1, 4], np.int32)
        cs.append(case('int32 wraps', [T(a), T(b)], [T(np.array([-2147483648, 7], np.int32))]))
        cs.append(case('error: dtypes differ', [T(rnd(2)), T(np.array([1, 2], np.int32))],
                       error=W + "input 'data_1' must be float32 like input 'data_0', got int32"))
    else:
        a, b = np.array([1, np.nan, 3], F32), np.array([2, 0, np.nan], F32)
        cs.append(case('a NaN operand gives NaN', [T(a), T(b)], [T(np.array([fold([a, b])[0], np.nan, np.nan], F32))]))
        cs.append(case('error: int32 is not supported (Caffe2 registers float only)', [T(np.array([1], np.int32)), T(np.array([2], np.int32))],
                       error=W + "input 'data_0' must be float32, got int32"))
    cs.append(case('error: shapes differ (no broadcasting)', [T(rnd(2, 3)), T(rnd(3))],
                   error=W + f"input 'data_1' [3] must have the shape of input 'data_0' [2, 3] ({op} does not broadcast)"))
    return cs


# ------------------------------------------------------------------ unary
def sigmoid(x):
    return 1 / (1 + np.exp(-x.astype(np.float64)))


UNARY = {
    'Sigmoid': sigmoid,
    'Tanh': lambda x: np.tanh(x.astype(np.float64)),
    'Exp': lambda x: np.exp(x.astype(np.float64)),
    'Log': lambda x: np.log(x.astype(np.float64)),
    'Sqrt': lambda x: np.sqrt(x.astype(np.float64)),
}


def unary(op):
    cs = []
    fn = UNARY[op]
    lo = 0.05 if op in ('Log', 'Sqrt') else -4
    x = rnd(3, 4, lo=lo, hi=4)
    with np.errstate(all='ignore'):
        cs.append(case('x=[3,4]', [T(x)], [T(f32(fn(x)))], tol='transcendental'))
        edge = {'Sigmoid': [0, 100, -100, -1000], 'Tanh': [0, 20, -20, -0.5], 'Exp': [0, 89, -104, 1],
                'Log': [0, -1, 1, np.e], 'Sqrt': [0, -1, 4, 2]}[op]
        e = np.array(edge, F32)
        cs.append(case('edge values (saturation, inf, NaN)', [T(e)], [T(f32(fn(e)))], tol='transcendental'))
    cs.append(case('0-d', [T(np.float32(0.5))], [T(f32(fn(np.float32(0.5))))], tol='transcendental'))
    cs.append(case('empty [0,4]', [T(np.zeros((0, 4), F32))], [T(np.zeros((0, 4), F32))]))
    cs.append(case('error: int32 input (Caffe2 registers float only)', [T(np.array([1], np.int32))],
                   error=where(op) + "input 'X' must be float32, got int32"))
    return cs


def signed(op):
    fn = np.negative if op == 'Negative' else np.abs
    cs = []
    x = rnd(2, 3)
    cs.append(case('float32', [T(x)], [T(fn(x))]))
    x = np.array([-5, 7, 0, -2147483647], np.int32)
    cs.append(case('int32', [T(x)], [T(fn(x))]))
    x = np.array([-(2**53) - 1, 4, -(2**62)], np.int64)
    cs.append(case('int64 exact', [T(x, 'int64')], [T(fn(x), 'int64')]))
    x = RNG.uniform(-2, 2, 3)
    cs.append(case('float64', [T(x, 'float64')], [T(fn(x), 'float64')]))
    cs.append(case('int64 constant folds at plan time', [T(np.array([3, -4], np.int64), 'int64', const=True)], [T(fn(np.array([3, -4])), 'int64')]))
    cs.append(case('0-d', [T(np.float32(-1.5))], [T(fn(np.float32(-1.5)))]))
    cs.append(case('error: bool input', [T(np.array([1], bool))],
                   error=where(op) + "input 'X' must be int32, int64, float32, float64, got bool"))
    return cs


def leaky_relu():
    cs = []
    x = np.array([-2, -0.5, 0, 0.5, 3], F32)
    alpha = F32(0.01)
    cs.append(case('default alpha 0.01', [T(x)], [T(np.where(x > 0, x, (x * alpha).astype(F32)))]))
    cs.append(case('alpha=0.2', [T(x)], [T(np.where(x > 0, x, (x * F32(0.2)).astype(F32)))], args={'alpha': 0.2}))
    cs.append(case('0-d and negative', [T(np.float32(-3))], [T(np.float32(-3) * alpha)]))
    cs.append(case('error: int32 input', [T(np.array([1], np.int32))], error=where('LeakyRelu') + "input 'X' must be float32, got int32"))
    return cs


def clip():
    cs = []
    x = np.array([-5, 10, 25, 59.5, 70, np.nan], F32)
    cs.append(case('min=20 max=60 (glow clip_op_net), NaN passes', [T(x)], [T(np.clip(x, 20, 60))], args={'min': 20.0, 'max': 60.0}))
    cs.append(case('only min', [T(x)], [T(np.where(np.isnan(x), np.nan, np.maximum(x, 0.5)).astype(F32))], args={'min': 0.5}))
    cs.append(case('no bounds (glow clip_op_default_net): identity', [T(x)], [T(x)]))
    cs.append(case('error: int input', [T(np.array([1], np.int32))], error=where('Clip') + "input 'X' must be float32, got int32"))
    return cs


def scale():
    cs = []
    x = rnd(2, 3)
    cs.append(case('scale=2 (glow scale.pbtxt)', [T(x)], [T(x * 2)], args={'scale': 2.0}))
    s = F32(0.1)
    cs.append(case('scale is a float32: 0.1f', [T(x)], [T(f32(x.astype(np.float64) * float(s)))], args={'scale': 0.1}))
    xd = RNG.uniform(-2, 2, 3)
    cs.append(case('float64 input, float32 scale', [T(xd, 'float64')], [T(xd * float(s), 'float64')], args={'scale': 0.1}))
    cs.append(case('default scale 1', [T(x)], [T(x)]))
    cs.append(case('error: int input', [T(np.array([1], np.int32))], error=where('Scale') + "input 'X' must be float32 or float64, got int32"))
    return cs


def pow_cases():
    cs = []
    W = where('Pow')
    x = rnd(2, 3, lo=0.1, hi=3)
    cs.append(case('exponent=2 arg', [T(x)], [T(f32(x.astype(np.float64) ** 2))], args={'exponent': 2.0}))
    cs.append(case('exponent=-1 arg (ONNX Reciprocal)', [T(x)], [T(f32(1 / x.astype(np.float64)))], args={'exponent': -1.0}, tol='transcendental'))
    cs.append(case('exponent=0.5 arg', [T(x)], [T(f32(np.sqrt(x.astype(np.float64))))], args={'exponent': 0.5}, tol='transcendental'))
    e = rnd(2, 3, lo=-2, hi=2)
    cs.append(case('two inputs, same shape', [T(x), T(e)], [T(f32(x.astype(np.float64) ** e.astype(np.float64)))], tol='transcendental'))
    A = [2, 3, 4, 5]
    xa, eb = rnd(*A, lo=0.1, hi=2), rnd(4, 5, lo=-2, hi=2)
    cs.append(case('published legacy (test_broadcast_powt): A (2,3,4,5) ^ B (4,5) broadcast=1', [T(xa), T(eb)],
                   [T(f32(xa.astype(np.float64) ** eb.astype(np.float64)))], args={'broadcast': 1}, tol='transcendental'))
    eb = rnd(3, 4, lo=-2, hi=2)
    cs.append(case('legacy axis=1 with B (3,4)', [T(xa), T(eb)],
                   [T(f32(xa.astype(np.float64) ** eb.reshape(1, 3, 4, 1).astype(np.float64)))], args={'broadcast': 1, 'axis': 1}, tol='transcendental'))
    cs.append(case('error: one input without exponent', [T(x)], error=where('Pow', 'exponent') + "Pow with one input needs the 'exponent' argument"))
    cs.append(case('error: different shapes without broadcast=1', [T(x), T(rnd(3))],
                   error=W + "input 'exponent' [3] must have the shape of input 'X' [2, 3] (set broadcast=1 for legacy broadcasting)"))
    cs.append(case('error: axis without broadcast=1', [T(x), T(x)], args={'axis': 0},
                   error=where('Pow', 'axis') + "do not set 'axis' or 'axis_str' without broadcast=1"))
    return cs


def softmax_ref(x, axis):
    shape = x.shape
    n = int(np.prod(shape[:axis]))
    x2 = x.reshape(n, -1).astype(np.float64)
    e = np.exp(x2 - x2.max(1, keepdims=True)) if x2.size else x2
    return (e / e.sum(1, keepdims=True)).reshape(shape).astype(F32) if x2.size else x


def softmax():
    cs = []
    x = rnd(2, 3, 4, lo=-5, hi=5)
    cs.append(case('default axis=1 on [2,3,4] (rows of 12)', [T(x)], [T(softmax_ref(x, 1))], tol='transcendental'))
    cs.append(case('axis=2', [T(x)], [T(softmax_ref(x, 2))], args={'axis': 2}, tol='transcendental'))
    cs.append(case('axis=-1', [T(x)], [T(softmax_ref(x, 2))], args={'axis': -1}, tol='transcendental'))
    cs.append(case('axis=0: one row of everything', [T(x)], [T(softmax_ref(x, 0))], args={'axis': 0}, tol='transcendental'))
    b = np.array([[1000, 1000, -1000], [-np.inf, 0, 0]], F32)
    cs.append(case('large logits and -inf do not overflow', [T(b)], [T(np.array([[0.5, 0.5, 0], [0, 0.5, 0.5]], F32))], tol='transcendental'))
    cs.append(case('empty [0,5]', [T(np.zeros((0, 5), F32))], [T(np.zeros((0, 5), F32))]))
    cs.append(case('error: axis out of range', [T(rnd(2, 3))], args={'axis': 2},
                   error=where('Softmax') + 'axis 2 is out of range for rank 2 (expected -2..1)'))
    cs.append(case('error: int input', [T(np.array([[1]], np.int32))], error=where('Softmax') + "input 'input' must be float32, got int32"))
    return cs


def dropout():
    cs = []
    x = rnd(2, 3)
    cs.append(case('is_test=1: identity', [T(x)], [T(x)], args={'is_test': 1}))
    cs.append(case('is_test=1 with the mask output (all true)', [T(x)], [T(x), T(np.ones((2, 3), bool))], args={'is_test': 1, 'ratio': 0.3}))
    cs.append(case('is_test absent (glow dropout.pbtxt): identity too at inference', [T(x)], [T(x)]))
    cs.append(case('error: ratio 1', [T(x)], args={'ratio': 1.0}, error=where('Dropout', 'ratio') + 'must be in [0, 1), got 1'))
    return cs


# ------------------------------------------------------------------ reductions
def reduce_cases(op):
    cs = []
    W = where(op)
    fn = {'ReduceSum': np.sum, 'ReduceMean': np.mean, 'ReduceMax': np.max, 'ReduceMin': np.min}[op]

    def want(x, axes, keep):
        r = fn(x.astype(np.float64), axis=tuple(axes) if axes is not None else None, keepdims=keep)
        if op == 'ReduceMean':
            # Caffe2: float32 sum times the float32 ratio out/in (math::ReduceMean)
            s = np.sum(x.astype(np.float64), axis=tuple(axes) if axes is not None else None, keepdims=keep).astype(F32)
            ratio = F32(F32(np.size(s)) / F32(x.size))
            r = (s * ratio).astype(F32)
        return np.asarray(r).astype(x.dtype)
    x = rnd(2, 3, 4)
    for axes, keep in [([1], 1), ([0, 2], 1), ([-1], 0), ([0, 1, 2], 0), ([2, 0], 1)]:
        args = {'axes': axes}
        if not keep:
            args['keepdims'] = 0
        cs.append(case(f'x=[2,3,4] axes={axes} keepdims={keep}', [T(x)], [T(want(x, [a % 3 for a in axes], bool(keep)))], args=args, tol='reduce'))
    cs.append(case('no axes: all dims, keepdims default 1', [T(x)], [T(want(x, None, True))], tol='reduce'))
    cs.append(case('0-d input, no axes', [T(np.float32(2.5))], [T(np.float32(2.5))]))
    if op != 'ReduceMean':
        xi = np.array([[2**53 + 1, 3], [-7, 2**40]], np.int64)
        r = {'ReduceSum': [2**53 + 4, 2**40 - 7], 'ReduceMax': [2**53 + 1, 2**40], 'ReduceMin': [3, -7]}[op]
        cs.append(case('int64 exact, axes=[1] keepdims=0', [T(xi, 'int64')], [T(np.array(r, np.int64), 'int64')], args={'axes': [1], 'keepdims': 0}))
        xi32 = np.array([[1, 5], [7, -2]], np.int32)
        cs.append(case('int32 axes=[0]', [T(xi32)], [T(fn(xi32, axis=0, keepdims=True).astype(np.int32))], args={'axes': [0]}))
        cs.append(case('int64 constant folds at plan time', [T(np.array([3, 4, 5], np.int64), 'int64', const=True)],
                       [T(np.array(fn(np.array([3, 4, 5])), np.int64).reshape(1), 'int64')]))
    empty_val = {'ReduceSum': 0.0, 'ReduceMean': 0.0, 'ReduceMax': -3.4028234663852886e38, 'ReduceMin': 3.4028234663852886e38}[op]
    cs.append(case('reducing an empty dim gives the initial value (Caffe2 kInit)', [T(np.zeros((2, 0), F32))],
                   [T(np.full((2, 1), empty_val, F32))], args={'axes': [1]}))
    if op in ('ReduceMax', 'ReduceMin'):
        xn = np.array([[1, np.nan, 3]], F32)
        cs.append(case('NaN is skipped (std::max(acc, x))', [T(xn)], [T(np.array([[3 if op == 'ReduceMax' else 1]], F32))], args={'axes': [1]}))
    cs.append(case('error: axis out of range', [T(x)], args={'axes': [3]}, error=W + 'axes entry 3 is out of range for rank 3 (expected -3..2)'))
    cs.append(case('error: the same dim twice', [T(x)], args={'axes': [1, -2]}, error=W + 'axes [1, -2] name dim 1 twice'))
    if op == 'ReduceMean':
        cs.append(case('error: int32 input (float only)', [T(np.array([1], np.int32))], error=W + "input 'data' must be float32, got int32"))
    else:
        cs.append(case('error: bool input', [T(np.array([1], bool))], error=W + "input 'data' must be int32, int64, float32, float64, got bool"))
    return cs


def reduce_ends(op):
    cs = []
    W = where(op)
    front = 'Front' in op
    mean = 'Mean' in op
    x = rnd(2, 3, 4)

    def want(x, k):
        axes = tuple(range(k)) if front else tuple(range(x.ndim - k, x.ndim))
        s = np.sum(x.astype(np.float64), axis=axes).astype(F32)
        if mean:
            n = int(np.prod([x.shape[a] for a in axes]))
            return (s / F32(n)).astype(F32) if n else np.zeros_like(s)
        return s
    cs.append(case('default num_reduce_dim=1 on [2,3,4]', [T(x)], [T(want(x, 1))], tol='reduce'))
    cs.append(case('num_reduce_dim=2', [T(x)], [T(want(x, 2))], args={'num_reduce_dim': 2}, tol='reduce'))
    cs.append(case('num_reduce_dim=0 is a copy', [T(x)], [T(x)], args={'num_reduce_dim': 0}))
    cs.append(case('num_reduce_dim=3: everything', [T(x)], [T(want(x, 3))], args={'num_reduce_dim': 3}, tol='reduce'))
    cs.append(case('glow reduce_back_sum / reducebackmean shape [2,2]', [T(np.array([[1, 2], [3, 4]], F32))],
                   [T(want(np.array([[1, 2], [3, 4]], F32), 1))]))
    cs.append(case('empty reduced dim gives 0', [T(np.zeros((0, 3), F32) if front else np.zeros((3, 0), F32))], [T(np.zeros(3, F32))]))
    if not mean:
        xi = np.array([[2**53 + 1, 3], [-7, 2**40]], np.int64)
        r = np.sum(xi.astype(object), axis=0 if front else 1)
        cs.append(case('int64 exact', [T(xi, 'int64')], [T(np.array(r, np.int64), 'int64')]))
    cs.append(case('error: num_reduce_dim above the rank', [T(x)], args={'num_reduce_dim': 4},
                   error=W + "num_reduce_dim 4 exceeds the rank of input 'data_in' [2, 3, 4]"))
    return cs


def arg_cases(op):
    cs = []
    fn = np.argmax if op == 'ArgMax' else np.argmin
    x = np.array([[1, 5, 5, 0], [2, 2, 9, 9], [3, 1, 1, 7]], F32)
    cs.append(case('default axis=-1 keepdims=1; ties give the first', [T(x)], [T(fn(x, axis=1).reshape(3, 1), 'int64')]))
    cs.append(case('axis=0 keepdims=0 (ONNX lowering default axis)', [T(x)], [T(fn(x, axis=0), 'int64')], args={'axis': 0, 'keepdims': 0}))
    xi = np.array([[[4, 1], [4, 7]], [[0, 9], [8, 9]]], np.int64)
    cs.append(case('int64 axis=1 keepdims=0 (glow argmin style)', [T(xi, 'int64')], [T(fn(xi, axis=1), 'int64')], args={'axis': 1, 'keepdims': 0}))
    xn = np.array([[1, np.nan, 3]], F32)
    cs.append(case('NaN never replaces (strict comparison)', [T(xn)], [T(np.array([[2 if op == 'ArgMax' else 0]]), 'int64')]))
    cs.append(case('error: axis out of range', [T(x)], args={'axis': 2}, error=where(op) + 'axis 2 is out of range for rank 2 (expected -2..1)'))
    return cs


def topk():
    cs = []
    W = where('TopK')

    def ref(x, k, axis):
        x = np.moveaxis(x, axis, -1)
        order = np.argsort(-x, axis=-1, kind='stable')[..., :k]
        v = np.take_along_axis(x, order, -1)
        return np.moveaxis(v, -1, axis), np.moveaxis(order, -1, axis)
    x = np.array([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3], [5, 8, 9, 7, 9]], F32)
    v, i = ref(x, 2, 1)
    cs.append(case('k=2 along the last axis (glow topk_k2); ties keep the lower index', [T(x)], [T(v), T(i, 'int64')], args={'k': 2}))
    v, i = ref(x, 2, 0)
    cs.append(case('k=2 axis=0', [T(x)], [T(v), T(i, 'int64')], args={'k': 2, 'axis': 0}))
    v, i = ref(x, 3, 1)
    flat = (np.arange(3)[:, None] * 5 + i).reshape(-1)
    cs.append(case('flattened indices output', [T(x)], [T(v), T(i, 'int64'), T(flat, 'int64')], args={'k': 3}))
    y = np.array([[2, 1]], F32)
    cs.append(case('k above the axis length pads with 0 and -1', [T(y)], [T(np.array([[2, 1, 0]], F32)), T(np.array([[0, 1, -1]]), 'int64')], args={'k': 3}))
    v, i = ref(x, 2, 1)
    cs.append(case('k from a second input (int64, known at run time)', [T(x), T(np.array([2], np.int64), 'int64')], [T(v), T(i, 'int64')]))
    cs.append(case('k from a constant second input', [T(x), T(np.array([2], np.int64), 'int64', const=True)], [T(v), T(i, 'int64')]))
    cs.append(case('error: no k', [T(x)], n_out=2, error=where('TopK', 'k') + "needs 'k' (the argument or a second input)"))
    cs.append(case('error: k input below 1', [T(x), T(np.array([0], np.int64), 'int64')], n_out=2, error=W + "k must be >= 1, got 0 from input 'k'"))
    cs.append(case('error: int input', [T(np.array([[1]], np.int32))], args={'k': 1}, n_out=2, error=W + "input 'X' must be float32, got int32"))
    return cs


# ------------------------------------------------------------------ normalisation
def spatial_bn():
    cs = []
    W = where('SpatialBN')
    eps = 1e-5
    for order, shape in [('NCHW', (2, 3, 4, 5)), ('NHWC', (2, 4, 5, 3)), ('NCHW', (2, 3, 2, 2, 2))]:
        C = shape[1] if order == 'NCHW' else shape[-1]
        x, sc, b, m = rnd(*shape), rnd(C, lo=0.5, hi=2), rnd(C), rnd(C)
        v = rnd(C, lo=0.1, hi=2)
        bshape = [1, C] + [1] * (len(shape) - 2) if order == 'NCHW' else [1] * (len(shape) - 1) + [C]
        r = lambda t: t.astype(np.float64).reshape(bshape)
        want = (x.astype(np.float64) - r(m)) * r(sc) / np.sqrt(r(v) + eps) + r(b)
        cs.append(case(f'test mode {order} x={list(shape)} (spatial_bn_op_test reference)', [T(x), T(sc), T(b), T(m), T(v)], [T(want)],
                       args={'is_test': 1, 'order': order}, tol={'atol': 1e-5, 'rtol': 1e-5}))
    x, C = rnd(2, 3, 2, 2), 3
    sc, b, m, v = rnd(C, lo=0.5, hi=2), rnd(C), rnd(C), rnd(C, lo=0.1, hi=2)
    want = (x.astype(np.float64) - m.reshape(1, 3, 1, 1)) * sc.reshape(1, 3, 1, 1) / np.sqrt(v.reshape(1, 3, 1, 1) + 0.001) + b.reshape(1, 3, 1, 1)
    cs.append(case('constant parameters fold at plan time; epsilon=1e-3; momentum ignored', [T(x), T(sc, const=True), T(b, const=True), T(m, const=True), T(v, const=True)],
                   [T(want)], args={'is_test': 1, 'epsilon': 0.001, 'momentum': 0.9}, tol={'atol': 1e-5, 'rtol': 1e-5}))
    cs.append(case('N = 0', [T(np.zeros((0, 3, 2, 2), F32)), T(sc), T(b), T(m), T(v)], [T(np.zeros((0, 3, 2, 2), F32))], args={'is_test': 1}))
    cs.append(case('error: training mode', [T(x), T(sc), T(b), T(m), T(v)],
                   error=where('SpatialBN', 'is_test') + 'training mode (is_test=0) is not supported: inference nets set is_test=1'))
    cs.append(case('error: scale length is not C', [T(x), T(rnd(4)), T(b), T(m), T(v)], args={'is_test': 1},
                   error=W + "input 'scale' must hold C = 3 values, got [4]"))
    cs.append(case('error: rank 1 input', [T(rnd(3)), T(sc), T(b), T(m), T(v)], args={'is_test': 1},
                   error=W + "input 'X' must have rank >= 2, got [3]"))
    return cs


def affine_channel():
    cs = []
    x, s, b = rnd(2, 3, 2, 2), rnd(3), rnd(3)
    want = (x * s.reshape(1, 3, 1, 1)).astype(F32) + b.reshape(1, 3, 1, 1)
    cs.append(case('NCHW', [T(x), T(s), T(b)], [T(want)]))
    x = rnd(2, 2, 2, 3)
    cs.append(case('NHWC', [T(x), T(s), T(b)], [T((x * s).astype(F32) + b)], args={'order': 'NHWC'}))
    x = rnd(4, 3)
    cs.append(case('2-D [N, C]', [T(x), T(s), T(b)], [T((x * s).astype(F32) + b)]))
    cs.append(case('error: bias length', [T(x), T(s), T(rnd(2))], error=where('AffineChannel') + "input 'bias' must hold C = 3 values, got [2]"))
    return cs


def group_norm_ref(x, gamma, beta, G, eps):
    N, C = x.shape[:2]
    xr = x.astype(np.float64).reshape(N, G, -1)
    mu = xr.mean(-1, keepdims=True)
    var = xr.var(-1, keepdims=True)
    y = ((xr - mu) / np.sqrt(var + eps)).reshape(x.shape)
    bs = [1, C] + [1] * (x.ndim - 2)
    return y * gamma.reshape(bs) + beta.reshape(bs), mu.reshape(N, G), 1 / np.sqrt(var.reshape(N, G) + eps)


def group_norm():
    cs = []
    W = where('GroupNorm')
    tol = {'atol': 1e-5, 'rtol': 1e-5}
    x, g, b = rnd(2, 8, 3, 5, lo=-3, hi=5), rnd(8, lo=0.5, hi=2), rnd(8)
    y, mu, rs = group_norm_ref(x, g, b, 4, 1e-5)
    cs.append(case('2-D N=2 C=8 group=4, outputs mean and inv_std (group_norm_op_test reference)', [T(x), T(g), T(b)], [T(y), T(mu), T(rs)], args={'group': 4}, tol=tol))
    cs.append(case('Y only', [T(x), T(g), T(b)], [T(y)], args={'group': 4}, tol=tol))
    x3 = rnd(1, 4, 2, 3, 3)
    y3, _, _ = group_norm_ref(x3, g[:4], b[:4], 2, 1e-5)
    cs.append(case('3-D (N, C, T, H, W)', [T(x3), T(g[:4]), T(b[:4])], [T(y3)], args={'group': 2}, tol=tol))
    y, _, _ = group_norm_ref(x, g, b, 2, 1e-5)
    cs.append(case("detectron2's leftover eps=0.1 is ignored: epsilon stays 1e-5 (spec 3.14)", [T(x), T(g), T(b)], [T(y)], args={'group': 2, 'eps': 0.1}, tol=tol))
    y, _, _ = group_norm_ref(x, g, b, 8, 1e-3)
    cs.append(case('epsilon=1e-3, group=C', [T(x), T(g), T(b)], [T(y)], args={'group': 8, 'epsilon': 0.001}, tol=tol))
    x32, g32, b32 = rnd(1, 64, 2, 2), rnd(64), rnd(64)
    y32, _, _ = group_norm_ref(x32, g32, b32, 32, 1e-5)
    cs.append(case('default group=32', [T(x32), T(g32), T(b32)], [T(y32)], tol=tol))
    cs.append(case('N = 0', [T(np.zeros((0, 8, 2, 2), F32)), T(g), T(b)], [T(np.zeros((0, 8, 2, 2), F32))], args={'group': 4}))
    cs.append(case('error: C not divisible by group', [T(x), T(g), T(b)], args={'group': 3},
                   error=W + "channels C = 8 of input 'X' [2, 8, 3, 5] are not divisible by group = 3"))
    cs.append(case('error: gamma length', [T(x), T(g[:4]), T(b)], args={'group': 4}, error=W + "input 'gamma' must hold C = 8 values, got [4]"))
    cs.append(case('error: two outputs', [T(x), T(g), T(b)], args={'group': 4}, n_out=2, error=W + 'GroupNorm has 1 or 3 outputs (Y, mean, inv_std), got 2'))
    return cs


def instance_norm():
    cs = []
    tol = {'atol': 1e-5, 'rtol': 1e-5}
    x, s, b = rnd(2, 3, 4, 5, lo=-2, hi=4), rnd(3, lo=0.5, hi=2), rnd(3)
    y, mu, rs = group_norm_ref(x, s, b, 3, 1e-5)
    cs.append(case('NCHW with saved mean and inv stdev', [T(x), T(s), T(b)], [T(y), T(mu), T(rs)], tol=tol))
    y, _, _ = group_norm_ref(x, s, b, 3, 1e-2)
    cs.append(case('epsilon=1e-2, output only', [T(x), T(s), T(b)], [T(y)], args={'epsilon': 0.01}, tol=tol))
    cs.append(case('error: scale length', [T(x), T(rnd(2)), T(b)], error=where('InstanceNorm') + "input 'scale' must hold C = 3 values, got [2]"))
    return cs


def layer_norm():
    cs = []
    W = where('LayerNorm')
    tol = {'atol': 1e-5, 'rtol': 1e-5}

    def ref(x, axis, eps, g=None, b=None):
        M = int(np.prod(x.shape[:axis]))
        xr = x.astype(np.float64).reshape(M, -1)
        mu, var = xr.mean(1, keepdims=True), xr.var(1, keepdims=True)
        y = (xr - mu) / np.sqrt(var + eps)
        if g is not None:
            y = y * g.reshape(1, -1) + b.reshape(1, -1)
        st = list(x.shape[:axis]) + [1]
        return y.reshape(x.shape), mu.reshape(st), np.sqrt(var + eps).reshape(st)
    x = rnd(2, 3, 4, lo=-3, hi=3)
    y, mu, sd = ref(x, 1, 1e-5)
    cs.append(case('default axis=1, outputs mean and std', [T(x)], [T(y), T(mu), T(sd)], tol=tol))
    y, mu, sd = ref(x, 2, 0.05)
    cs.append(case('axis=2 epsilon=0.05 (glow layernorm_pred_net)', [T(x)], [T(y)], args={'axis': 2, 'epsilon': 0.05}, tol=tol))
    cs.append(case('axis=-2 epsilon=0.05 (glow layernorm_neg_axis_pred_net)', [T(x)], [T(ref(x, 1, 0.05)[0])], args={'axis': -2, 'epsilon': 0.05}, tol=tol))
    g, b = rnd(4), rnd(4)
    y, mu, sd = ref(x, 2, 1e-5, g, b)
    cs.append(case('elementwise_affine with gamma and beta over the last dim', [T(x), T(g), T(b)], [T(y), T(mu), T(sd)], args={'axis': 2, 'elementwise_affine': 1}, tol=tol))
    cs.append(case('gamma/beta given without elementwise_affine are ignored (as in Caffe2)', [T(x), T(g), T(b)], [T(ref(x, 2, 1e-5)[0])], args={'axis': 2}, tol=tol))
    cs.append(case('error: elementwise_affine without gamma/beta', [T(x)], args={'elementwise_affine': 1},
                   error=where('LayerNorm', 'elementwise_affine') + 'elementwise_affine needs the gamma and beta inputs, got 1 input(s)'))
    cs.append(case('error: gamma length', [T(x), T(rnd(3)), T(b)], args={'axis': 2, 'elementwise_affine': 1},
                   error=W + "input 'gamma' must hold prod(dims[2:]) = 4 values, got [3]"))
    cs.append(case('error: 1-D input', [T(rnd(4))], error=W + "input 'input' must have rank >= 2, got [4]"))
    return cs


# ------------------------------------------------------------------ resize
def nearest_idx(o, scale, n):
    """Caffe2 C++: min(int(o / scale), n - 1) with a float32 quotient."""
    return min(int(F32(F32(o) / F32(scale))), n - 1)


def out_dim(n, scale):
    return int(F32(F32(n) * F32(scale)))


def resize_nearest_ref(x, hs, ws, nhwc=False):
    if nhwc:
        x = x.transpose(0, 3, 1, 2)
    N, C, H, W = x.shape
    oH, oW = out_dim(H, hs), out_dim(W, ws)
    iy = [nearest_idx(o, hs, H) for o in range(oH)]
    ix = [nearest_idx(o, ws, W) for o in range(oW)]
    y = x[:, :, iy][:, :, :, ix] if oH and oW else np.zeros((N, C, oH, oW), F32)
    return y.transpose(0, 2, 3, 1) if nhwc else y


def resize_nearest():
    cs = []
    W = where('ResizeNearest')
    x = rnd(1, 2, 3, 4)
    for hs, ws in [(2, 2), (0.5, 0.5), (1.5, 3), (0.25, 4), (3, 1)]:
        cs.append(case(f'NCHW height_scale={hs} width_scale={ws}', [T(x)], [T(resize_nearest_ref(x, hs, ws))],
                       args={'height_scale': float(hs), 'width_scale': float(ws)}))
    x10 = np.arange(100, dtype=F32).reshape(1, 1, 10, 10)
    cs.append(case('float32 index math at scale 0.4: row 2 reads row int(2/0.4f) = 5 (float64 numpy says 4)', [T(x10)],
                   [T(resize_nearest_ref(x10, 0.4, 0.4))], args={'height_scale': 0.4, 'width_scale': 0.4}))
    x20 = np.arange(20, dtype=F32).reshape(1, 1, 1, 20)
    cs.append(case('float32 size at scale 0.35: int(20 * 0.35f) = 7 (float64 says 6)', [T(x20)],
                   [T(resize_nearest_ref(x20, 1, 0.35))], args={'width_scale': 0.35}))
    xh = rnd(2, 3, 4, 2)
    cs.append(case('NHWC height 2 width 1.5 (glow resize_nearest_op_net)', [T(xh)], [T(resize_nearest_ref(xh, 2, 1.5, True))],
                   args={'order': 'NHWC', 'height_scale': 2.0, 'width_scale': 1.5}))
    sc = np.array([2, 3], F32)
    cs.append(case('scales input [h, w] overrides the args (ONNX Upsample path)', [T(x), T(sc)], [T(resize_nearest_ref(x, 2, 3))], args={'height_scale': 5.0}))
    cs.append(case('constant scales input gives a static shape', [T(x), T(sc, const=True)], [T(resize_nearest_ref(x, 2, 3))]))
    cs.append(case('empty N', [T(np.zeros((0, 2, 3, 3), F32))], [T(np.zeros((0, 2, 6, 6), F32))], args={'height_scale': 2.0, 'width_scale': 2.0}))
    cs.append(case('error: 3-D input', [T(rnd(2, 3, 4))], error=W + "input 'X' must be 4-D (NCHW), got [2, 3, 4]"))
    cs.append(case('error: zero scale', [T(x)], args={'width_scale': 0.0}, error=where('ResizeNearest', 'width_scale') + 'must be > 0, got 0'))
    cs.append(case('error: scales of the wrong shape', [T(x), T(np.array([2, 2, 2], F32))],
                   error=W + "input 'scales' must be [2] ([height_scale, width_scale]), got [3]"))
    cs.append(case('error: non-positive scales input', [T(x), T(np.array([2, -1], F32))],
                   error=W + "input 'scales' must be > 0, got [2, -1]"))
    return cs


def upsample_nearest():
    cs = []
    x = rnd(1, 2, 2, 3)
    cs.append(case('default scale 2, 4-D', [T(x)], [T(x.repeat(2, 2).repeat(2, 3))]))
    x3 = rnd(2, 2, 2)
    cs.append(case('scale 3, 3-D', [T(x3)], [T(x3.repeat(3, 1).repeat(3, 2))], args={'scale': 3}))
    cs.append(case('error: 2-D input', [T(rnd(2, 2))], error=where('UpsampleNearest') + "input 'X' must be 3-D or 4-D, got [2, 2]"))
    cs.append(case('error: scale 0', [T(x)], args={'scale': 0}, error=where('UpsampleNearest', 'scale') + 'must be >= 1, got 0'))
    return cs


def bilinear_ref(x, hs, ws):
    """upsample_op.cc with every step in float32."""
    N, C, H, W = x.shape
    oH, oW = out_dim(H, hs), out_dim(W, ws)
    rh = F32(F32(H - 1) / F32(oH - 1)) if oH > 1 else F32(0)
    rw = F32(F32(W - 1) / F32(oW - 1)) if oW > 1 else F32(0)
    y = np.zeros((N, C, oH, oW), F32)
    for oy in range(oH):
        hr = F32(rh * F32(oy)); h1 = int(hr); h1p = 1 if h1 < H - 1 else 0
        l1 = F32(hr - F32(h1)); l0 = F32(F32(1) - l1)
        for ox in range(oW):
            wr = F32(rw * F32(ox)); w1 = int(wr); w1p = 1 if w1 < W - 1 else 0
            m1 = F32(wr - F32(w1)); m0 = F32(F32(1) - m1)
            a, b = x[:, :, h1, w1], x[:, :, h1, w1 + w1p]
            c, d = x[:, :, h1 + h1p, w1], x[:, :, h1 + h1p, w1 + w1p]
            y[:, :, oy, ox] = l0 * (m0 * a + m1 * b) + l1 * (m0 * c + m1 * d)
    return y


def upsample_bilinear():
    cs = []
    x = rnd(1, 2, 3, 4)
    for hs, ws in [(2, 2), (1.5, 2.5), (0.5, 1)]:
        cs.append(case(f'height_scale={hs} width_scale={ws} (align corners)', [T(x)], [T(bilinear_ref(x, hs, ws))],
                       args={'height_scale': float(hs), 'width_scale': float(ws)}))
    cs.append(case('scales input', [T(x), T(np.array([2, 2], F32))], [T(bilinear_ref(x, 2, 2))]))
    cs.append(case('hand-computed [0, 3] -> [0, 1, 2, 3]', [T(np.array([[[[0, 3]]]], F32))], [T(np.array([[[[0, 1, 2, 3]]]], F32))], args={'width_scale': 2.0}))
    cs.append(case('error: 3-D input', [T(rnd(1, 2, 2))], error=where('UpsampleBilinear') + "input 'X' must be 4-D NCHW, got [1, 2, 2]"))
    return cs


def main():
    for op in ('Add', 'Sub', 'Mul', 'Div'):
        cs = binary_arith(op)
        dump(op, div_extra(cs) if op == 'Div' else cs)
    for op in CMP:
        dump(op, comparison(op))
    for op in LOGIC:
        dump(op, logical(op))
    x = np.array([1, 0, 1], bool)
    dump('Not', [case('bool', [T(x)], [T(~x)]),
                 case('bool constant folds at plan time', [T(x, const=True)], [T(~x)]),
                 case('error: float input', [T(rnd(2))], error=where('Not') + "input 'X' must be bool, got float32")])
    for op in ('Sum', 'Max', 'Min'):
        dump(op, nary(op))
    for op in UNARY:
        dump(op, unary(op))
    for op in ('Negative', 'Abs'):
        dump(op, signed(op))
    dump('LeakyRelu', leaky_relu())
    dump('Clip', clip())
    dump('Scale', scale())
    dump('Pow', pow_cases())
    dump('Softmax', softmax())
    dump('Dropout', dropout())
    for op in ('ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin'):
        dump(op, reduce_cases(op))
    for op in ('ReduceFrontSum', 'ReduceBackSum', 'ReduceFrontMean', 'ReduceBackMean'):
        dump(op, reduce_ends(op))
    for op in ('ArgMax', 'ArgMin'):
        dump(op, arg_cases(op))
    dump('TopK', topk())
    dump('SpatialBN', spatial_bn())
    dump('AffineChannel', affine_channel())
    dump('GroupNorm', group_norm())
    dump('InstanceNorm', instance_norm())
    dump('LayerNorm', layer_norm())
    dump('ResizeNearest', resize_nearest())
    dump('UpsampleNearest', upsample_nearest())
    dump('UpsampleBilinear', upsample_bilinear())


if __name__ == '__main__':
    main()
