import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeNetDef, encodeNetDef, emptyMessage, type NetDef, type OperatorDef, type Argument } from '../../src/proto/caffe2.js';

test('NetDef round trip keeps negative int64 args exactly', () => {
  const arg = emptyMessage<Argument>('Argument', { name: 'shape', ints: BigInt64Array.of(-1n, 12544n, -9223372036854775808n) });
  const op = emptyMessage<OperatorDef>('OperatorDef', { type: 'Reshape', input: ['x'], output: ['y', 'old'], arg: [arg] });
  const net = emptyMessage<NetDef>('NetDef', { name: 'n', op: [op], external_input: ['x'], external_output: ['y'] });
  const bytes = encodeNetDef(net);
  const back = decodeNetDef(bytes);
  assert.equal(Array.from(back.op[0]!.arg[0]!.ints), [-1n, 12544n, -9223372036854775808n]);
  assert.equal(back.op[0]!.type, 'Reshape');
  assert.equal(encodeNetDef(back), bytes);
});

test.run();
