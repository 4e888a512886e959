// MSRAFill (caffe2/operators/filler_op.h, latest): normal with mean 0 and
// std = sqrt(2 / fan_out), fan_out = numel / dims[1].

import { ShapeError } from '../core/errors.js';
import { fillGaussian, randomFill } from './fill_random.js';

export default randomFill({
  type: 'MSRAFill',
  doc: 'Normal random values with std sqrt(2/fan_out), fan_out = numel / dims[1].',
  args: {},
  fill(out, shape, _a, rng) {
    if (shape.length < 2) throw new ShapeError(`MSRAFill needs a shape of rank >= 2, got [${shape.join(', ')}]`);
    if (!out.length) return;
    const scale = Math.fround(Math.sqrt(Math.fround(2 / Math.trunc(out.length / shape[1]!))));
    fillGaussian(out, 0, scale, rng);
  },
});
