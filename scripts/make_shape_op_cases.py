#!/usr/bin/env python3
"""Writes test/ops/cases/<Op>.json for the shape and tensor ops.

Expected outputs come from numpy (transpose, concatenate, split, take, tile, pad, arange) or are
written out by hand where Caffe2 differs from numpy (Reshape's 0 rule, Slice's inclusive -1,
Range's integer length rule, Cast's C conversions, Gather on an empty axis). Error cases carry
the complete message the runtime must produce. Run from the repo root:
    python3 scripts/make_shape_op_cases.py
"""
import json
import numpy as np

OUT = 'test/ops/cases'
NP = {'float32': np.float32, 'float64': np.float64, 'int8': np.int8, 'int16': np.int16, 'int32': np.int32,
      'int64': np.int64, 'uint8': np.uint8, 'uint16': np.uint16, 'bool': np.bool_}


def jval(v, dtype):
    if dtype == 'int64':
        v = int(v)
        return v if abs(v) <= 2**53 else str(v)
    if dtype == 'bool' or dtype.startswith('int') or dtype.startswith('uint'):
        return int(v)
    f = float(v)
    return 'NaN' if f != f else f


def T(a, dtype=None, const=False):
    """A JSON tensor from a numpy array (dtype given or taken from the array)."""
    a = np.asarray(a)
    # untyped float data (Python literals, numpy's float64 default) means float32
    dtype = dtype or ('float32' if a.dtype.kind == 'f' else {np.dtype(v): k for k, v in NP.items()}[a.dtype])
    a = a.astype(NP[dtype])
    t = {'dims': list(a.shape)}
    if dtype != 'float32':
        t['type'] = dtype
    t['data'] = [jval(v, dtype) for v in a.reshape(-1)]
    if const:
        t['const'] = True
    return t


def ar(shape, dtype='float32', start=0):
    """0, 1, 2, ... (halves for floats) in the given shape."""
    n = int(np.prod(shape))
    v = np.arange(start, start + n)
    return (v * 0.5 if dtype in ('float32', 'float64') else v).astype(NP[dtype]).reshape(shape)


BIG = np.array([2**53 + 1, -2**63, 2**63 - 1, -1, 7, -(2**40) - 3], dtype=np.int64)


def case(title, inputs, outputs=None, args=None, error=None, n_out=None):
    c = {'title': title}
    if args is not None:
        c['args'] = args
    c['inputs'] = inputs
    if outputs is not None:
        c['outputs'] = outputs
    if n_out is not None:
        c['nOutputs'] = n_out
    if error is not None:
        c['error'] = error
    return c


def where(op, arg=None):
    return f"op #0 {op} -> 'out0'" + (f" arg '{arg}': " if arg else ': ')


def dump(op, cases):
    lines = [json.dumps(c, separators=(', ', ': ')) for c in cases]
    with open(f'{OUT}/{op}.json', 'w') as f:
        f.write('{\n  "op": ' + json.dumps(op) + ',\n  "cases": [\n    ' + ',\n    '.join(lines) + '\n  ]\n}\n')


# ------------------------------------------------------------------ Reshape
def reshape():
    cs = []
    i64 = lambda v, d='int64': T(np.array(v, dtype=np.int64).reshape(-1) if len(v) else np.zeros(0, np.int64), d)

    def both(title, old, new, exp, only_input=False):
        x = ar(old)
        outs = [T(x.reshape(exp)), i64(old)]
        if not only_input:
            cs.append(case(f'{title} shape={new} (arg)', [T(x)], outs, args={'shape': new}))
        cs.append(case(f'{title} new_shape={new} (input)', [T(x), i64(new)], outs))
    # caffe2/python/operator_test/reshape_ops_test.py, every shape case verbatim
    both('published basic (4,2,1)', [4, 2, 1], [2, 4], [2, 4])
    both('published missing dim (4,2,1)', [4, 2, 1], [-1, 8], [1, 8])
    both('published zero dim (4,2,1)', [4, 2, 1], [0, 0, 0], [4, 2, 1])
    both('published zero dim (4,2,1)', [4, 2, 1], [0, 2, 1], [4, 2, 1])
    both('published empty (0,0)', [0, 0], [0, 0, 0], [0, 0, 0], only_input=True)
    both('published zero and missing dim (4,2,1)', [4, 2, 1], [0, -1, 0], [4, 2, 1])
    both('published zero and missing dim (4,3,2)', [4, 3, 2], [-1, 0], [8, 3])
    both("published empty (2,0): -1 becomes 0, zeros stay (the older test expected 'size is zero')", [2, 0], [-1, 0], [0, 0], only_input=True)
    both('published empty tensor [4,0]', [4, 0], [1, -1], [1, 0])
    both('published 1-D empty [0]', [0], [1, -1], [1, 0])
    both('published 1-D empty [0]', [0], [0, -1], [0, 0])
    both('published scalar', [], [1, -1], [1, 1])
    both('published nonempty gradient case [4,2]', [4, 2], [1, 2, -1], [1, 2, 4])
    x = ar([2, 3])
    cs.append(case('int32 new_shape gives an int32 old_shape', [T(x), i64([3, 2], 'int32')], [T(x.reshape(3, 2)), i64([2, 3], 'int32')]))
    cs.append(case('one output only', [T(x)], [T(x.reshape(6))], args={'shape': [6]}))
    cs.append(case('to a 0-d scalar with shape=[]', [T(ar([1, 1]))], [T(ar([1, 1]).reshape(())), i64([1, 1])], args={'shape': []}))
    cs.append(case('int64 data stays exact', [T(BIG.reshape(2, 3))], [T(BIG.reshape(3, 2)), i64([2, 3])], args={'shape': [-1, 2]}))
    cs.append(case('bool data', [T(np.array([1, 0, 1], bool))], [T(np.array([[1], [0], [1]], bool)), i64([3])], args={'shape': [3, 1]}))
    cs.append(case('const new_shape folds at plan time', [T(ar([4, 2, 1])), T(np.array([0, -1]), 'int64', const=True)], [T(ar([4, 2, 1]).reshape(4, 2)), i64([4, 2, 1])]))
    W = where('Reshape')
    errs = [
        ('zero beyond the input rank stays 0: the new size is zero', {'shape': [-1, 0, 0]}, [T(x)], 'cannot reshape [2, 3] (6 elements) to [-1, 0, 0]: the new size is zero'),
        ('zero past the rank of a 1-D input', {'shape': [6, 0]}, [T(ar([6]))], 'cannot reshape [6] (6 elements) to [6, 0]: the new size is zero'),
        ('not a multiple', {'shape': [-1, 4]}, [T(x)], 'cannot reshape [2, 3] (6 elements) to [-1, 4]: 6 is not a multiple of 4'),
        ('element count differs', {'shape': [4, 2]}, [T(x)], 'cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)'),
        ('empty input to a non-empty shape (Caffe2 skips this check)', None, [T(ar([0, 3])), i64([2, 3])], 'cannot reshape an empty tensor [0, 3] to [2, 3] (6 elements)'),
        ('two -1 in the input shape', None, [T(x), i64([-1, -1])], "input 'new_shape' [-1, -1] has more than one -1"),
        ('dim below -1 in the input shape', None, [T(x), i64([-2, 3])], "input 'new_shape' [-2, 3] has a dim -2 (expected >= -1)"),
        ('new_shape must be 1-D', None, [T(x), T(np.array([[3, 2]]), 'int64')], "input 'new_shape' must be 1-D, got [1, 2]"),
        ('new_shape must be an integer tensor', None, [T(x), T(np.array([3, 2]), 'float32')], "input 'new_shape' must be int32 or int64, got float32"),
        ('new_shape must not be empty', None, [T(ar([1])), i64([])], "input 'new_shape' must not be empty"),
    ]
    for t, a, ins, msg in errs:
        cs.append(case('error: ' + t, ins, args=a, error=W + msg, n_out=2))
    cs.append(case('error: shape arg and new_shape input together', [T(x), i64([6])], args={'shape': [6]}, n_out=2,
                   error=where('Reshape', 'shape') + "must not be set when the new shape comes from input 'new_shape'"))
    cs.append(case('error: neither shape arg nor new_shape input', [T(x)], n_out=2,
                   error=where('Reshape', 'shape') + "is required when there is no 'new_shape' input"))
    cs.append(case('error: two -1 in the arg', [T(x)], args={'shape': [-1, -1]}, n_out=2,
                   error=where('Reshape', 'shape') + 'shape [-1, -1] has more than one -1'))
    dump('Reshape', cs)


