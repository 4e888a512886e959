#!/usr/bin/python3
"""Writes test/fixtures/protobuf/*: small files made by the reference protobuf library from OUR
proto/caffe2.proto and proto/onnx.proto, so the TS codec is checked against an independent
encoder (decode to the expected messages, re-encode byte-identically).

Needs Debian's protobuf-compiler and python3-protobuf:
    apt-get install -y protobuf-compiler python3-protobuf
    /usr/bin/python3 scripts/make_protobuf_fixtures.py
Variants of the schema with the `packed` option flipped (package renamed) give the same messages
written the other way (packed vs one tag per element); readers must accept both.
"""
import importlib
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'protobuf')


def compile_protos(tmp):
    src = {n: open(os.path.join(ROOT, 'proto', n + '.proto')).read() for n in ('caffe2', 'onnx')}
    c2 = src['caffe2']
    # the flipped schema: Argument.floats/ints and every `dims` packed, TensorProto's data unpacked
    flipped = c2.replace('package caffe2;', 'package caffe2_flipped;')
    flipped = re.sub(r'(repeated (?:float floats|int64 ints|int64 dims) = \d+);', r'\1 [packed = true];', flipped)
    flipped = re.sub(r'(repeated \w+ (?:float|int32|double|int64)_data = \d+) \[packed = true\];', r'\1 [packed = false];', flipped)
    files = {'caffe2.proto': c2, 'onnx.proto': src['onnx'], 'caffe2_flipped.proto': flipped}
    for name, text in files.items():
        with open(os.path.join(tmp, name), 'w') as f:
            f.write(text)
    subprocess.check_call(['protoc', f'--proto_path={tmp}', f'--python_out={tmp}', *files])
    sys.path.insert(0, tmp)
    return (importlib.import_module('caffe2_pb2'), importlib.import_module('onnx_pb2'),
            importlib.import_module('caffe2_flipped_pb2'))


def fill_tensor(t, name, dtype, dims, **fields):
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    for k, v in fields.items():
        if k == 'segment':
            t.segment.begin, t.segment.end = v
        elif k in ('byte_data', 'raw_data'):
            setattr(t, k, v)
        elif k == 'data_format':
            t.data_format = v
        else:
            getattr(t, k).extend(v)
    return t


def tensors(pb, msg):
    T = pb.TensorProto
    fill_tensor(msg.protos.add(), 'f32', T.FLOAT, [2, 3], float_data=[0.5, -1.25, 3.0e-8, 1e30, -0.0, 7.0])
    fill_tensor(msg.protos.add(), 'i32', T.INT32, [4], int32_data=[0, -1, 2147483647, -2147483648])
    fill_tensor(msg.protos.add(), 'u8_bytes', T.UINT8, [2, 2], byte_data=bytes([0, 1, 128, 255]))
    fill_tensor(msg.protos.add(), 'u8_int32', T.UINT8, [3], int32_data=[7, 200, 255])
    fill_tensor(msg.protos.add(), 'i8_int32', T.INT8, [3], int32_data=[-128, -1, 127])
    fill_tensor(msg.protos.add(), 'i16_bytes', T.INT16, [2], byte_data=(-2).to_bytes(2, 'little', signed=True) + (300).to_bytes(2, 'little'))
    fill_tensor(msg.protos.add(), 'u16_int32', T.UINT16, [2], int32_data=[65535, 1])
    fill_tensor(msg.protos.add(), 'bool_int32', T.BOOL, [3], int32_data=[1, 0, 1])
    fill_tensor(msg.protos.add(), 'bool_bytes', T.BOOL, [2], byte_data=bytes([0, 1]))
    # fp16 bit patterns: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff
    fill_tensor(msg.protos.add(), 'f16_int32', T.FLOAT16, [3], int32_data=[0x3c00, 0xc000, 0x7bff])
    fill_tensor(msg.protos.add(), 'f16_bytes', T.FLOAT16, [1], byte_data=bytes([0x00, 0x3c]))
    # bfloat16: 1.0 = 0x3f80, -3.5 = 0xc060
    fill_tensor(msg.protos.add(), 'bf16', T.FLOAT, [2], data_format=1, raw_data=bytes([0x80, 0x3f, 0x60, 0xc0]))
    fill_tensor(msg.protos.add(), 'f64', T.DOUBLE, [2], double_data=[0.1, -1e300])
    fill_tensor(msg.protos.add(), 'i64', T.INT64, [3], int64_data=[-1, 9223372036854775807, -9223372036854775808])
    fill_tensor(msg.protos.add(), 'str', T.STRING, [2], string_data=[b'abc', b'\x00\xff'])
    fill_tensor(msg.protos.add(), 'byte_legacy', T.BYTE, [3], byte_data=b'xyz')
    fill_tensor(msg.protos.add(), 'scalar', T.FLOAT, [], float_data=[42.0])
    fill_tensor(msg.protos.add(), 'empty', T.FLOAT, [0, 5])
    # one tensor in two chunks, the later chunk first, as a chunked blob dump may hold them
    fill_tensor(msg.protos.add(), 'chunked', T.FLOAT, [5], float_data=[4.0, 5.0], segment=(3, 5))
    fill_tensor(msg.protos.add(), 'chunked', T.FLOAT, [5], float_data=[1.0, 2.0, 3.0], segment=(0, 3))
    t = fill_tensor(msg.protos.add(), 'dev', T.INT32, [1], int32_data=[5])
    t.device_detail.device_type = 1
    t.device_detail.device_id = 3


