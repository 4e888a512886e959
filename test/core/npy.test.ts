// .npy read/write against files numpy wrote (scripts/make_npy_fixtures.py): every dtype, versions
// 1-3, big-endian, 0-d, empty; our writer's output is byte-identical to numpy's; exact errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { InputError } from '../../src/core/errors.js';
import { readNpy, writeNpy } from '../../src/core/npy.js';
import { Tensor } from '../../src/core/tensor.js';
import { fixture } from '../helpers/paths.js';

const read = (f: string) => new Uint8Array(readFileSync(fixture('npy', f)));
const values = (t: Tensor) => Array.from(t.data as ArrayLike<number | bigint>);

// np.arange(6) - 2 cast to each dtype (bool: x % 2, Python's modulo)
const EXPECTED: Record<string, [string, (number | bigint)[]]> = {
  f4: ['float32', [-2, -1, 0, 1, 2, 3]],
  f8: ['float64', [-2, -1, 0, 1, 2, 3]],
  f2: ['float16', [0xc000, 0xbc00, 0, 0x3c00, 0x4000, 0x4200]],
  i1: ['int8', [-2, -1, 0, 1, 2, 3]],
  i2: ['int16', [-2, -1, 0, 1, 2, 3]],
  i4: ['int32', [-2, -1, 0, 1, 2, 3]],
  i8: ['int64', [-2n, -1n, 0n, 1n, 2n, 3n]],
  u1: ['uint8', [254, 255, 0, 1, 2, 3]],
  u2: ['uint16', [65534, 65535, 0, 1, 2, 3]],
  b1: ['bool', [0, 1, 0, 1, 0, 1]],
};

for (const [code, [dtype, vals]] of Object.entries(EXPECTED)) {
  test(`npy ${code} [2,3]: reads as ${dtype}; big-endian reads the same; our writer matches numpy byte for byte`, () => {
    const file = read(`${code}_2x3.npy`);
    const t = readNpy(file);
    assert.equal([t.dtype, t.shape, values(t)], [dtype, [2, 3], vals]);
    assert.equal(writeNpy(t), file);
    if (!['i1', 'u1', 'b1'].includes(code)) {
      const be = readNpy(read(`be_${code}_2x3.npy`));
      assert.equal([be.dtype, be.shape, values(be)], [dtype, [2, 3], vals]);
    }
  });
}

test('npy versions 2 and 3, 0-d and empty arrays', () => {
  for (const f of ['f4_v2.npy', 'f4_v3.npy']) assert.equal(values(readNpy(read(f))), [-2, -1, 0], f);
  const s = readNpy(read('f4_scalar.npy'));
  assert.equal([s.shape, values(s)], [[], [7.5]]);
  assert.equal(writeNpy(s), read('f4_scalar.npy'));
  const e = readNpy(read('f4_empty.npy'));
  assert.equal([e.shape, e.size], [[0, 4], 0]);
  assert.equal(writeNpy(e), read('f4_empty.npy'));
});

test('a header longer than 64 KiB is written as version 2 and reads back', () => {
  const shape = new Array(30000).fill(1);
  const bytes = writeNpy(new Tensor('float32', shape, Float32Array.of(5)));
  assert.is(bytes[6], 2);
  assert.is((bytes.length - 1 * 4) % 64, 0);
  const back = readNpy(bytes);
  assert.equal([back.shape.length, values(back)], [30000, [5]]);
});

function throwsExactly(fn: () => unknown, message: string): void {
  try { fn(); } catch (e) { assert.instance(e, InputError); assert.is((e as Error).message, message); return; }
  assert.unreachable(`expected InputError: ${message}`);
}

test('npy errors name the file and what is wrong', () => {
  throwsExactly(() => readNpy(read('f4_fortran.npy'), 'x.npy'), 'x.npy: Fortran-order arrays are not supported (save with np.ascontiguousarray)');
  throwsExactly(() => readNpy(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 'x.npy'), 'x.npy: not a .npy file (bad magic)');
  const f = read('f4_2x3.npy');
  throwsExactly(() => readNpy(f.subarray(0, f.length - 1), 'x.npy'), 'x.npy: data holds 23 bytes, shape (2, 3) of <f4 needs 24');
  const v9 = f.slice(); v9[6] = 9;
  throwsExactly(() => readNpy(v9, 'x.npy'), 'x.npy: unsupported .npy version 9.0');
  throwsExactly(() => readNpy(f.subarray(0, 40), 'x.npy'), 'x.npy: header length 118 exceeds the file');
  const c8 = f.slice(); c8.set(new TextEncoder().encode("'<c8'"), 20);
  throwsExactly(() => readNpy(c8, 'x.npy'), "x.npy: unsupported dtype '<c8'");
  throwsExactly(() => writeNpy(new Tensor('string', [1])), 'cannot write a string tensor as .npy');
});

test.run();
