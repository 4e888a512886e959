// Tiny single-node ONNX models for the peer runtimes, written with our own protobuf codec:
// Conv (weights and bias as initializers, so peers can prepack them as we do), MatMul and Gemm.

import { encodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';
import type { ConvShape } from '../shapes.js';

const FLOAT = 1, ATTR_INT = 2, ATTR_INTS = 7;

function valueInfo(name: string, dims: readonly number[]): unknown {
  return { name, type: { tensor_type: { elem_type: FLOAT, shape: { dim: dims.map((d) => ({ dim_value: BigInt(d) })) } } } };
}

function initializer(name: string, dims: readonly number[], data: Float32Array): unknown {
  return { name, dims: BigInt64Array.from(dims.map(BigInt)), data_type: FLOAT, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

const ints = (name: string, v: readonly number[]): unknown => ({ name, type: ATTR_INTS, ints: BigInt64Array.from(v.map(BigInt)) });
const int = (name: string, v: number): unknown => ({ name, type: ATTR_INT, i: BigInt(v) });

function model(node: unknown, inputs: unknown[], outputs: unknown[], inits: unknown[], opset = 13): Uint8Array {
  const m = {
    ir_version: 8n, producer_name: 'caffe2-ts bench', opset_import: [{ domain: '', version: BigInt(opset) }],
    graph: { name: 'bench', node: [node], input: inputs, output: outputs, initializer: inits },
  };
  return encodeMessage(onnxSchema().message('onnx.ModelProto'), m as never);
}

export function convModel(s: ConvShape, out: readonly number[], w: Float32Array, b: Float32Array): Uint8Array {
  const node = {
    op_type: s.transpose ? 'ConvTranspose' : 'Conv', input: ['x', 'w', 'b'], output: ['y'],
    attribute: [ints('kernel_shape', [s.k, s.k]), ints('strides', [s.s, s.s]), ints('pads', [s.p, s.p, s.p, s.p]), int('group', 1)],
  };
  const wDims = s.transpose ? [s.C, s.M, s.k, s.k] : [s.M, s.C, s.k, s.k];
  return model(node, [valueInfo('x', [s.N, s.C, s.H, s.W])], [valueInfo('y', out)],
    [initializer('w', wDims, w), initializer('b', [s.M], b)]);
}

/** Y[M, N] = A[M, K]·B[K, N] with B an initializer (a weight), as FCTransposed / Conv 1x1 see it. */
export function matmulModel(M: number, K: number, N: number, b: Float32Array): Uint8Array {
  const node = { op_type: 'MatMul', input: ['a', 'b'], output: ['y'], attribute: [] };
  return model(node, [valueInfo('a', [M, K])], [valueInfo('y', [M, N])], [initializer('b', [K, N], b)]);
}

/** Y = X·Wᵀ + bias with W [N, K] an initializer: Caffe2's FC. */
export function fcModel(M: number, K: number, N: number, w: Float32Array, bias: Float32Array): Uint8Array {
  const node = { op_type: 'Gemm', input: ['x', 'w', 'b'], output: ['y'], attribute: [int('transB', 1)] };
  return model(node, [valueInfo('x', [M, K])], [valueInfo('y', [M, N])], [initializer('w', [N, K], w), initializer('b', [N], bias)]);
}
