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
import Alias from './Alias.js';
import AliasWithName from './AliasWithName.js';
import BatchGather from './BatchGather.js';
import Cast from './Cast.js';
import Concat from './Concat.js';
import Conditional from './Conditional.js';
import Copy from './Copy.js';
import CopyCPUToGPU from './CopyCPUToGPU.js';
import CopyGPUToCPU from './CopyGPUToCPU.js';
import EnsureCPUOutput from './EnsureCPUOutput.js';
import ExpandDims from './ExpandDims.js';
import Flatten from './Flatten.js';
import FlattenToVec from './FlattenToVec.js';
import Gather from './Gather.js';
import NumpyTile from './NumpyTile.js';
import PadImage from './PadImage.js';
import Range from './Range.js';
import Reshape from './Reshape.js';
import ScatterAssign from './ScatterAssign.js';
import Shape from './Shape.js';
import Slice from './Slice.js';
import Split from './Split.js';
import Squeeze from './Squeeze.js';
import Transpose from './Transpose.js';
import GenerateProposals from './GenerateProposals.js';
import BBoxTransform from './BBoxTransform.js';
import BoxWithNMSLimit from './BoxWithNMSLimit.js';
import CollectRpnProposals from './CollectRpnProposals.js';
import DistributeFpnProposals from './DistributeFpnProposals.js';
import CollectAndDistributeFpnRpnProposals from './CollectAndDistributeFpnRpnProposals.js';
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
  // shape and tensor ops
  Reshape, Flatten, FlattenToVec, Squeeze, ExpandDims, Transpose, Concat, Split, Slice, Shape, Gather, BatchGather,
  Cast, Range, ScatterAssign, Conditional, PadImage, NumpyTile,
  Copy, Alias, AliasWithName, EnsureCPUOutput, CopyGPUToCPU, CopyCPUToGPU,
  // detection
  GenerateProposals, BBoxTransform, BoxWithNMSLimit, CollectRpnProposals, DistributeFpnProposals, CollectAndDistributeFpnRpnProposals,
];

export const defaultRegistry = new OpRegistry(ALL_OPS);
