// XavierFill (caffe2/operators/filler_op.h): uniform in [-s, s), s = sqrt(3 / fan_in),
// fan_in = numel / dims[0].

import { ShapeError } from '../core/errors.js';
import { fillUniform, randomFill } from './fill_random.js';

export default randomFill({
  type: 'XavierFill',
  doc: 'Uniform random values in [-sqrt(3/fan_in), sqrt(3/fan_in)), fan_in = numel / dims[0].',
  args: {},
  fill(out, shape, _a, rng) {
    if (!shape.length) throw new ShapeError('XavierFill needs a shape of rank >= 1, got []');
    if (!out.length) return;
    // Caffe2 computes fan_in in int and the scale in T = float
    const scale = Math.fround(Math.sqrt(Math.fround(3 / Math.trunc(out.length / shape[0]!))));
    fillUniform(out, -scale, scale, rng);
  },
});
