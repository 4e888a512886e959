// Building tiny nets in tests: one op with JSON-style args, run through the real planner/runner.
import { Tensor } from '../../src/core/tensor.js';
import type { DType } from '../../src/core/dtype.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { defaultRegistry } from '../../src/ops/index.js';
import type { LoadOptions } from '../../src/caffe2/model.js';
import { envLoadOptions } from './variants.js';

export { makeArg, makeNet, makeOp, type JsonArg } from './netdef.js';
import { makeNet, makeOp, type JsonArg } from './netdef.js';

/**
 * Runs one op. `consts` become workspace blobs (known at plan time, like weights);
 * `feeds` are fed at run time. Outputs are returned in op-output order. Kernel variant:
 * `opts`, else CAFFE2_TS_KERNELS (test/helpers/variants.ts), else the library default.
 */
export function runOp(
  type: string, args: Record<string, JsonArg>, feeds: (Tensor | undefined)[], nOut: number, consts: boolean[] = [],
  opts: Partial<LoadOptions> = envLoadOptions(),
): Tensor[] {
  const inNames = feeds.map((_, i) => `in${i}`);
  const outNames = Array.from({ length: nOut }, (_, i) => `out${i}`);
  const op = makeOp(type, inNames.filter((_, i) => feeds[i]), outNames, args);
  const feedMap = new Map<string, Tensor>();
  const weights = new Map<string, Tensor>();
  feeds.forEach((t, i) => {
    if (t) (consts[i] ? weights : feedMap).set(inNames[i]!, t);
  });
  const model = new Caffe2Model(makeNet([op], inNames.filter((_, i) => feeds[i]), outNames), undefined, { ...opts, registry: defaultRegistry, poison: true, weights });
  const out = model.run(feedMap);
  return outNames.map((n) => out.get(n)!);
}

export function tensorFromJson(j: { dims: number[]; type?: string; data: (number | string)[] }): Tensor {
  const dtype = (j.type ?? 'float32') as DType;
  const vals = j.data.map((x) => (typeof x === 'string' && dtype !== 'int64' ? Number(x === 'NaN' ? NaN : x) : x));
  return Tensor.from(dtype as Exclude<DType, 'string'>, j.dims, dtype === 'int64' ? vals.map((x) => BigInt(x)) : vals.map(Number));
}