# ------------------------------------------------------------------ Transpose
def transpose():
    cs = []
    W = where('Transpose')
    x = ar([2, 3])
    cs.append(case('x=[2,3] axes=[1,0]', [T(x)], [T(x.T)], args={'axes': [1, 0]}))
    y = ar([2, 3, 4], 'int32')
    cs.append(case('x=[2,3,4] int32, no axes reverses the dims', [T(y)], [T(y.transpose())]))
    z = ar([1, 2, 2, 3])
    cs.append(case('NCHW [1,2,2,3] -> NHWC', [T(z)], [T(z.transpose(0, 2, 3, 1))], args={'axes': [0, 2, 3, 1]}))
    z = ar([2, 3, 2, 2], 'float64')
    cs.append(case('NHWC [2,3,2,2] float64 -> NCHW', [T(z, 'float64')], [T(z.transpose(0, 3, 1, 2), 'float64')], args={'axes': [0, 3, 1, 2]}))
    cs.append(case('int64 stays exact', [T(BIG.reshape(2, 3))], [T(BIG.reshape(2, 3).T)], args={'axes': [1, 0]}))
    for d in ('bool', 'uint8', 'int8', 'int16', 'uint16'):
        v = (np.arange(6) % 2 if d == 'bool' else np.arange(6) * 37 - (100 if d.startswith('int') else 0)).reshape(3, 2)
        cs.append(case(f'{d} [3,2]', [T(v, d)], [T(v.T, d)], args={'axes': [1, 0]}))
    cs.append(case('0-d', [T(np.float32(3.5))], [T(np.float32(3.5))]))
    cs.append(case('empty [0,3] -> [3,0]', [T(ar([0, 3]))], [T(ar([0, 3]).T)], args={'axes': [1, 0]}))
    cs.append(case('const input folds', [T(ar([2, 3]), const=True)], [T(ar([2, 3]).T)]))
    cs.append(case('error: axes not a permutation', [T(x)], args={'axes': [0, 0]}, error=where('Transpose', 'axes') + '[0, 0] is not a permutation of 0..1'))
    cs.append(case('error: axes length differs from the rank', [T(y)], args={'axes': [1, 0]}, error=W + "axes [1, 0] has 2 entries, but input 'X' [2, 3, 4] has rank 3"))
    dump('Transpose', cs)


# ------------------------------------------------------------------ Concat
def concat():
    cs = []
    W = where('Concat')
    a, b = ar([1, 2]), ar([2, 2], start=2)
    info = lambda *v: T(np.array(v), 'int32')
    cs.append(case('axis=0 [1,2] ++ [2,2]', [T(a), T(b)], [T(np.concatenate([a, b])), info(1, 2)], args={'axis': 0}))
    a, b = ar([1, 2, 2]), ar([1, 1, 2], start=4)
    cs.append(case('no axis: order NCHW default joins dim 1', [T(a), T(b)], [T(np.concatenate([a, b], 1)), info(2, 1)]))
    a, b = ar([1, 2, 2, 1]), ar([1, 2, 2, 2], start=4)
    cs.append(case('order=NHWC joins dim 3', [T(a), T(b)], [T(np.concatenate([a, b], 3)), info(1, 2)], args={'order': 'NHWC'}))
    a, b, c = ar([2, 1], 'int32'), ar([2, 3], 'int32', 10), ar([2, 0], 'int32')
    cs.append(case('axis=-1 three inputs, one empty', [T(a), T(b), T(c)], [T(np.concatenate([a, b, c], 1)), info(1, 3, 0)], args={'axis': -1}))
    s0, s1 = np.int64(2**53 + 1), np.int64(-7)
    cs.append(case('add_axis stacks 0-d int64 scalars (traced shape pattern)', [T(s0), T(s1)], [T(np.array([s0, s1])), info(1, 1)], args={'axis': 0, 'add_axis': 1}))
    a, b = ar([2, 2]), ar([2, 2], start=4)
    cs.append(case('add_axis=1 axis=1 stacks [2,2] twice into [2,2,2]', [T(a), T(b)], [T(np.stack([a, b], 1)), info(1, 1)], args={'axis': 1, 'add_axis': 1}))
    cs.append(case('add_axis without axis is ignored (Caffe2): joins dim 1', [T(a), T(b)], [T(np.concatenate([a, b], 1)), info(2, 2)], args={'add_axis': 1}))
    cs.append(case('int64 exact along axis 0', [T(BIG[:2]), T(BIG[2:])], [T(BIG), info(2, 4)], args={'axis': 0}))
    cs.append(case('bool, one output', [T(np.array([1, 0], bool)), T(np.array([1], bool))], [T(np.array([1, 0, 1], bool))], args={'axis': 0}))
    cs.append(case('a single input', [T(a)], [T(a), info(2)], args={'axis': 0}))
    cs.append(case('all empty', [T(ar([0, 3])), T(ar([0, 3]))], [T(ar([0, 6])), info(3, 3)], args={'axis': 1}))
    cs.append(case('const inputs fold', [T(np.array([3]), 'int64', const=True), T(np.array([-1]), 'int64', const=True)], [T(np.array([3, -1]), 'int64'), info(1, 1)], args={'axis': 0}))
    cs.append(case('error: dtypes differ', [T(a), T(ar([2, 2], 'int64'))], args={'axis': 0}, n_out=2, error=W + 'input #1 is int64, but input #0 is float32 (all inputs must share a dtype)'))
    cs.append(case('error: a dim other than the axis differs', [T(ar([2, 2])), T(ar([2, 3]))], args={'axis': 0}, n_out=2,
                   error=W + 'input #1 [2, 3] does not match input #0 [2, 2] at dim 1 (only dim 0 may differ)'))
    cs.append(case('error: add_axis needs equal dims', [T(ar([2, 2])), T(ar([3, 2]))], args={'axis': 0, 'add_axis': 1}, n_out=2,
                   error=W + 'input #1 [3, 2] does not match input #0 [2, 2] at dim 0 (with add_axis every dim must match)'))
    cs.append(case('error: ranks differ', [T(ar([2, 2])), T(ar([2]))], args={'axis': 0}, n_out=2, error=W + 'input #1 [2] has rank 1, but input #0 [2, 2] has rank 2'))
    cs.append(case('error: axis out of range', [T(ar([2, 2]))], args={'axis': 2}, n_out=2, error=W + 'axis 2 is out of range for input #0 [2, 2] (expected -2..1)'))
    cs.append(case('error: axis and order together', [T(ar([2, 2]))], args={'axis': 0, 'order': 'NCHW'}, n_out=2, error=where('Concat', 'order') + "give 'axis' or 'order', not both"))
    cs.append(case('error: unknown order', [T(ar([2, 2]))], args={'order': 'CHW'}, n_out=2, error=where('Concat', 'order') + 'value "CHW" is not allowed (expected one of "NCHW", "NHWC")'))
    dump('Concat', cs)


