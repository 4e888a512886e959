// Codec edge cases the reference files do not reach: unpacked float runs that end early or are
// interleaved with other fields, NaN payloads kept bit for bit, packed and unpacked mixed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeNetDef, encodeNetDef, emptyMessage, type Argument, type NetDef, type TensorProto } from '../../src/proto/caffe2.js';
import { decodeMessage, encodeMessage } from '../../src/proto/codec.js';
import { caffe2Message } from '../../src/proto/caffe2.js';

const f32 = (x: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, x, true); return [...b]; };
const u32 = (x: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, x, true); return [...b]; };

test('unpacked floats: a run cut short by another field, then continued, then packed', () => {
  // Argument: floats 1, 2 (tag 0x2d), name "a", floats 3, packed floats [4, 5], floats 6
  const bytes = Uint8Array.of(
    0x2d, ...f32(1), 0x2d, ...f32(2), 0x0a, 1, 0x61, 0x2d, ...f32(3),
    0x2a, 8, ...f32(4), ...f32(5), 0x2d, ...f32(6));
  const a = decodeMessage<Argument>(caffe2Message('Argument'), bytes);
  assert.equal(Array.from(a.floats), [1, 2, 3, 4, 5, 6]);
  assert.is(a.name, 'a');
  assert.is(a.floats.length, 6);
});

test('unpacked floats keep NaN payloads and -0 bit for bit', () => {
  const bits = [0x7fc00001, 0xffa00000, 0x80000000, 0x7f800000];
  const bytes = Uint8Array.of(...bits.flatMap((b) => [0x2d, ...u32(b)]));
  const a = decodeMessage<Argument>(caffe2Message('Argument'), bytes);
  assert.equal(Array.from(new Uint32Array(a.floats.buffer, a.floats.byteOffset, a.floats.length)), bits);
  const back = decodeNetDef(encodeNetDef(emptyMessage<NetDef>('NetDef', { arg: [a] }))).arg[0]!.floats;
  assert.equal(Array.from(new Uint32Array(back.buffer, back.byteOffset, back.length)), bits);
  // packed (TensorProto.float_data) at an odd offset, both ways
  const t = emptyMessage<TensorProto>('TensorProto', { name: 'x', float_data: a.floats });
  const tb = decodeMessage<TensorProto>(caffe2Message('TensorProto'), encodeMessage(caffe2Message('TensorProto'), t as never)).float_data;
  assert.equal(Array.from(new Uint32Array(tb.slice().buffer)), bits);
});

test('a truncated unpacked float run fails with the byte offset', () => {
  const bytes = Uint8Array.of(0x2d, ...f32(1), 0x2d, 0, 0);
  assert.throws(() => decodeMessage(caffe2Message('Argument'), bytes, { file: 'a.pb' }), /a\.pb at byte 6: truncated: needs 4 bytes, 2 left/);
});

test.run();
