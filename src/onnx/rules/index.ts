// The lowering table: ONNX op type -> rules keyed by opset range ('7+', '6-8', '13'), after
// onnxjs's opset selectors. `_caffe2` custom-domain nodes pass through by name (their
// attributes are Caffe2 args already); `ATen` nodes pass through for the detectron2 fixes.

import type { RuleCtx } from '../context.js';
import { attrToArg } from '../context.js';
import { CONV_POOL_RULES } from './conv_pool.js';
import { GATHER_RULES } from './gather.js';
import { NMS_RULES } from './nms.js';
import { MATH_RULES } from './math.js';
import { NN_RULES } from './nn.js';
import { RESIZE_RULES } from './resize.js';
import { SHAPE_RULES } from './shape.js';
import { TENSOR_RULES } from './tensor.js';

export type Rule = (c: RuleCtx) => void;
/** opset range ('1+', '7-8', '13') -> rule. */
export type RuleSet = Readonly<Record<string, Rule>>;

export const ONNX_RULES: Readonly<Record<string, RuleSet>> = {
  ...CONV_POOL_RULES, ...MATH_RULES, ...NN_RULES, ...SHAPE_RULES, ...TENSOR_RULES, ...GATHER_RULES, ...NMS_RULES, ...RESIZE_RULES,
};

function inRange(range: string, opset: number): boolean {
  const m = /^(\d+)(?:(\+)|-(\d+))?$/.exec(range);
  if (!m) throw new Error(`internal: bad opset range '${range}'`);
  const lo = Number(m[1]);
  if (m[2]) return opset >= lo;
  const hi = m[3] ? Number(m[3]) : lo;
  return opset >= lo && opset <= hi;
}

/** Domains whose nodes are Caffe2 ops already (torch's exporter writes `org.pytorch._caffe2`). */
export function isCaffe2Domain(domain: string): boolean {
  return /(^|\.)_?caffe2$/.test(domain);
}

/** A Caffe2 op exported into ONNX: same type, inputs, outputs; attributes become args verbatim. */
const passThrough: Rule = (c) => {
  const args: Record<string, ReturnType<typeof attrToArg>> = {};
  for (const a of c.node.attrs.values()) args[a.name] = attrToArg(a, { ...c.where, arg: a.name });
  c.emit(c.node.opType, c.node.inputs.filter((x) => x), c.node.outputs.filter((x) => x), args);
};

/** The rule for a node, or undefined when none applies. */
export function findRule(domain: string, opType: string, opset: number): Rule | undefined {
  if (isCaffe2Domain(domain)) return passThrough;
  if (opType === 'ATen' && (domain === '' || domain === 'org.pytorch.aten')) return passThrough;
  if (domain !== '') return undefined;
  const set = ONNX_RULES[opType];
  if (!set) return undefined;
  for (const [range, rule] of Object.entries(set)) if (inRange(range, opset)) return rule;
  return undefined;
}

/** Every ONNX op type with a rule, and its opset ranges (for `caffe2-ts ops` and docs). */
export function ruleTable(): { op: string; ranges: string[] }[] {
  return Object.entries(ONNX_RULES).map(([op, set]) => ({ op, ranges: Object.keys(set) })).sort((a, b) => a.op.localeCompare(b.op));
}