# ------------------------------------------------------------------ Split
def split():
    cs = []
    W = where('Split')
    x = ar([4, 2])
    cs.append(case('equal split of [4,2] along axis 0 into 2', [T(x)], [T(v) for v in np.split(x, 2, 0)], args={'axis': 0}))
    y = ar([2, 4], 'int64')
    cs.append(case('split=[1,3] along axis 1, int64', [T(y)], [T(y[:, :1]), T(y[:, 1:])], args={'axis': 1, 'split': [1, 3]}))
    cs.append(case('sizes from an int32 input', [T(y), T(np.array([3, 1]), 'int32')], [T(y[:, :3]), T(y[:, 3:])], args={'axis': 1}))
    cs.append(case('no axis: order NCHW default splits dim 1', [T(y)], [T(y[:, :2]), T(y[:, 2:])]))
    z = ar([2, 3], 'int32')
    cs.append(case('add_axis removes the axis: [2,3] -> two [3]', [T(z)], [T(z[0]), T(z[1])], args={'axis': 0, 'add_axis': 1}))
    cs.append(case('a zero-size part', [T(x)], [T(x[:0]), T(x)], args={'axis': 0, 'split': [0, 4]}))
    cs.append(case('empty input, three parts', [T(ar([0, 3]))], [T(ar([0, 1]))] * 3, args={'axis': 1}))
    b = np.array([[1, 0, 1], [0, 0, 1]], bool)
    cs.append(case('bool along axis -1', [T(b)], [T(b[:, :1]), T(b[:, 1:])], args={'axis': -1, 'split': [1, 2]}))
    cs.append(case('const input folds', [T(np.array([5, 6, 7, 8]), 'int64', const=True)], [T(np.array([5, 6]), 'int64'), T(np.array([7, 8]), 'int64')], args={'axis': 0}))
    cs.append(case('error: not divisible', [T(ar([3, 2]))], args={'axis': 0}, n_out=2, error=W + "input 'input' [3, 2]: dim 0 (3) does not divide into 2 equal parts"))
    cs.append(case('error: sizes do not add up', [T(x)], args={'axis': 0, 'split': [1, 2]}, n_out=2,
                   error=W + "split sizes [1, 2] add up to 3, but input 'input' [4, 2] has 4 along axis 0"))
    cs.append(case('error: split arg and input together', [T(x), T(np.array([2, 2]), 'int32')], args={'axis': 0, 'split': [2, 2]}, n_out=2,
                   error=where('Split', 'split') + "must not be set when the sizes come from input 'split'"))
    cs.append(case('error: split arg length differs from the outputs', [T(x)], args={'axis': 0, 'split': [4]}, n_out=2, error=where('Split', 'split') + 'gives 1 sizes for 2 outputs'))
    cs.append(case('error: split input length differs from the outputs', [T(x), T(np.array([1, 1, 2]), 'int32')], args={'axis': 0}, n_out=2,
                   error=W + "input 'split' [3] holds 3 sizes for 2 outputs"))
    cs.append(case('error: add_axis needs one entry per output', [T(ar([3, 2]))], args={'axis': 0, 'add_axis': 1, 'split': [1, 1]}, n_out=2,
                   error=W + "with add_axis, input 'input' [3, 2] needs 2 entries along axis 0 (one per output), got 3"))
    cs.append(case('error: negative split size', [T(x)], args={'axis': 0, 'split': [5, -1]}, n_out=2, error=where('Split', 'split') + 'sizes must be >= 0, got [5, -1]'))
    cs.append(case('error: axis out of range', [T(x)], args={'axis': 2}, n_out=2, error=W + "axis 2 is out of range for input 'input' [4, 2] (expected -2..1)"))
    dump('Split', cs)


