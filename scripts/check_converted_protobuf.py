#!/usr/bin/python3
"""Checks converted models with the reference protobuf library (Debian's python3-protobuf, classes
compiled by protoc from our proto/caffe2.proto) and the reference ONNX library:

  * model.pb and model_init.pb parse and re-serialize to the same bytes; model.pbtxt parses to
    the same predict net;
  * the layout is detectron2's: init net unnamed, only GivenTensor(Int|Int64)Fill ops with args
    shape then values, its outputs exactly the predict net's parameter inputs; no AliasWithName;
  * every parameter that is an ONNX initializer holds the initializer's values bit for bit.

    node .build/<you>/src/cli/main.js convert golden/mask_rcnn_fpn/model.onnx --config ... -o /tmp/m
    /usr/bin/python3 scripts/check_converted_protobuf.py /tmp/m=golden/mask_rcnn_fpn/model.onnx ...
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_protobuf_fixtures import compile_protos  # noqa: E402

FILLS = {'GivenTensorFill': np.float32, 'GivenTensorIntFill': np.int32, 'GivenTensorInt64Fill': np.int64}


def check(pb, model_dir, onnx_path):
    from google.protobuf import text_format
    problems = []

    def load(name):
        data = open(os.path.join(model_dir, name), 'rb').read()
        net = pb.NetDef()
        net.ParseFromString(data)
        if net.SerializeToString() != data:
            problems.append(f'{name}: re-serialized bytes differ')
        return net, len(data)

    predict, psize = load('model.pb')
    init, isize = load('model_init.pb')
    text = text_format.Parse(open(os.path.join(model_dir, 'model.pbtxt')).read(), pb.NetDef())
    if text != predict:
        problems.append('model.pbtxt does not parse to the net in model.pb')
    if init.HasField('name'):
        problems.append(f'init net is named {init.name!r}; detectron2 rebuilds it without a name')
    params = {}
    for op in init.op:
        if op.type not in FILLS:
            problems.append(f'init net has a {op.type} op')
            continue
        args = {a.name: a for a in op.arg}
        if [a.name for a in op.arg] != ['shape', 'values']:
            problems.append(f'{op.output[0]}: args {[a.name for a in op.arg]}, detectron2 writes shape, values')
        vals = args['values'].floats if op.type == 'GivenTensorFill' else args['values'].ints
        params[op.output[0]] = np.array(vals, dtype=FILLS[op.type]).reshape(list(args['shape'].ints))
    if list(init.external_output) != list(params):
        problems.append('init net external_output is not its fill outputs in order')
    fed = [n for n in predict.external_input if n not in params]
    if any(n in params for n in fed) or list(predict.external_input[len(fed):]) != list(params):
        problems.append(f'predict external_input is not the fed inputs then the parameters: {list(predict.external_input)[:4]}...')
    if any(op.type == 'AliasWithName' for op in predict.op):
        problems.append('AliasWithName left in the predict net')
    checked = 0
    if onnx_path:
        import onnx
        from onnx import numpy_helper
        m = onnx.load(onnx_path, load_external_data=False)
        for t in m.graph.initializer:
            if t.name not in params:
                continue
            want = numpy_helper.to_array(t)
            got = params[t.name]
            if got.shape != want.shape or got.dtype != want.dtype or got.tobytes() != want.tobytes():
                problems.append(f'parameter {t.name}: {got.dtype}{list(got.shape)} differs from the ONNX initializer {want.dtype}{list(want.shape)}')
            checked += 1
    ops = {}
    for op in predict.op:
        ops[op.type] = ops.get(op.type, 0) + 1
    print(f'{model_dir}: model.pb {psize} bytes ({len(predict.op)} ops, net {predict.name!r}, inputs {fed}, outputs {list(predict.external_output)}), '
          f'model_init.pb {isize} bytes ({len(params)} params, {sum(p.size for p in params.values())} values, {checked} checked against ONNX initializers): '
          + ('ok' if not problems else 'PROBLEMS'))
    for p in problems:
        print('  ' + p)
    return len(problems)


def main(args):
    if not args:
        print(__doc__)
        return 2
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        pb, _, _ = compile_protos(tmp)
        for a in args:
            model_dir, _, onnx_path = a.partition('=')
            failures += check(pb, model_dir, onnx_path or None)
    print(f'{len(args)} models, {failures} problems')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
