/**
 * caffe2-ts: run detectron2's Caffe2 deployment format (model.pb + model_init.pb) in pure
 * TypeScript. This entry point is browser-safe: bytes in, tensors and results out.
 * @packageDocumentation
 */

import { Caffe2Model, type LoadOptions } from './caffe2/model.js';
import { defaultRegistry } from './ops/index.js';

export { Tensor, type ValueInfo } from './core/tensor.js';
export type { DType } from './core/dtype.js';
export * from './core/errors.js';
export { readNpy, writeNpy } from './core/npy.js';
export { Caffe2Model, readMeta, type LoadOptions, type MetaValue } from './caffe2/model.js';
export type { Plan } from './caffe2/planner.js';
export type { RunOptions, OpEvent } from './caffe2/runner.js';
export { decodeNetDef, encodeNetDef, type NetDef, type OperatorDef, type Argument, type TensorProto } from './proto/caffe2.js';
export { OpRegistry } from './ops/registry.js';
export { defaultRegistry, ALL_OPS } from './ops/index.js';

/**
 * Loads a Caffe2 model from the bytes of its predict net (`model.pb`) and init net
 * (`model_init.pb`). Throws an UnsupportedOpsError listing every op the runtime lacks.
 */
export function loadCaffe2Model(predict: Uint8Array, init?: Uint8Array, opts: Partial<LoadOptions> = {}): Caffe2Model {
  return Caffe2Model.fromBytes(predict, init, { registry: defaultRegistry, ...opts });
}