# ------------------------------------------------------------------ Slice
def slice_():
    cs = []
    W = where('Slice')
    x = np.array([[1, 2, 3, 4], [5, 6, 7, 8]], np.float32)
    # the Caffe2 schema example: starts [0, 1], ends [-1, 3] -> [[2, 3], [6, 7]]
    cs.append(case('Caffe2 doc example starts=[0,1] ends=[-1,3]', [T(x)], [T(x[:, 1:3])], args={'starts': [0, 1], 'ends': [-1, 3]}))
    cs.append(case('starts/ends as int64 inputs', [T(x), T(np.array([0, 1]), 'int64'), T(np.array([-1, 3]), 'int64')], [T(x[:, 1:3])]))
    cs.append(case('starts/ends as int32 inputs', [T(x), T(np.array([1]), 'int32'), T(np.array([2]), 'int32')], [T(x[1:2])]))
    cs.append(case('fewer entries than dims keep the rest whole', [T(x)], [T(x[1:])], args={'starts': [1], 'ends': [-1]}))
    cs.append(case('ends clamp to the dim', [T(x)], [T(x[:, 2:])], args={'starts': [0, 2], 'ends': [2, 100]}))
    cs.append(case('negative start: -3 means dim + 1 - 3', [T(x)], [T(x[:, 2:])], args={'starts': [0, -3], 'ends': [-1, -1]}))
    cs.append(case('nothing cut: a copy', [T(x)], [T(x)], args={'starts': [0, 0], 'ends': [-1, -1]}))
    cs.append(case('empty window start == end', [T(x)], [T(x[:, 2:2])], args={'starts': [0, 2], 'ends': [-1, 2]}))
    cs.append(case('empty input may cut several dims', [T(ar([0, 4, 3]))], [T(ar([0, 2, 1]))], args={'starts': [0, 1, 1], 'ends': [0, 3, 2]}))
    cs.append(case('int64 exact, 1-D', [T(BIG)], [T(BIG[1:4])], args={'starts': [1], 'ends': [4]}))
    cs.append(case('bool, middle dim of three', [T(np.arange(12).reshape(2, 3, 2) % 3 == 0)], [T((np.arange(12).reshape(2, 3, 2) % 3 == 0)[:, 1:, :])], args={'starts': [0, 1], 'ends': [-1, -1]}))
    cs.append(case('ONNX Upsample lowering: scales[2:] with ends=[-1]', [T(np.array([1, 1, 2, 2], np.float32))], [T(np.array([2, 2], np.float32))], args={'starts': [2], 'ends': [-1]}))
    cs.append(case('error: an INT64_MIN start', [T(x), T(np.array([0, -2**63]), 'int64'), T(np.array([-1, 2**63 - 1]), 'int64')],
                   error=W + "input 'starts' value -9223372036854775808 at [1] is not a usable integer"))
    cs.append(case('INT64_MAX end means to the end', [T(x), T(np.array([0, 1]), 'int64'), T(np.array([-1, 2**63 - 1]), 'int64')], [T(x[:, 1:])]))
    cs.append(case('const inputs fold', [T(np.array([4, 5, 6]), 'int64', const=True), T(np.array([1]), 'int64', const=True), T(np.array([-1]), 'int64', const=True)], [T(np.array([5, 6]), 'int64')]))
    cs.append(case('error: two dims cut', [T(x)], args={'starts': [1, 1], 'ends': [2, 3]},
                   error=W + "only one dim can be sliced, but dims 0 and 1 of input 'X' [2, 4] are (starts [1, 1], ends [2, 3])"))
    cs.append(case('error: end before start', [T(x)], args={'starts': [0, 3], 'ends': [-1, 1]},
                   error=W + "dim 1 of input 'X' [2, 4]: end 1 resolves to 1, before start 3 (3)"))
    cs.append(case('error: start too negative', [T(x)], args={'starts': [0, -7], 'ends': [-1, -1]},
                   error=W + "start -7 for dim 1 of input 'X' [2, 4] resolves to -2 (a negative index v means 4 + 1 + v; expected 0..4)"))
    cs.append(case('error: more entries than dims', [T(x)], args={'starts': [0, 0, 0], 'ends': [1, 1, 1]},
                   error=W + "starts/ends have 3 entries, but input 'X' [2, 4] has rank 2"))
    cs.append(case('error: two inputs', [T(x), T(np.array([0]), 'int64')], error=W + "takes starts and ends both as inputs or both as args, got only input 'starts'"))
    cs.append(case('error: ends arg missing', [T(x)], args={'starts': [0]}, error=where('Slice', 'ends') + 'is required when starts/ends are not inputs'))
    cs.append(case('error: starts/ends lengths differ', [T(x)], args={'starts': [0], 'ends': [1, 2]}, error=where('Slice', 'ends') + "has 2 entries, but 'starts' has 1"))
    cs.append(case('error: float starts input', [T(x), T(np.array([0.0]), 'float32'), T(np.array([1]), 'int64')], error=W + "input 'starts' must be int32 or int64, got float32"))
    dump('Slice', cs)


# ------------------------------------------------------------------ Shape
def shape():
    cs = []
    i64 = lambda v: T(np.array(v, np.int64).reshape(-1))
    cs.append(case('x=[2,3,4]', [T(ar([2, 3, 4]))], [i64([2, 3, 4])]))
    cs.append(case('axes=[2,0]', [T(ar([2, 3, 4]))], [i64([4, 2])], args={'axes': [2, 0]}))
    cs.append(case('0-d gives an empty vector', [T(np.float32(1))], [i64([])]))
    cs.append(case('empty [0,5] int64 input', [T(ar([0, 5], 'int64'))], [i64([0, 5])]))
    cs.append(case('bool input', [T(np.zeros((3, 1), bool))], [i64([3, 1])]))
    cs.append(case('error: axis out of range', [T(ar([2, 3]))], args={'axes': [2]}, error=where('Shape') + "axis 2 is out of range for input 'X' [2, 3] (expected 0..1)"))
    cs.append(case('error: negative axis', [T(ar([2, 3]))], args={'axes': [-1]}, error=where('Shape') + "axis -1 is out of range for input 'X' [2, 3] (expected 0..1)"))
    dump('Shape', cs)


