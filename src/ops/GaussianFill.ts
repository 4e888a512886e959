// GaussianFill (caffe2/operators/filler_op.h): float32 values from N(mean, std^2).

import { ArgError } from '../core/errors.js';
import { fillGaussian, randomFill } from './fill_random.js';
import { arg } from './schema.js';

export default randomFill({
  type: 'GaussianFill',
  doc: 'Normal random values with `mean` and `std` (seeded per op; not Caffe2\'s stream).',
  args: { mean: arg.float(0), std: arg.float(1) },
  check(a) { if (!(a.std >= 0)) throw new ArgError(`std must be >= 0, got ${a.std}`, { arg: 'std' }); },
  fill(out, _shape, a, rng) { fillGaussian(out, a.mean, a.std, rng); },
});
