// readNpy on a Node Buffer that is a view into a larger pool (what readFileSync returns for small
// files): the data must come from the view's own bytes, not from offset 0 of the pool.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readNpy, writeNpy } from '../../src/core/npy.js';
import { Tensor } from '../../src/core/tensor.js';

test('readNpy reads a Buffer view at a nonzero byte offset', () => {
  const bytes = writeNpy(Tensor.from('float32', [2, 2], [1.5, -2, 3, 4]));
  const pool = Buffer.alloc(bytes.length + 24, 0xff);
  pool.set(bytes, 24);
  const view = pool.subarray(24);
  assert.is(view.byteOffset, 24);
  assert.equal(Array.from(readNpy(view).data as Float32Array), [1.5, -2, 3, 4]);
});

test.run();