# ------------------------------------------------------------------ Gather, BatchGather
def gather():
    cs = []
    W = where('Gather')
    d = ar([3, 2])
    i32 = lambda v: T(np.array(v), 'int32')
    i64 = lambda v: T(np.array(v), 'int64')
    cs.append(case('rows [2,0] of [3,2], int32 indices', [T(d), i32([2, 0])], [T(d[[2, 0]])]))
    cs.append(case('negative indices wrap on axis 0 (default)', [T(d), i64([-1, -3])], [T(d[[2, 0]])]))
    cs.append(case('0-d index gives one row (traced Gather(Shape(x), 0))', [T(np.array([5, 7, 9]), 'int64'), i64(0)], [T(np.int64(5))]))
    cs.append(case('2-D indices', [T(d), i64([[0, 1], [2, 2]])], [T(d[np.array([[0, 1], [2, 2]])])]))
    e = ar([2, 3, 2], 'int32')
    cs.append(case('axis=1, no wrap by default', [T(e), i64([2, 0])], [T(e[:, [2, 0]])], args={'axis': 1}))
    cs.append(case('axis=-1 with wrap_indices=1', [T(e), i64([-1])], [T(e[:, :, [1]])], args={'axis': -1, 'wrap_indices': 1}))
    m = ar([2, 3])
    cs.append(case('match_outer axis=1: one index row per batch', [T(m), i64([[2, 0], [1, 1]])], [T(np.array([[m[0, 2], m[0, 0]], [m[1, 1], m[1, 1]]]))],
                   args={'axis': 1, 'match_outer': 1}))
    cs.append(case('DATA empty along the axis: output is DATA\'s shape (Caffe2)', [T(ar([0, 3])), i64([1, 4])], [T(ar([0, 3]))]))
    cs.append(case('empty indices', [T(d), i64(np.zeros(0, np.int64))], [T(ar([0, 2]))]))
    cs.append(case('int64 data exact', [T(BIG), i32([0, 2, 1])], [T(BIG[[0, 2, 1]])]))
    cs.append(case('bool data', [T(np.array([1, 0, 1], bool)), i32([1, 2])], [T(np.array([0, 1], bool))]))
    cs.append(case('const inputs fold', [T(np.array([4, 5, 6]), 'int64', const=True), T(np.int64(-1), 'int64', const=True)], [T(np.int64(6))]))
    cs.append(case('error: index past the end', [T(d), i64([1, 3])], error=W + "INDICES[1] = 3 is out of range for input 'DATA' [3, 2] along axis 0 (expected -3..2)"))
    cs.append(case('error: index too negative to wrap', [T(d), i64([-4])], error=W + "INDICES[0] = -4 is out of range for input 'DATA' [3, 2] along axis 0 (expected -3..2)"))
    cs.append(case('error: negative index without wrapping (axis 1)', [T(e), i32([-1])], args={'axis': 1},
                   error=W + "INDICES[0] = -1 is out of range for input 'DATA' [2, 3, 2] along axis 1 (expected 0..2)"))
    cs.append(case('error: float indices', [T(d), T(np.array([0.0]))], error=W + "input 'INDICES' must be int32 or int64, got float32"))
    cs.append(case('error: axis out of range', [T(d), i32([0])], args={'axis': 2}, error=W + "axis 2 is out of range for input 'DATA' [3, 2] (expected -2..1)"))
    cs.append(case('error: 0-d DATA', [T(np.float32(1)), i32([0])], error=W + "axis 0 is out of range for input 'DATA' [] (expected 0..-1)"))
    dump('Gather', cs)

    cs = []
    W = where('BatchGather')
    x = np.array([[1.0, 1.2, 2.4, 4.5], [2.3, 3.4, 3.6, 2.3], [4.5, 5.7, 1.2, 4.5]], np.float32)
    cs.append(case('Caffe2 doc example: columns [0, 2]', [T(x), i64([0, 2])], [T(x[:, [0, 2]])]))
    cs.append(case('2-D indices on 3-D int64 data', [T(ar([2, 3, 2], 'int64')), i32([[2], [0]])], [T(ar([2, 3, 2], 'int64')[:, np.array([[2], [0]])])]))
    cs.append(case('error: negative index (no wrapping)', [T(x), i64([-1])], error=W + "INDICES[0] = -1 is out of range for input 'DATA' [3, 4] along axis 1 (expected 0..3)"))
    cs.append(case('error: DATA of rank 1', [T(ar([3])), i64([0])], error=W + "input 'DATA' must have rank >= 2, got [3]"))
    dump('BatchGather', cs)


# ------------------------------------------------------------------ Cast
def cast():
    cs = []
    W = where('Cast')
    f = np.array([1.9, -1.9, -0.0, 2.5, 300.7, -3e9, float('nan')], np.float32)
    # C++ static_cast on x86-64: truncation toward zero; out of range / NaN -> INT32_MIN
    cs.append(case('float32 -> int32 (to=2): truncation, out of range and NaN give INT32_MIN', [T(f)], [T(np.array([1, -1, 0, 2, 300, -2**31, -2**31]), 'int32')], args={'to': 2}))
    cs.append(case('float32 -> uint8 by name "UINT8": low byte of the int32 conversion', [T(f)], [T(np.array([1, 255, 0, 2, 44, 0, 0]), 'uint8')], args={'to': 'UINT8'}))
    cs.append(case('float64 -> int64 by lower-case name', [T(np.array([2.0**62, -7.99, 1e300]), 'float64')], [T(np.array([2**62, -7, -2**63]), 'int64')], args={'to': 'int64'}))
    cs.append(case('int64 -> float32 rounds once (2^53 + 2^29 + 1 -> 2^53 + 2^30)', [T(np.array([2**53 + 2**29 + 1, -5]), 'int64')], [T(np.array([2.0**53 + 2.0**30, -5.0]), 'float32')], args={'to': 1}))
    cs.append(case('int64 -> int32 keeps the low 32 bits', [T(np.array([2**31, -2**63, 2**32 - 1, -3]), 'int64')], [T(np.array([-2**31, 0, -1, -3]), 'int32')], args={'to': 2}))
    cs.append(case('int32 -> int64 sign-extends', [T(np.array([-1, 2**31 - 1]), 'int32')], [T(np.array([-1, 2**31 - 1]), 'int64')], args={'to': 10}))
    cs.append(case('float -> bool is != 0 (NaN true, -0 false)', [T(np.array([0.0, -0.0, float('nan'), 0.25], np.float32))], [T(np.array([0, 0, 1, 1]), 'bool')], args={'to': 5}))
    cs.append(case('bool -> float64', [T(np.array([1, 0], bool))], [T(np.array([1.0, 0.0]), 'float64')], args={'to': 13}))
    cs.append(case('int16 -> int8 wraps', [T(np.array([127, 128, -129, 300]), 'int16')], [T(np.array([127, -128, 127, 44]), 'int8')], args={'to': 'INT8'}))
    cs.append(case('uint16 -> float32', [T(np.array([65535, 0]), 'uint16')], [T(np.array([65535.0, 0.0]))], args={'to': 'FLOAT'}))
    cs.append(case('no `to`: FLOAT (last Caffe2 default)', [T(np.array([3]), 'int64')], [T(np.array([3.0]))]))
    cs.append(case('0-d int64 -> float (traced shape arithmetic)', [T(np.int64(12))], [T(np.float32(12))], args={'to': 1}))
    cs.append(case('empty', [T(ar([0, 2]))], [T(ar([0, 2], 'int32'))], args={'to': 2}))
    cs.append(case('const input folds', [T(np.array([2.7, -2.7], np.float32), const=True)], [T(np.array([2, -2]), 'int64')], args={'to': 10}))
    cs.append(case('error: to STRING', [T(f)], args={'to': 4}, error=where('Cast', 'to') + "casting to string is not supported (as on Caffe2's CPU)"))
    cs.append(case('error: to FLOAT16', [T(f)], args={'to': 'float16'}, error=where('Cast', 'to') + "casting to float16 is not supported (as on Caffe2's CPU)"))
    cs.append(case('error: unknown number', [T(f)], args={'to': 99}, error=where('Cast', 'to') + '99 is not a data type Cast can produce'))
    cs.append(case('error: UNDEFINED', [T(f)], args={'to': 0}, error=where('Cast', 'to') + '0 is not a data type Cast can produce'))
    cs.append(case('error: unknown name', [T(f)], args={'to': 'half'},
                   error=where('Cast', 'to') + 'unknown data type name "HALF" (expected one of UNDEFINED, FLOAT, INT32, BYTE, STRING, BOOL, UINT8, INT8, UINT16, INT16, INT64, FLOAT16, DOUBLE)'))
    cs.append(case('error: BYTE is deprecated', [T(f)], args={'to': 3}, error=where('Cast', 'to') + 'BYTE (3) is deprecated in Caffe2; use UINT8 (6)'))
    dump('Cast', cs)


