// Model-local functions (IR version 8+, ModelProto.functions): a node whose (domain, op_type)
// names a function is replaced by the function body, with its formal inputs/outputs bound to the
// node's blobs, body-internal blobs renamed apart, and `ref_attr_name` attributes taking the
// caller's values (or the function's defaults).

import { ModelFormatError } from '../core/errors.js';
import type { OnnxAttr, OnnxFunction, OnnxGraph, OnnxModel, OnnxNode } from './reader.js';

const MAX_DEPTH = 16;

export function inlineFunctions(model: OnnxModel): OnnxGraph {
  if (!model.functions.length) return model.graph;
  const fns = new Map(model.functions.map((f) => [`${f.domain}::${f.name}`, f]));
  const out: OnnxNode[] = [];
  let counter = 0;

  const expand = (node: OnnxNode, depth: number): void => {
    const fn = fns.get(`${node.domain}::${node.opType}`);
    if (!fn) { out.push(node); return; }
    if (depth > MAX_DEPTH) {
      throw new ModelFormatError(`function '${fn.name}' nests deeper than ${MAX_DEPTH} calls (recursive?)`, { file: model.file, opIndex: node.index, opType: node.opType });
    }
    const prefix = `${node.name || fn.name}#${counter++}/`;
    const rename = new Map<string, string>();
    fn.inputs.forEach((f, i) => rename.set(f, node.inputs[i] ?? ''));
    fn.outputs.forEach((f, i) => rename.set(f, node.outputs[i] ?? ''));
    const bind = (n: string): string => (n === '' ? '' : rename.get(n) ?? `${prefix}${n}`);
    for (const b of fn.nodes) {
      expand({
        index: node.index,
        name: `${prefix}${b.name || b.opType}`,
        opType: b.opType,
        domain: b.domain,
        inputs: b.inputs.map(bind),
        outputs: b.outputs.map(bind),
        attrs: bindAttrs(b, node, fn),
        opset: fn.opsets.get(b.domain) ?? model.opsets.get(b.domain) ?? 1,
      }, depth + 1);
    }
  };
  for (const n of model.graph.nodes) expand(n, 0);
  return { ...model.graph, nodes: out };
}

function bindAttrs(body: OnnxNode, caller: OnnxNode, fn: OnnxFunction): Map<string, OnnxAttr> {
  const m = new Map<string, OnnxAttr>();
  for (const [name, a] of body.attrs) {
    if (!a.refAttrName) { m.set(name, a); continue; }
    const v = caller.attrs.get(a.refAttrName) ?? fn.attributeDefaults.get(a.refAttrName);
    if (v) m.set(name, { ...v, name });
  }
  return m;
}
