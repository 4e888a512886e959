// Sigmoid/Tanh/Exp/Log split in ranges over the engine's threads give exactly the one-thread
// kernel's values, for sizes around the task boundaries, in place or not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PARALLEL_UNARY, unaryExec } from '../../kernels/unary_parallel.js';
import { seed, seededFloats } from '../helpers/arb.js';
import { freeHeap, fromHeap, kernelVariants, toHeap } from '../helpers/variants.js';

for (const v of kernelVariants().filter((x) => x.exec && x.exec.threads > 1)) {
  test(`property [${v.name}]: unary maps split by ranges == one thread, bit for bit`, () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: PARALLEL_UNARY.length - 1 }), fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 4090, max: 20000 })), fc.boolean(), seed,
      (k, n, inPlace, s) => {
        const x = seededFloats(n, s, -30, 30);
        if (k === 3) for (let i = 0; i < n; i++) x[i] = Math.abs(x[i]!); // Log: mostly positive, some zeros
        const want = new Float32Array(n);
        PARALLEL_UNARY[k]!(want, x);
        const hx = toHeap(x), hy = inPlace ? hx : toHeap(new Float32Array(n).fill(NaN));
        unaryExec(v.exec!, k, hy, hx, n);
        const got = fromHeap(hy, n);
        freeHeap([hx, n], ...(inPlace ? [] : [[hy, n] as [number, number]]));
        assert.ok(got.every((g, i) => Object.is(g, want[i])), `kernel ${k}, n ${n}`);
      }), { numRuns: 100 });
  });
}

test.run();