# ------------------------------------------------------------------ Range
def range_():
    cs = []
    W = where('Range')
    s = lambda v, d: T(np.array(v), d)
    cs.append(case('stop only, int32', [s(4, 'int32')], [T(np.arange(4), 'int32')]))
    cs.append(case('start, stop int64', [s(3, 'int64'), s(7, 'int64')], [T(np.arange(3, 7), 'int64')]))
    cs.append(case('start, stop, step int32 (not a multiple)', [s(0, 'int32'), s(10, 'int32'), s(3, 'int32')], [T(np.arange(0, 10, 3), 'int32')]))
    # Caffe2's integer length: trunc(-5 / -2) = 2, and 2 * -2 = -4 is not < -5, so numpy's third value is missing
    cs.append(case('negative integer step: Caffe2 gives [0, -2] where numpy gives [0, -2, -4]', [s(0, 'int64'), s(-5, 'int64'), s(-2, 'int64')], [T(np.array([0, -2]), 'int64')]))
    cs.append(case('float32 step 0.3: ceil(1 / 0.3) = 4 values, i * step + start in float32', [s(0, 'float32'), s(1, 'float32'), s(0.3, 'float32')],
                   [T(np.array([np.float32(i) * np.float32(0.3) for i in range(4)], np.float32))]))
    cs.append(case('float64 negative step', [s(5, 'float64'), s(0, 'float64'), s(-1.5, 'float64')], [T(np.arange(5, 0, -1.5), 'float64')]))
    cs.append(case('empty when stop <= start', [s(5, 'int32'), s(0, 'int32')], [T(np.zeros(0), 'int32')]))
    cs.append(case('1-element 1-D inputs', [T(np.array([2]), 'int64'), T(np.array([4]), 'int64')], [T(np.array([2, 3]), 'int64')]))
    cs.append(case('const inputs fold', [T(np.array(3), 'int64', const=True)], [T(np.arange(3), 'int64')]))
    cs.append(case('error: step 0', [s(0, 'int32'), s(3, 'int32'), s(0, 'int32')], error=W + "input 'step' must not be 0"))
    cs.append(case('error: mixed types', [s(0, 'int32'), s(3, 'int64')], error=W + "input 'stop' is int64, but input 'start' is int32 (all inputs must share a type)"))
    cs.append(case('error: not one element', [T(np.array([1, 2]), 'int32')], error=W + "input 'stop' must hold one element, got [2]"))
    cs.append(case('error: bool input', [T(np.array(True))], error=W + "input 'stop' must be int32, int64, float32 or float64, got bool"))
    dump('Range', cs)


# ------------------------------------------------------------------ ScatterAssign, Conditional
def scatter_assign():
    cs = []
    W = where('ScatterAssign')
    d = np.zeros((3, 2), np.float32)
    sl = np.array([[1, 2], [3, 4]], np.float32)
    exp = d.copy(); exp[[2, 0]] = sl
    cs.append(case('rows [2,0] of a [3,2] zero matrix', [T(d), T(np.array([2, 0]), 'int64'), T(sl)], [T(exp)]))
    exp = d.copy(); exp[1] = sl[1]
    cs.append(case('a repeated index keeps the last row', [T(d), T(np.array([1, 1]), 'int32'), T(sl)], [T(exp)]))
    big = BIG[:4].reshape(4, 1)
    exp = big.copy(); exp[3, 0] = 2**62 + 1
    cs.append(case('int64 exact, 1-element rows', [T(big), T(np.array([3]), 'int32'), T(np.array([[2**62 + 1]]), 'int64')], [T(exp)]))
    # the ONNX Slice lowering: ConstantFill(shape, INT64) then starts scattered at the axes
    cs.append(case('1-D int64 (ONNX Slice lowering pattern)', [T(np.array([0, 0, 0, 0]), 'int64'), T(np.array([1, 3]), 'int32'), T(np.array([2, -1]), 'int64')],
                   [T(np.array([0, 2, 0, -1]), 'int64')]))
    cs.append(case('no indices leaves DATA as it is', [T(d), T(np.zeros(0), 'int64'), T(np.zeros((0, 2), np.float32))], [T(d)]))
    cs.append(case('const inputs fold', [T(np.array([0, 0, 0]), 'int64', const=True), T(np.array([1]), 'int32', const=True), T(np.array([9]), 'int64', const=True)],
                   [T(np.array([0, 9, 0]), 'int64')]))
    cs.append(case('error: index out of range', [T(d), T(np.array([3]), 'int64'), T(sl[:1])], error=W + "INDICES[0] = 3 is out of range for input 'DATA' [3, 2] (expected 0..2)"))
    cs.append(case('error: negative index', [T(d), T(np.array([-1]), 'int64'), T(sl[:1])], error=W + "INDICES[0] = -1 is out of range for input 'DATA' [3, 2] (expected 0..2)"))
    cs.append(case('error: SLICES size', [T(d), T(np.array([0, 1]), 'int64'), T(sl[:1])],
                   error=W + "input 'SLICES' [1, 2] must hold 2 rows of 2 (INDICES [2], DATA [3, 2]), got 2 elements"))
    cs.append(case('error: SLICES dtype', [T(d), T(np.array([0]), 'int64'), T(np.array([[1, 2]]), 'int32')], error=W + "input 'SLICES' is int32, but input 'DATA' is float32"))
    cs.append(case('error: 0-d DATA', [T(np.float32(0)), T(np.array([0]), 'int64'), T(np.float32(1))], error=W + "input 'DATA' must have rank >= 1, got a 0-d tensor"))
    dump('ScatterAssign', cs)

    cs = []
    W = where('Conditional')
    t, f = ar([3, 2]), -ar([3, 2])
    c = np.array([1, 0, 1], bool)
    cs.append(case('rows by condition [1,0,1]', [T(c), T(t), T(f)], [T(np.where(c[:, None], t, f))]))
    t3, f3 = ar([2, 2, 2], 'int64'), ar([2, 2, 2], 'int64', 100)
    c2 = np.array([0, 1], bool)
    cs.append(case('3-D int64 rows', [T(c2), T(t3), T(f3)], [T(np.where(c2[:, None, None], t3, f3))]))
    cs.append(case('1-D data', [T(c), T(np.array([1, 2, 3]), 'int32'), T(np.array([4, 5, 6]), 'int32')], [T(np.array([1, 5, 3]), 'int32')]))
    cs.append(case('no rows', [T(np.zeros(0, bool)), T(ar([0, 2])), T(ar([0, 2]))], [T(ar([0, 2]))]))
    cs.append(case('error: condition not bool', [T(np.array([1, 0, 1]), 'int32'), T(t), T(f)], error=W + "input 'Condition' must be bool, got int32"))
    cs.append(case('error: condition length', [T(c[:2]), T(t), T(f)], error=W + "input 'Condition' [2] needs one entry per row of input 'DataT' [3, 2]"))
    cs.append(case('error: DataT and DataF shapes differ', [T(c), T(t), T(ar([3, 3]))], error=W + "inputs 'DataT' [3, 2] and 'DataF' [3, 3] must have the same shape"))
    cs.append(case('error: DataT and DataF dtypes differ', [T(c), T(t), T(ar([3, 2], 'float64'), 'float64')], error=W + "input 'DataF' is float64, but input 'DataT' is float32"))
    dump('Conditional', cs)


