// The op registry: every Caffe2 operator this runtime implements, one file each.
// Adding an op is two edits: its file, and one line here.

import { OpRegistry } from './registry.js';
import type { AnyOpDef } from './schema.js';

import ConstantFill from './ConstantFill.js';
import GaussianFill from './GaussianFill.js';
import GivenTensorByteStringToUInt8Fill from './GivenTensorByteStringToUInt8Fill.js';
import GivenTensorFp16Fill from './GivenTensorFp16Fill.js';
import LengthsRangeFill from './LengthsRangeFill.js';
import MSRAFill from './MSRAFill.js';
import RangeFill from './RangeFill.js';
import UniformFill from './UniformFill.js';
import UniformIntFill from './UniformIntFill.js';
import XavierFill from './XavierFill.js';
import Relu from './Relu.js';
import {
  GivenTensorBoolFill, GivenTensorDoubleFill, GivenTensorFill, GivenTensorInt16Fill, GivenTensorInt64Fill,
  GivenTensorIntFill, GivenTensorStringFill,
} from './GivenTensorFill.js';

export const ALL_OPS: readonly AnyOpDef[] = [
  // fills (init nets)
  ConstantFill,
  GivenTensorFill, GivenTensorDoubleFill, GivenTensorIntFill, GivenTensorInt16Fill, GivenTensorInt64Fill,
  GivenTensorBoolFill, GivenTensorStringFill, GivenTensorFp16Fill, GivenTensorByteStringToUInt8Fill,
  GaussianFill, UniformFill, UniformIntFill, XavierFill, MSRAFill, RangeFill, LengthsRangeFill,
  // activations
  Relu,
];

export const defaultRegistry = new OpRegistry(ALL_OPS);