def device_option(d):
    d.device_type = 1
    d.device_id = 2
    d.random_seed = 4294967295
    d.node_name = 'node-7'
    d.numa_node_id = -1
    d.extra_info.extend(['a=b', 'ümlaut'])


def netdef(pb, net):
    net.name = 'all_fields'
    net.type = 'async_scheduling'
    net.num_workers = 4
    device_option(net.device_option)
    a = net.arg.add(); a.name = 'meta_architecture'; a.s = b'GeneralizedRCNN'
    a = net.arg.add(); a.name = 'size_divisibility'; a.i = 32
    a = net.arg.add(); a.name = 'score_threshold'; a.f = 0.05
    net.external_input.extend(['data', 'im_info', 'w'])
    net.external_output.extend(['y', 'z'])
    op = net.op.add()
    op.input.extend(['data', 'w'])
    op.output.extend(['y'])
    op.name = 'op0'
    op.type = 'Everything'
    op.engine = 'CUDNN'
    op.control_input.extend(['ctl'])
    op.is_gradient_op = True
    op.debug_info = 'line 1\nline "2"'
    op.domain = 'caffe2'
    op.op_version = -3
    device_option(op.device_option)
    a = op.arg.add(); a.name = 'f'; a.f = -1.5
    a = op.arg.add(); a.name = 'i_neg'; a.i = -1
    a = op.arg.add(); a.name = 'i_min'; a.i = -9223372036854775808
    a = op.arg.add(); a.name = 'i_max'; a.i = 9223372036854775807
    a = op.arg.add(); a.name = 's'; a.s = b'\x00\x01bytes\xff'
    a = op.arg.add(); a.name = 'floats'; a.floats.extend([1.0, -2.5, 3.4028234663852886e38, 1.401298464324817e-45])
    a = op.arg.add(); a.name = 'ints'; a.ints.extend([-1, 0, 300, -9223372036854775808, 4294967296])
    a = op.arg.add(); a.name = 'strings'; a.strings.extend([b'NCHW', b'', 'π'.encode()])
    a = op.arg.add(); a.name = 't'
    fill_tensor(a.t, 'const', pb.TensorProto.INT64, [2], int64_data=[-5, 5])
    a = op.arg.add(); a.name = 'tensors'
    fill_tensor(a.tensors.add(), 'ta', pb.TensorProto.FLOAT, [1], float_data=[2.0])
    fill_tensor(a.tensors.add(), 'tb', pb.TensorProto.INT32, [2], int32_data=[-7, 7])
    a = op.arg.add(); a.name = 'n'
    a.n.name = 'then_net'
    sub = a.n.op.add(); sub.type = 'Relu'; sub.input.append('x'); sub.output.append('x')
    a = op.arg.add(); a.name = 'nets'
    a.nets.add().name = 'n0'
    inner = a.nets.add(); inner.name = 'n1'
    deep = inner.arg.add(); deep.name = 'deep'; deep.n.name = 'n1.inner'
    a = op.arg.add(); a.name = 'qtensors'
    q = a.qtensors.add()
    q.dims.extend([2]); q.precision = 8; q.scale = 0.5; q.bias = -1.0; q.is_signed = True
    q.data.extend([-3, 4]); q.name = 'q'; q.scales.extend([0.5, 0.25]); q.biases.extend([0.0, 1.0])
    q.axis = 1; q.is_multiparam = True
    op2 = net.op.add()
    op2.type = 'Relu'; op2.input.append('y'); op2.output.append('z')
    p = net.partition_info.add()
    p.name = 'part0'; p.device_id.extend([0, 1]); p.extra_info = 'x'
    bo = p.backend_options.add(); bo.backend_name = 'glow'
    e = bo.option.add(); e.key = 'k'; e.val = 'v'


def packed_args(pb, net):
    """Argument lists whose encoding differs between the two schemas."""
    net.name = 'packing'
    op = net.op.add()
    op.type = 'GivenTensorFill'
    op.output.append('w')
    a = op.arg.add(); a.name = 'shape'; a.ints.extend([2, 3, -1])
    a = op.arg.add(); a.name = 'values'; a.floats.extend([0.0, 1.0, -1.0, 0.5, 2.0, 1e-3])
    a = op.arg.add(); a.name = 't'
    fill_tensor(a.t, 't', pb.TensorProto.FLOAT, [3], float_data=[1.0, 2.0, 3.0])
    fill_tensor(a.tensors.add(), 'u', pb.TensorProto.INT64, [2], int64_data=[-1, 1])
    fill_tensor(a.tensors.add(), 'v', pb.TensorProto.INT32, [2], int32_data=[-1, 300])
    fill_tensor(a.tensors.add(), 'd', pb.TensorProto.DOUBLE, [1], double_data=[2.5])