# ------------------------------------------------------------------ PadImage
def pad_image():
    cs = []
    W = where('PadImage')
    x = ar([1, 2, 2, 3])
    np_pad = lambda a, t, l, b, r, **kw: np.pad(a, ((0, 0), (0, 0), (t, b), (l, r)), **kw)
    cs.append(case('constant pads [1,2,0,1] value 0', [T(x)], [T(np_pad(x, 1, 2, 0, 1))], args={'pads': [1, 2, 0, 1]}))
    cs.append(case('constant value 7.5', [T(x)], [T(np_pad(x, 1, 1, 1, 1, constant_values=7.5))], args={'pad': 1, 'value': 7.5}))
    cs.append(case('reflect pad_t/l/b/r', [T(x)], [T(np_pad(x, 1, 2, 1, 2, mode='reflect'))], args={'pad_t': 1, 'pad_l': 2, 'pad_b': 1, 'pad_r': 2, 'mode': 'reflect'}))
    cs.append(case('edge', [T(x)], [T(np_pad(x, 2, 0, 3, 4, mode='edge'))], args={'pads': [2, 0, 3, 4], 'mode': 'edge'}))
    cs.append(case('negative pads crop', [T(x)], [T(x[:, :, 1:, 1:2])], args={'pads': [-1, -1, 0, -1]}))
    nhwc = ar([1, 2, 3, 2])
    cs.append(case('NHWC reflect', [T(nhwc)], [T(np.pad(nhwc, ((0, 0), (1, 1), (2, 0), (0, 0)), mode='reflect'))], args={'pads': [1, 2, 1, 0], 'mode': 'reflect', 'order': 'NHWC'}))
    xi = ar([2, 1, 2, 2], 'int32')
    cs.append(case('int32 with value 2.7 (C conversion truncates to 2)', [T(xi, 'int32')], [T(np_pad(xi, 0, 1, 0, 0, constant_values=2), 'int32')], args={'pads': [0, 1, 0, 0], 'value': 2.7}))
    xu = ar([1, 1, 1, 2], 'uint8')
    cs.append(case('uint8 with value -1 (wraps to 255)', [T(xu, 'uint8')], [T(np_pad(xu, 0, 0, 0, 1, constant_values=255), 'uint8')], args={'pads': [0, 0, 0, 1], 'value': -1}))
    x64 = BIG[:4].reshape(1, 1, 2, 2)
    cs.append(case('int64 edge stays exact', [T(x64)], [T(np_pad(x64, 1, 1, 0, 0, mode='edge'))], args={'pads': [1, 1, 0, 0], 'mode': 'edge'}))
    cs.append(case('N = 0', [T(ar([0, 2, 2, 2]))], [T(ar([0, 2, 4, 4]))], args={'pad': 1}))
    cs.append(case('error: reflect pad as large as the dim', [T(x)], args={'pads': [2, 0, 0, 0], 'mode': 'reflect'},
                   error=W + "reflect pads [2, 0, 0, 0] must each be < 2, the size of dim 2 of input 'X' [1, 2, 2, 3]"))
    cs.append(case('error: 3-D input', [T(ar([2, 2, 2]))], args={'pad': 1}, error=W + "input 'X' must be 4-D (NCHW), got [2, 2, 2]"))
    cs.append(case('error: pads of length 2', [T(x)], args={'pads': [1, 1]}, error=where('PadImage', 'pads') + 'must hold 4 values [t, l, b, r], got [1, 1]'))
    cs.append(case('error: pad and pads together', [T(x)], args={'pad': 1, 'pads': [1, 1, 1, 1]}, error=where('PadImage', 'pad') + "give one of 'pad', 'pads' or 'pad_t'/'pad_l'/'pad_b'/'pad_r'"))
    cs.append(case('error: only some of pad_t/l/b/r', [T(x)], args={'pad_t': 1}, error=where('PadImage', 'pad_t') + 'pad_t, pad_l, pad_b and pad_r must be given together'))
    cs.append(case('error: unknown mode', [T(x)], args={'mode': 'wrap'}, error=where('PadImage', 'mode') + 'value "wrap" is not allowed (expected one of "constant", "reflect", "edge")'))
    cs.append(case('error: crop below zero', [T(x)], args={'pads': [0, 0, -3, 0]}, error=W + "pads [0, 0, -3, 0] crop dim 2 of input 'X' [1, 2, 2, 3] below zero (-1)"))
    dump('PadImage', cs)


