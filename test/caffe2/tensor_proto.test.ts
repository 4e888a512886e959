// TensorProto <-> Tensor (caffe2/core/blob_serialization.cc): round trips of every dtype in both
// storages, bfloat16 rounding, chunked tensors, and exact errors for malformed protos.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../src/core/tensor.js';
import { ModelFormatError, NotSupportedError } from '../../src/core/errors.js';
import { emptyMessage, encodeTensorProtos, type TensorProto } from '../../src/proto/caffe2.js';
import {
  readTensorProtos, tensorFromProto, tensorToProto, tensorsFromProtos, writeTensorProtos,
} from '../../src/caffe2/tensor_proto.js';

const proto = (init: Partial<TensorProto>): TensorProto => emptyMessage<TensorProto>('TensorProto', init);
const dims = (...d: (number | bigint)[]) => BigInt64Array.from(d, (x) => BigInt(x));

function throwsExactly(fn: () => unknown, cls: new (...a: never[]) => Error, message: string): void {
  try { fn(); } catch (e) {
    assert.instance(e, cls);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${cls.name}: ${message}`);
}

function rawBytes(t: Tensor): number[][] {
  if (t.dtype === 'string') return (t.data as Uint8Array[]).map((s) => Array.from(s));
  const d = t.data as Uint8Array;
  return [Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))];
}

const SAMPLES: Tensor[] = [
  Tensor.from('float32', [2, 2], [1.5, -0, NaN, -Infinity]),
  Tensor.from('float64', [3], [0.1, -1e300, 5e-324]),
  Tensor.from('int32', [2], [-2147483648, 2147483647]),
  Tensor.from('int64', [2], [-9223372036854775808n, 9223372036854775807n]),
  Tensor.from('uint8', [3], [0, 128, 255]),
  Tensor.from('int8', [2], [-128, 127]),
  Tensor.from('int16', [2], [-32768, 32767]),
  Tensor.from('uint16', [2], [0, 65535]),
  Tensor.from('bool', [3], [1, 0, 1]),
  Tensor.from('float16', [2], [0x3c00, 0xfc00]),
  Tensor.from('float32', [], [3]),
  Tensor.from('float32', [0, 4], []),
];

for (const bytes of [false, true]) {
  test(`every dtype round-trips through TensorProtos (${bytes ? 'byte_data' : 'int32_data'} for small types)`, () => {
    const named = new Map(SAMPLES.map((t, i) => [`t${i}_${t.dtype}`, t]));
    named.set('s', new Tensor('string', [2], [new Uint8Array([104, 105]), new Uint8Array(0)]));
    const back = readTensorProtos(writeTensorProtos(named, { bytes }));
    for (const [name, t] of named) {
      const b = back.get(name)!;
      assert.is(b.dtype, t.dtype, name);
      assert.equal(b.shape, t.shape, name);
      // bytes, not values: NaN payloads and -0 must survive too
      assert.equal(rawBytes(b), rawBytes(t), name);
    }
  });
}

test('the serializer writes dims, data_type and a whole-tensor segment, like TensorSerializer', () => {
  const p = tensorToProto(Tensor.from('int8', [2], [-1, 5]), { name: 'x' });
  assert.equal([Array.from(p.dims), p.data_type, p.segment, Array.from(p.int32_data), p.name], [[2n], 7, { begin: 0n, end: 2n }, [-1, 5], 'x']);
  const q = tensorToProto(Tensor.from('int16', [1], [-2]), { bytes: true });
  assert.equal(Array.from(q.byte_data!), [0xfe, 0xff]);
  assert.is(q.int32_data.length, 0);
});

test('bfloat16: raw_data widened exactly; the writer rounds to nearest even and keeps NaN', () => {
  // 1 + 2^-8 is halfway between bf16 1.0 and 1.0078125: ties go to even (1.0);
  // 1 + 3*2^-8 is halfway between 1.0078125 (odd) and 1.015625 (even): goes up
  const t = Tensor.from('float32', [4], [1 + 2 ** -8, 1 + 3 * 2 ** -8, NaN, -65536]);
  const p = tensorToProto(t, { bfloat16: true });
  assert.is(p.data_format, 1);
  assert.equal(Array.from(p.raw_data!), [0x80, 0x3f, 0x82, 0x3f, 0xc0, 0x7f, 0x80, 0xc7]);
  const back = tensorFromProto(p);
  assert.equal(Array.from(back.data as Float32Array), [1, 1.015625, NaN, -65536]);
});

test('a proto whose data count does not match dims is a ModelFormatError naming blob, field and counts', () => {
  const p = proto({ name: 'w', dims: dims(2, 3), data_type: 1, float_data: new Float32Array(5) });
  throwsExactly(() => tensorFromProto(p, { file: 'init.pb' }), ModelFormatError, "init.pb -> 'w': FLOAT tensor float_data holds 5 values, expected 6");
  const b = proto({ name: 'u', dims: dims(3), data_type: 9, byte_data: new Uint8Array(5) });
  throwsExactly(() => tensorFromProto(b), ModelFormatError, "-> 'u': INT16 tensor byte_data holds 5 bytes, expected 6");
  const s = proto({ dims: dims(2), data_type: 4, string_data: [new Uint8Array(1)] });
  throwsExactly(() => tensorFromProto(s), ModelFormatError, 'STRING tensor string_data holds 1 strings, expected 2');
  const bf = proto({ dims: dims(2), data_type: 1, data_format: 1, raw_data: new Uint8Array(3) });
  throwsExactly(() => tensorFromProto(bf), ModelFormatError, 'FLOAT tensor raw_data (bfloat16) holds 3 bytes, expected 4');
});

test('UINT8 byte_data with a segment is checked against the segment (Caffe2 skips this check)', () => {
  const p = proto({ name: 'u8', dims: dims(4), data_type: 6, byte_data: new Uint8Array(2), segment: { begin: 0n, end: 4n } });
  throwsExactly(() => tensorFromProto(p), ModelFormatError, "-> 'u8': UINT8 tensor byte_data holds 2 bytes, expected 4");
});

test('absurd and negative dims fail before any allocation', () => {
  const big = proto({ name: 'big', dims: dims(1n << 40n, 1n << 40n), data_type: 1 });
  throwsExactly(() => tensorFromProto(big), ModelFormatError, "-> 'big': dims [1099511627776, 1099511627776] have 1.2089258196146292e+24 elements, more than any tensor can hold");
  const wide = proto({ name: 'wide', dims: dims(1n << 31n, 1n << 20n), data_type: 1, float_data: new Float32Array(1) });
  throwsExactly(() => tensorFromProto(wide), ModelFormatError, "-> 'wide': FLOAT tensor float_data holds 1 values, expected 2251799813685248");
  const neg = proto({ name: 'neg', dims: dims(2, -1), data_type: 1 });
  throwsExactly(() => tensorFromProto(neg), ModelFormatError, "-> 'neg': dims [2, -1] hold an invalid dim -1");
});

test('data_type: missing is an error (as in Caffe2), unknown and unsupported types are named', () => {
  throwsExactly(() => tensorFromProto(proto({ name: 'x', dims: dims(1), float_data: new Float32Array(1) })), ModelFormatError, "-> 'x': tensor has no data_type");
  throwsExactly(() => tensorFromProto(proto({ dims: dims(1), data_type: 14 })), NotSupportedError, 'cannot read a data type 14 tensor');
  throwsExactly(() => tensorFromProto(proto({ dims: dims(1), data_type: 2, data_format: 1, int32_data: Int32Array.of(1) })), NotSupportedError, 'serialization format 1 is not supported for a INT32 tensor');
  throwsExactly(() => tensorFromProto(proto({ dims: dims(1), data_type: 0, string_data: [new Uint8Array(0)] })), NotSupportedError, 'UNDEFINED tensors (serialized sub-blobs) are not supported');
  const empty = tensorFromProto(proto({ dims: dims(0), data_type: 0 }));
  assert.equal([empty.dtype, empty.shape], ['float32', [0]]);
});

test('segments: out of range, partial, overlapping and gapped chunks are named', () => {
  const seg = (b: number, e: number, vals: number[]) => proto({ name: 'c', dims: dims(4), data_type: 1, float_data: Float32Array.from(vals), segment: { begin: BigInt(b), end: BigInt(e) } });
  throwsExactly(() => tensorFromProto(seg(2, 5, [1, 2, 3])), ModelFormatError, "-> 'c': segment [2, 5) is not within the 4 elements of dims");
  throwsExactly(() => tensorFromProto(seg(3, 2, [])), ModelFormatError, "-> 'c': segment [3, 2) is not within the 4 elements of dims");
  throwsExactly(() => tensorFromProto(seg(0, 2, [1, 2])), ModelFormatError, "-> 'c': segment [0, 2) holds only part of the 4 elements of dims [4]; the other chunks are missing");
  throwsExactly(() => tensorsFromProtos([seg(0, 3, [1, 2, 3]), seg(2, 4, [3, 4])], 'd.pb'), ModelFormatError, "d.pb -> 'c' protos[1]: chunks overlap at element 2 of 4");
  throwsExactly(() => tensorsFromProtos([seg(0, 1, [1]), seg(2, 4, [3, 4])], 'd.pb'), ModelFormatError, "d.pb -> 'c' protos[1]: chunks leave a gap at element 1 of 4");
  throwsExactly(() => tensorsFromProtos([seg(0, 1, [1]), seg(1, 2, [2])], 'd.pb'), ModelFormatError, "d.pb -> 'c': chunks cover 2 of the 4 elements");
  const ok = tensorsFromProtos([seg(2, 4, [3, 4]), seg(0, 2, [1, 2])]).get('c')!;
  assert.equal(Array.from(ok.data as Float32Array), [1, 2, 3, 4]);
});

test('int32_data for small types is a C cast (wraps), bool is nonzero', () => {
  const t = tensorFromProto(proto({ dims: dims(3), data_type: 6, int32_data: Int32Array.of(256, -1, 300) }));
  assert.equal(Array.from(t.data as Uint8Array), [0, 255, 44]);
  const b = tensorFromProto(proto({ dims: dims(2), data_type: 5, int32_data: Int32Array.of(7, 0) }));
  assert.equal(Array.from(b.data as Uint8Array), [1, 0]);
  const bb = tensorFromProto(proto({ dims: dims(2), data_type: 5, byte_data: Uint8Array.of(2, 0) }));
  assert.equal(Array.from(bb.data as Uint8Array), [1, 0]);
});

test('unnamed protos in a TensorProtos file are named by index', () => {
  const bytes = encodeTensorProtos({ protos: [proto({ dims: dims(1), data_type: 2, int32_data: Int32Array.of(9) })] });
  assert.equal([...readTensorProtos(bytes).keys()], ['0']);
});

test.run();