def onnx_model(opb, c2):
    m = opb.ModelProto()
    m.ir_version = 7
    m.producer_name = 'pytorch'
    m.producer_version = '1.13.1'
    m.domain = 'org.example'
    m.model_version = -2
    m.doc_string = 'reference file'
    o = m.opset_import.add(); o.domain = ''; o.version = 9
    o = m.opset_import.add(); o.domain = 'org.pytorch._caffe2'; o.version = 1
    kv = m.metadata_props.add(); kv.key = 'k'; kv.value = 'v'
    g = m.graph
    g.name = 'g'
    T = opb.TensorProto
    w = g.initializer.add(); w.name = 'w'; w.data_type = T.FLOAT; w.dims.extend([2, 2])
    w.raw_data = bytes.fromhex('0000803f000000c00000404000008040')  # 1, -2, 3, 4
    b = g.initializer.add(); b.name = 'b'; b.data_type = T.FLOAT; b.dims.extend([2]); b.float_data.extend([0.5, -0.5])
    s = g.initializer.add(); s.name = 'shape'; s.data_type = T.INT64; s.dims.extend([2]); s.int64_data.extend([-1, 4])
    h = g.initializer.add(); h.name = 'half'; h.data_type = T.FLOAT16; h.dims.extend([1]); h.int32_data.extend([0x3c00])
    e = h.external_data.add(); e.key = 'location'; e.value = 'weights.bin'
    h.data_location = T.DEFAULT
    i = g.input.add(); i.name = 'x'
    tt = i.type.tensor_type; tt.elem_type = T.FLOAT
    d = tt.shape.dim.add(); d.dim_value = 1
    d = tt.shape.dim.add(); d.dim_param = 'N'
    out = g.output.add(); out.name = 'y'; out.type.tensor_type.elem_type = T.FLOAT
    vi = g.value_info.add(); vi.name = 'mid'; vi.doc_string = 'intermediate'
    n = g.node.add()
    n.input.extend(['x', 'w', 'b']); n.output.append('mid'); n.name = 'gemm'; n.op_type = 'Gemm'
    A = opb.AttributeProto
    a = n.attribute.add(); a.name = 'alpha'; a.type = A.FLOAT; a.f = 1.0
    a = n.attribute.add(); a.name = 'transB'; a.type = A.INT; a.i = 1
    n = g.node.add()
    n.input.extend(['mid', 'shape']); n.output.append('y'); n.op_type = 'RoIAlign'; n.domain = 'org.pytorch._caffe2'
    a = n.attribute.add(); a.name = 'order'; a.type = A.STRING; a.s = b'NCHW'
    a = n.attribute.add(); a.name = 'weights'; a.type = A.FLOATS; a.floats.extend([10.0, 10.0, 5.0, 5.0])
    a = n.attribute.add(); a.name = 'pads'; a.type = A.INTS; a.ints.extend([0, -1, 2])
    a = n.attribute.add(); a.name = 'modes'; a.type = A.STRINGS; a.strings.extend([b'a', b'b'])
    a = n.attribute.add(); a.name = 'value'; a.type = A.TENSOR
    a.t.data_type = T.INT32; a.t.dims.append(1); a.t.int32_data.append(-9)
    a = n.attribute.add(); a.name = 'body'; a.type = A.GRAPH; a.g.name = 'sub'
    sn = a.g.node.add(); sn.op_type = 'Identity'; sn.input.append('p'); sn.output.append('q')
    return m


def write(name, msg):
    data = msg.SerializeToString()
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)
    print(f'{name}: {len(data)} bytes')


def main():
    os.makedirs(OUT, exist_ok=True)
    from google.protobuf import text_format
    with tempfile.TemporaryDirectory() as tmp:
        pb, opb, flip = compile_protos(tmp)
        net = pb.NetDef(); netdef(pb, net)
        write('netdef_all_fields.pb', net)
        with open(os.path.join(OUT, 'netdef_all_fields.pbtxt'), 'w') as f:
            f.write(text_format.MessageToString(net, as_utf8=True))
        print('netdef_all_fields.pbtxt')
        ts = pb.TensorProtos(); tensors(pb, ts)
        write('tensor_protos.pb', ts)
        ts2 = flip.TensorProtos(); tensors(flip, ts2)
        write('tensor_protos_unpacked.pb', ts2)
        pk = pb.NetDef(); packed_args(pb, pk)
        write('args_unpacked.pb', pk)
        pk2 = flip.NetDef(); packed_args(flip, pk2)
        write('args_packed.pb', pk2)
        d = pb.DeviceOption(); device_option(d)
        write('device_option.pb', d)
        write('model.onnx', onnx_model(opb, pb))


if __name__ == '__main__':
    main()