# ------------------------------------------------------------------ NumpyTile
def numpy_tile():
    cs = []
    W = where('NumpyTile')
    x = ar([2, 2])
    reps = lambda v, d='int64': T(np.array(v, np.int64).reshape(-1), d)
    cs.append(case('numpy.tile([2,2], (2,3))', [T(x), reps([2, 3])], [T(np.tile(x, (2, 3)))]))
    y = ar([2, 1, 3], 'int64')
    cs.append(case('3-D int64, int32 repeats', [T(y), reps([1, 4, 2], 'int32')], [T(np.tile(y, (1, 4, 2)))]))
    cs.append(case('repeat 0 gives an empty dim', [T(x), reps([0, 2])], [T(np.tile(x, (0, 2)))]))
    cs.append(case('0-d with no repeats', [T(np.float32(2.5)), reps([])], [T(np.float32(2.5))]))
    cs.append(case('bool', [T(np.array([1, 0], bool)), reps([3])], [T(np.tile(np.array([1, 0], bool), 3))]))
    cs.append(case('error: one repeat per dim', [T(x), reps([2])], error=W + "input 'repeats' [1] needs one entry per dim of input 'data' [2, 2]"))
    cs.append(case('error: negative repeat', [T(x), reps([1, -1])], error=W + 'repeats [1, -1] has a negative entry at 1'))
    cs.append(case('error: float repeats', [T(x), T(np.array([1.0, 1.0]))], error=W + "input 'repeats' must be int32 or int64, got float32"))
    dump('NumpyTile', cs)


# ------------------------------------------------------------------ views: Flatten, FlattenToVec, Squeeze, ExpandDims
def views():
    x = ar([2, 3, 4])
    cs = [
        case('axis=1 default: [2,3,4] -> [2,12]', [T(x)], [T(x.reshape(2, 12))]),
        case('axis=0 -> [1,24]', [T(x)], [T(x.reshape(1, 24))], args={'axis': 0}),
        case('axis=3 (= rank) -> [24,1]', [T(x)], [T(x.reshape(24, 1))], args={'axis': 3}),
        case('0-d axis=0 -> [1,1]', [T(np.float32(4))], [T(np.array([[4]], np.float32))], args={'axis': 0}),
        case('empty [0,3] -> [0,3]', [T(ar([0, 3]))], [T(ar([0, 3]))]),
        case('int64 exact', [T(BIG.reshape(1, 2, 3))], [T(BIG.reshape(1, 6))]),
        case('error: axis above the rank', [T(ar([2, 3]))], args={'axis': 3}, error=where('Flatten') + "input 'input' has rank 2, but axis is 3 (rank must be >= axis), got [2, 3]"),
        case('error: negative axis', [T(x)], args={'axis': -1}, error=where('Flatten', 'axis') + 'must be >= 0 (Caffe2 does not canonicalise a negative axis), got -1'),
    ]
    dump('Flatten', cs)
    cs = [
        case('[2,3] -> [6]', [T(ar([2, 3]))], [T(ar([6]))]),
        case('bool [0,2] -> [0]', [T(np.zeros((0, 2), bool))], [T(np.zeros(0, bool))]),
        case('error: 0-d', [T(np.float32(1))], error=where('FlattenToVec') + "input 'input' must have rank >= 1, got a 0-d tensor"),
    ]
    dump('FlattenToVec', cs)
    y = ar([1, 3, 1], 'int64')
    cs = [
        case('dims=[0,2]: [1,3,1] -> [3]', [T(y)], [T(y.reshape(3))], args={'dims': [0, 2]}),
        case('unsorted, repeated dims=[2,0,0]', [T(y)], [T(y.reshape(3))], args={'dims': [2, 0, 0]}),
        case('to 0-d', [T(np.array([5]), 'int64')], [T(np.int64(5))], args={'dims': [0]}),
        case('empty [0,1] -> [0]', [T(ar([0, 1]))], [T(ar([0]))], args={'dims': [1]}),
        case('error: the dim is not 1', [T(y)], args={'dims': [1]}, error=where('Squeeze') + "input 'data' [1, 3, 1] has dim 1 = 3, but squeezed dims must be 1"),
        case('error: dim past the rank', [T(y)], args={'dims': [3]}, error=where('Squeeze') + "input 'data' [1, 3, 1] has rank 3, but dims [3] need rank >= 4"),
        case('error: no dims', [T(y)], error=where('Squeeze', 'dims') + 'must list at least one dim'),
        case('error: negative dim', [T(y)], args={'dims': [-1]}, error=where('Squeeze', 'dims') + 'dims must be >= 0, got [-1]'),
    ]
    dump('Squeeze', cs)
    z = ar([3])
    cs = [
        case('dims=[0]: [3] -> [1,3]', [T(z)], [T(z.reshape(1, 3))], args={'dims': [0]}),
        case('dims=[0,2]: [3] -> [1,3,1]', [T(z)], [T(z.reshape(1, 3, 1))], args={'dims': [0, 2]}),
        case('unsorted, repeated dims=[1,0,1]: [3] -> [1,1,3]', [T(z)], [T(z.reshape(1, 1, 3))], args={'dims': [1, 0, 1]}),
        case('0-d int64 -> [1] (traced Unsqueeze of a dim)', [T(np.int64(2**53 + 1))], [T(np.array([2**53 + 1]), 'int64')], args={'dims': [0]}),
        case('empty [0] -> [0,1]', [T(ar([0]))], [T(ar([0, 1]))], args={'dims': [1]}),
        case('const input folds', [T(np.int64(4), const=True)], [T(np.array([4]), 'int64')], args={'dims': [0]}),
        case('error: dims too large', [T(z)], args={'dims': [3]}, error=where('ExpandDims') + "input 'data' [3] has rank 1, but dims [3] need rank >= 3"),
        case('error: negative dim (ONNX-style)', [T(z)], args={'dims': [-1]}, error=where('ExpandDims', 'dims') + 'dims must be >= 0, got [-1]'),
    ]
    dump('ExpandDims', cs)


# ------------------------------------------------------------------ Copy and the identities
def identities():
    for op in ('Copy', 'Alias', 'AliasWithName', 'EnsureCPUOutput', 'CopyGPUToCPU', 'CopyCPUToGPU'):
        args = {'name': 'data'} if op == 'AliasWithName' else None
        cs = [
            case('float32 [2,2]', [T(ar([2, 2]))], [T(ar([2, 2]))], args=args),
            case('int64 exact', [T(BIG)], [T(BIG)], args=args),
            case('bool 0-d', [T(np.array(True))], [T(np.array(True))], args=args),
            case('empty uint8 [0,3]', [T(ar([0, 3], 'uint8'))], [T(ar([0, 3], 'uint8'))], args=args),
            case('const input', [T(ar([3], 'float64'), const=True)], [T(ar([3], 'float64'))], args=args),
        ]
        if op == 'AliasWithName':
            cs.append(case('is_backward is accepted', [T(ar([2]))], [T(ar([2]))], args={'name': 'x', 'is_backward': 1}))
            cs.append(case('error: name is required', [T(ar([2]))], error=where(op, 'name') + 'is required'))
        dump(op, cs)


if __name__ == '__main__':
    reshape()
    transpose()
    concat()
    split()
    slice_()
    shape()
    gather()
    cast()
    range_()
    scatter_assign()
    pad_image()
    numpy_tile()
    views()
    identities()
