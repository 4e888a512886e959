// The op registry: every Caffe2 operator this runtime implements, one file each.
// Adding an op is two edits: its file, and one line here.

import { OpRegistry } from './registry.js';
import type { AnyOpDef } from './schema.js';

import ConstantFill from './ConstantFill.js';
import Relu from './Relu.js';
import {
  GivenTensorBoolFill, GivenTensorDoubleFill, GivenTensorFill, GivenTensorInt16Fill, GivenTensorInt64Fill,
  GivenTensorIntFill, GivenTensorStringFill,
} from './GivenTensorFill.js';

export const ALL_OPS: readonly AnyOpDef[] = [
  // fills (init nets)
  ConstantFill,
  GivenTensorFill, GivenTensorDoubleFill, GivenTensorIntFill, GivenTensorInt16Fill, GivenTensorInt64Fill,
  GivenTensorBoolFill, GivenTensorStringFill,
  // activations
  Relu,
];

export const defaultRegistry = new OpRegistry(ALL_OPS);
