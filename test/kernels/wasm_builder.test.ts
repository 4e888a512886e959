// The WebAssembly module builder: hand-checked encodings (header, LEB128 immediates, limits of a
// shared memory import), and small generated functions run against plain-JS arithmetic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { F32, Fn, I32, V128, buildModule } from '../../kernels/wasm/builder.js';
import { simdFeatures } from '../../kernels/wasm/simd.js';

function instantiate(fns: Fn[], pages = 1, shared = false): { exports: Record<string, (...a: number[]) => number>; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 16, shared } as WebAssembly.MemoryDescriptor);
  const m = new WebAssembly.Module(buildModule({ min: 1, max: 16, shared }, fns));
  return { exports: new WebAssembly.Instance(m, { env: { memory } }).exports as never, memory };
}

test('module bytes: header, sections in order, import of a shared memory with limits flag 3', () => {
  const f = new Fn('id', [I32], [I32]);
  f.get(0);
  const b = Array.from(buildModule({ min: 2, max: 300, shared: true }, [f]));
  assert.equal(b.slice(0, 8), [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  // type section: 1 type, func (i32) -> (i32)
  assert.equal(b.slice(8, 15), [1, 6, 1, 0x60, 1, 0x7f, 1]);
  assert.is(b[15], 0x7f);
  // import section: "env" "memory" memory, flags 3 (shared + max), min 2, max 300 = LEB 0xac 0x02
  const imp = b.indexOf(2, 16);
  assert.equal(b.slice(imp, imp + 19), [2, 17, 1, 3, 0x65, 0x6e, 0x76, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 3, 2, 0xac, 0x02]);
  // the code section ends the module: 1 body of 4 bytes = 0 local runs, local.get 0, end
  assert.equal(b.slice(-8), [10, 6, 1, 4, 0, 0x20, 0, 0x0b]);
});

test('i32.const immediates are signed LEB128 (edge values round-trip through a function)', () => {
  const values = [0, 1, -1, 63, 64, -64, -65, 127, 128, 8191, -8192, 2 ** 31 - 1, -(2 ** 31)];
  const fns = values.map((v, i) => { const f = new Fn(`c${i}`, [], [I32]); f.i32(v); return f; });
  const { exports } = instantiate(fns);
  values.forEach((v, i) => assert.is(exports[`c${i}`]!(), v, `i32.const ${v}`));
});

test('locals, loops and branches: sum of 1..n and a float dot product from memory', () => {
  const sum = new Fn('sum', [I32], [I32]);
  const acc = sum.local(I32);
  sum.block((done) => sum.loop((top) => {
    sum.get(0).i32Eqz().brIf(done);
    sum.get(acc).get(0).i32Add().set(acc);
    sum.get(0).i32(1).i32Sub().set(0);
    sum.br(top);
  }));
  sum.get(acc);
  const dot = new Fn('dot', [I32, I32, I32], [F32]);
  const s = dot.local(F32);
  dot.block((done) => dot.loop((top) => {
    dot.get(2).i32Eqz().brIf(done);
    dot.get(s).get(0).f32Load().get(1).f32Load().f32Mul().f32Add().set(s);
    dot.get(0).i32(4).i32Add().set(0);
    dot.get(1).i32(4).i32Add().set(1);
    dot.get(2).i32(1).i32Sub().set(2);
    dot.br(top);
  }));
  dot.get(s);
  const { exports, memory } = instantiate([sum, dot]);
  assert.is(exports['sum']!(100), 5050);
  const f = new Float32Array(memory.buffer);
  f.set([1, 2, 3], 0); f.set([0.5, -1, 4], 4);
  assert.is(exports['dot']!(0, 16, 3), 0.5 - 2 + 12);
});

test('SIMD: f32x4 load32_splat, mul, add, store; i32x4.shr_s + andnot is ReLU on the bits', () => {
  assert.ok(simdFeatures().simd, 'Node 20 has SIMD128');
  // out[0..4) = a[0..4)·splat(s) + b[0..4); relu[0..4) = max(x, 0) with a set sign bit -> +0
  const axpy = new Fn('axpy', [I32, I32, I32, I32]);
  axpy.get(3).get(0).v128Load().get(1).v128Load32Splat().f32x4Mul().get(2).v128Load().f32x4Add().v128Store();
  const relu = new Fn('relu', [I32, I32]);
  const v = relu.local(V128);
  relu.get(0).v128Load().set(v);
  relu.get(1).get(v).get(v).i32(31).i32x4ShrS().v128AndNot().v128Store();
  const { exports, memory } = instantiate([axpy, relu]);
  const f = new Float32Array(memory.buffer), u = new Uint32Array(memory.buffer);
  f.set([1, -2, 3.5, 0.25], 0); f[4] = 2; f.set([10, 20, 30, 40], 8);
  exports['axpy']!(0, 16, 32, 64);
  assert.equal(Array.from(f.subarray(16, 20)), [12, 16, 37, 40.5]);
  f.set([-1, -0, 5, NaN], 24);
  u[27] = 0xffc00000; // a NaN with the sign bit set
  exports['relu']!(96, 112);
  assert.equal(Array.from(u.subarray(28, 32)), [0, 0, 0x40a00000, 0]);
});

test('feature detection agrees with WebAssembly.validate on a SIMD module', () => {
  const f = new Fn('t', [], [V128]);
  f.v128Const0().v128Const0().f32x4Add();
  assert.is(simdFeatures().simd, WebAssembly.validate(buildModule({ min: 1 }, [f])));
});

test.run();
