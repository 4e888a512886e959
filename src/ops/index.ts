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
import Elu from './Elu.js';
import PRelu from './PRelu.js';
import Selu from './Selu.js';
import Softplus from './Softplus.js';
import Softsign from './Softsign.js';
import Floor from './Floor.js';
import Assert from './Assert.js';
import MaxPoolWithIndex from './MaxPoolWithIndex.js';
import AveragePool from './AveragePool.js';
import BatchMatMul from './BatchMatMul.js';
import Conv from './Conv.js';
import ConvTranspose from './ConvTranspose.js';
import FC from './FC.js';
import FCTransposed from './FCTransposed.js';
import MatMul from './MatMul.js';
import MaxPool from './MaxPool.js';
import Abs from './Abs.js';
import Add from './Add.js';
import AffineChannel from './AffineChannel.js';
import And from './And.js';
import ArgMax from './ArgMax.js';
import ArgMin from './ArgMin.js';
import Clip from './Clip.js';
import Div from './Div.js';
import Dropout from './Dropout.js';
import EQ from './EQ.js';
import Exp from './Exp.js';
import Sin from './Sin.js';
import Cos from './Cos.js';
import Tan from './Tan.js';
import Asin from './Asin.js';
import Acos from './Acos.js';
import Atan from './Atan.js';
import Ceil from './Ceil.js';
import Sign from './Sign.js';
import Erf from './Erf.js';
import Size from './Size.js';
import GE from './GE.js';
import GT from './GT.js';
import GroupNorm from './GroupNorm.js';
import InstanceNorm from './InstanceNorm.js';
import LE from './LE.js';
import LT from './LT.js';
import LayerNorm from './LayerNorm.js';
import LeakyRelu from './LeakyRelu.js';
import Log from './Log.js';
import Max from './Max.js';
import Min from './Min.js';
import Mul from './Mul.js';
import NE from './NE.js';
import Negative from './Negative.js';
import Not from './Not.js';
import Or from './Or.js';
import Pow from './Pow.js';
import ReduceBackMean from './ReduceBackMean.js';
import ReduceBackSum from './ReduceBackSum.js';
import ReduceFrontMean from './ReduceFrontMean.js';
import ReduceFrontSum from './ReduceFrontSum.js';
import ReduceMax from './ReduceMax.js';
import ReduceMean from './ReduceMean.js';
import ReduceMin from './ReduceMin.js';
import ReduceSum from './ReduceSum.js';
import ResizeNearest from './ResizeNearest.js';
import Scale from './Scale.js';
import Sigmoid from './Sigmoid.js';
import Softmax from './Softmax.js';
import SpatialBN from './SpatialBN.js';
import Sqrt from './Sqrt.js';
import Sub from './Sub.js';
import Sum from './Sum.js';
import Tanh from './Tanh.js';
import TopK from './TopK.js';
import UpsampleBilinear from './UpsampleBilinear.js';
import UpsampleNearest from './UpsampleNearest.js';
import Xor from './Xor.js';
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
import RoIAlign from './RoIAlign.js';
import RoIAlignRotated from './RoIAlignRotated.js';
import BatchPermutation from './BatchPermutation.js';
import HeatmapMaxKeypoint from './HeatmapMaxKeypoint.js';
import {
  GivenTensorBoolFill, GivenTensorDoubleFill, GivenTensorFill, GivenTensorInt16Fill, GivenTensorInt64Fill,
  GivenTensorIntFill, GivenTensorStringFill,
} from './GivenTensorFill.js';

export const ALL_OPS: readonly AnyOpDef[] = [
  // dense layers: convolution, pooling, matrix products
  Conv, ConvTranspose, MaxPool, MaxPoolWithIndex, AveragePool, FC, FCTransposed, MatMul, BatchMatMul,
  // fills (init nets)
  ConstantFill,
  GivenTensorFill, GivenTensorDoubleFill, GivenTensorIntFill, GivenTensorInt16Fill, GivenTensorInt64Fill,
  GivenTensorBoolFill, GivenTensorStringFill, GivenTensorFp16Fill, GivenTensorByteStringToUInt8Fill,
  GaussianFill, UniformFill, UniformIntFill, XavierFill, MSRAFill, RangeFill, LengthsRangeFill,
  // activations and elementwise math
  Relu, LeakyRelu, PRelu, Elu, Selu, Softplus, Softsign, Sigmoid, Tanh, Softmax, Exp, Log, Sqrt, Abs, Negative, Floor, Clip, Pow, Scale, Dropout,
  Sin, Cos, Tan, Asin, Acos, Atan, Ceil, Sign, Erf,
  Add, Sub, Mul, Div, Sum, Max, Min, EQ, NE, LT, LE, GT, GE, And, Or, Xor, Not,
  // reductions
  ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceFrontSum, ReduceBackSum, ReduceFrontMean, ReduceBackMean,
  ArgMax, ArgMin, TopK,
  // normalisation and resizing
  SpatialBN, AffineChannel, GroupNorm, InstanceNorm, LayerNorm, ResizeNearest, UpsampleNearest, UpsampleBilinear,
  // shape and tensor ops
  Reshape, Flatten, FlattenToVec, Squeeze, ExpandDims, Transpose, Concat, Split, Slice, Shape, Size, Gather, BatchGather,
  Cast, Range, ScatterAssign, Conditional, PadImage, NumpyTile,
  Copy, Alias, AliasWithName, EnsureCPUOutput, CopyGPUToCPU, CopyCPUToGPU, Assert,
  // detection
  GenerateProposals, BBoxTransform, BoxWithNMSLimit, CollectRpnProposals, DistributeFpnProposals, CollectAndDistributeFpnRpnProposals, RoIAlign, RoIAlignRotated, BatchPermutation, HeatmapMaxKeypoint,
];

export const defaultRegistry = new OpRegistry(ALL_OPS);
