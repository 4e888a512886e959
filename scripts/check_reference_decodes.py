#!/usr/bin/python3
"""Checks that the reference protobuf library reads files caffe2-ts writes: each parses, holds
the expected values, and re-serializes to the same bytes (so we write canonical encodings).

    node scripts/write-interop-files.mjs /tmp/caffe2-ts-interop .build/<you>
    /usr/bin/python3 scripts/check_reference_decodes.py /tmp/caffe2-ts-interop
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_protobuf_fixtures import compile_protos  # noqa: E402


def main(d):
    from google.protobuf import text_format
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        pb, _, _ = compile_protos(tmp)

        def load(name, cls):
            nonlocal failures
            data = open(os.path.join(d, name), 'rb').read()
            m = cls()
            m.ParseFromString(data)
            same = m.SerializeToString() == data
            failures += not same
            print(f'{name}: parsed {len(data)} bytes; re-serialized {"identical" if same else "DIFFERENT"}')
            return m

        def expect(what, got, want):
            nonlocal failures
            if got != want:
                failures += 1
                print(f'  {what}: got {got!r}, expected {want!r}')

        init = load('model_init.pb', pb.NetDef)
        expect('init ops', [o.type for o in init.op], ['GivenTensorFill', 'GivenTensorFill', 'GivenTensorIntFill', 'GivenTensorInt64Fill', 'ConstantFill'])
        expect('conv1_w shape', list(init.op[0].arg[0].ints), [4, 3, 3, 3])
        expect('conv1_w count', len(init.op[0].arg[1].floats), 108)
        expect('conv1_b values', list(init.op[1].arg[1].floats)[:2], [0.0, -1.0])
        expect('int64 fill', list(init.op[3].arg[1].ints), [-1, -9223372036854775808])
        pred = load('model.pb', pb.NetDef)
        expect('meta', [(a.name, a.s or a.i) for a in pred.arg], [('meta_architecture', b'GeneralizedRCNN'), ('size_divisibility', 32), ('device', b'cpu')])
        expect('reshape shape', list(pred.op[2].arg[0].ints), [1, -1])
        expect('nested net', pred.op[3].arg[0].n.op[0].type, 'Copy')
        expect('engine', pred.op[1].engine, 'CUDNN')
        txt = pb.NetDef()
        text_format.Parse(open(os.path.join(d, 'model.pbtxt')).read(), txt)
        expect('model.pbtxt == model.pb', txt.SerializeToString(), pred.SerializeToString())
        print('model.pbtxt: parsed by text_format; equals model.pb' if txt == pred else 'model.pbtxt: DIFFERENT')
        ts = load('tensors.pb', pb.TensorProtos)
        by = {t.name: t for t in ts.protos}
        expect('f32', list(by['f32'].float_data), [1.5, -2.0])
        expect('i64', list(by['i64'].int64_data), [-1, 5])
        expect('u8 (int32_data)', list(by['u8'].int32_data), [0, 255])
        expect('string', list(by['s'].string_data), [b'hi'])
        tb = load('tensors_bytes.pb', pb.TensorProtos)
        expect('i16 byte_data', tb.protos[0].byte_data, b'\xfe\xff\x03\x00')
    print(f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else '/tmp/caffe2-ts-interop'))
