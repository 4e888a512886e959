// Caffe2 messages as plain objects (field names as in proto/caffe2.proto), and their binary I/O.
// Absent singular fields are undefined; repeated fields are always present (maybe empty).

import { decodeMessage, encodeMessage, type DecodeOptions, type Message } from './codec.js';
import { caffe2Schema } from './schema.js';

export interface DeviceOption {
  device_type?: number;
  device_id?: number;
  random_seed?: number;
  node_name?: string;
  numa_node_id?: number;
  extra_info: string[];
}

export interface TensorProto {
  dims: BigInt64Array;
  data_type?: number;
  data_format?: number;
  float_data: Float32Array;
  int32_data: Int32Array;
  byte_data?: Uint8Array;
  string_data: Uint8Array[];
  double_data: Float64Array;
  int64_data: BigInt64Array;
  raw_data?: Uint8Array;
  name?: string;
  device_detail?: DeviceOption;
  segment?: { begin?: bigint; end?: bigint };
}

export interface QTensorProto {
  dims: BigInt64Array;
  precision?: number;
  scale?: number;
  bias?: number;
  is_signed?: boolean;
  data: Int32Array;
  name?: string;
  data_type?: number;
  scales: Float64Array;
  biases: Float64Array;
  axis?: number;
  is_multiparam?: boolean;
}

export interface Argument {
  name?: string;
  f?: number;
  i?: bigint;
  s?: Uint8Array;
  t?: TensorProto;
  n?: NetDef;
  floats: Float32Array;
  ints: BigInt64Array;
  strings: Uint8Array[];
  tensors: TensorProto[];
  nets: NetDef[];
  qtensors: QTensorProto[];
}

export interface OperatorDef {
  input: string[];
  output: string[];
  name?: string;
  type?: string;
  arg: Argument[];
  device_option?: DeviceOption;
  engine?: string;
  control_input: string[];
  is_gradient_op?: boolean;
  debug_info?: string;
  domain?: string;
  op_version?: bigint;
}

export interface PartitionInfo {
  name?: string;
  device_id: Int32Array;
  extra_info?: string;
  backend_options: { backend_name?: string; option: { key?: string; val?: string }[] }[];
}

export interface NetDef {
  name?: string;
  op: OperatorDef[];
  type?: string;
  num_workers?: number;
  device_option?: DeviceOption;
  arg: Argument[];
  external_input: string[];
  external_output: string[];
  partition_info: PartitionInfo[];
}

export type Caffe2MessageName =
  | 'NetDef' | 'OperatorDef' | 'Argument' | 'TensorProto' | 'TensorProtos' | 'DeviceOption' | 'QTensorProto'
  | 'TensorShape' | 'TensorShapes' | 'BlobProto' | 'PartitionInfo';

export function caffe2Message(name: Caffe2MessageName) { return caffe2Schema().message(`caffe2.${name}`); }

export function decodeNetDef(bytes: Uint8Array, opts: DecodeOptions = {}): NetDef {
  return decodeMessage<NetDef>(caffe2Message('NetDef'), bytes, opts);
}

export function encodeNetDef(net: NetDef): Uint8Array {
  return encodeMessage(caffe2Message('NetDef'), net as unknown as Message);
}

export function decodeTensorProtos(bytes: Uint8Array, opts: DecodeOptions = {}): { protos: TensorProto[] } {
  return decodeMessage(caffe2Message('TensorProtos'), bytes, opts);
}

export function encodeTensorProtos(t: { protos: TensorProto[] }): Uint8Array {
  return encodeMessage(caffe2Message('TensorProtos'), t as unknown as Message);
}

/** An empty message of the given type, with every repeated field present. */
export function emptyMessage<T>(name: Caffe2MessageName, init: Partial<T> = {}): T {
  const m: Record<string, unknown> = {};
  for (const f of caffe2Message(name).fields) {
    if (!f.repeated) continue;
    m[f.name] = f.kind === 'message' || f.kind === 'string' || f.kind === 'bytes' ? [] : emptyTyped(f.kind);
  }
  return { ...m, ...init } as T;
}

function emptyTyped(kind: string): ArrayLike<unknown> {
  switch (kind) {
    case 'float': return new Float32Array(0);
    case 'double': return new Float64Array(0);
    case 'int64': case 'sint64': case 'sfixed64': return new BigInt64Array(0);
    case 'uint64': case 'fixed64': return new BigUint64Array(0);
    case 'uint32': case 'fixed32': return new Uint32Array(0);
    case 'bool': return new Uint8Array(0);
    default: return new Int32Array(0);
  }
}
