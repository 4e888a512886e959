// The ONNX backend node tests of ../shared/external/onnx-node-tests (Apache-2.0, see its LICENSE)
// as fixed vectors for the dense ops: one-node models, their inputs and expected outputs. Each
// node is mapped to its Caffe2 op the way Caffe2's ONNX backend does (kernel_shape -> kernels,
// output_padding -> adjs, MatMul -> BatchMatMul broadcast=1, Gemm -> FC / FCTransposed) and run
// through the real planner and runner; cases whose ONNX meaning Caffe2 cannot express must fail
// with the named error.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/core/tensor.js';
import { decodeMessage } from '../../src/proto/codec.js';
import { onnxSchema } from '../../src/proto/schema.js';
import { closeTensors, TOL } from '../helpers/close.js';
import { runOp, type JsonArg } from '../helpers/net.js';
import { sharedDir } from '../helpers/paths.js';

interface OTensor { dims: BigInt64Array; data_type?: number; float_data: Float32Array; raw_data?: Uint8Array; name?: string }
interface OAttr { name?: string; f?: number; i?: bigint; s?: Uint8Array; floats: Float32Array; ints: BigInt64Array }
interface ONode { op_type?: string; input: string[]; output: string[]; attribute: OAttr[] }
interface OModel { graph: { node: ONode[]; initializer: OTensor[]; input: { name?: string }[] } }

export interface NodeVector {
  name: string;
  opType: string;
  attrs: Map<string, number | number[] | string>;
  /** Node inputs in order; initializers are marked const (known at plan time, like weights). */
  inputs: { t: Tensor; isConst: boolean }[];
  output: Tensor;
}

function tensorOf(p: OTensor): Tensor {
  const dims = Array.from(p.dims, Number);
  if ((p.data_type ?? 1) !== 1) throw new Error(`tensor '${p.name}': only float32 test data is read (data_type ${p.data_type})`);
  let data = p.float_data;
  // copy first: a Node Buffer view may sit at any offset of a shared pool
  if (p.raw_data?.length) data = new Float32Array(new Uint8Array(p.raw_data).buffer);
  return new Tensor('float32', dims, Float32Array.from(data));
}

function attrValue(a: OAttr): number | number[] | string {
  if (a.ints.length) return Array.from(a.ints, Number);
  if (a.floats.length) return Array.from(a.floats);
  if (a.s !== undefined) return new TextDecoder().decode(a.s);
  if (a.i !== undefined) return Number(a.i);
  return a.f ?? 0;
}

const ROOT = (): string | undefined => {
  const s = sharedDir();
  return s && existsSync(join(s, 'external/onnx-node-tests')) ? join(s, 'external/onnx-node-tests') : undefined;
};

/** Single-node tests whose node type is one of `types`, from the node and pytorch-converted suites. */
export function nodeVectors(types: readonly string[]): NodeVector[] {
  const root = ROOT();
  if (!root) return [];
  const M = onnxSchema().message('onnx.ModelProto');
  const out: NodeVector[] = [];
  for (const suite of ['node', 'pytorch-converted', 'pytorch-operator']) {
    for (const name of readdirSync(join(root, suite)).sort()) {
      const dir = join(root, suite, name);
      if (!existsSync(join(dir, 'test_data_set_0'))) continue;
      const m = decodeMessage<OModel>(M, readFileSync(join(dir, 'model.onnx')));
      if (m.graph.node.length !== 1 || !types.includes(m.graph.node[0]!.op_type ?? '')) continue;
      const node = m.graph.node[0]!;
      if (node.output.length !== 1) continue;
      const inits = new Map(m.graph.initializer.map((t) => [t.name ?? '', t]));
      const fed = m.graph.input.map((i) => i.name ?? '').filter((n) => !inits.has(n));
      const T = onnxSchema().message('onnx.TensorProto');
      const read = (f: string): Tensor => tensorOf(decodeMessage<OTensor>(T, readFileSync(join(dir, 'test_data_set_0', f))));
      let inputs: NodeVector['inputs'], output: Tensor;
      try {
        inputs = node.input.filter(Boolean).map((n) => {
          const init = inits.get(n);
          return init ? { t: tensorOf(init), isConst: true } : { t: read(`input_${fed.indexOf(n)}.pb`), isConst: false };
        });
        output = read('output_0.pb');
      } catch {
        continue; // non-float test data (e.g. maxpool_2d_uint8): not a float32 kernel case
      }
      out.push({ name: `${suite}/${name}`, opType: node.op_type!, inputs, output, attrs: new Map(node.attribute.map((a) => [a.name ?? '', attrValue(a)])) });
    }
  }
  return out;
}

/**
 * The Caffe2 op and args Caffe2's ONNX backend makes of a conv/pool/matmul node (caffe2-ops.md
 * §4.3-4.5), or null for a Gemm that does not lower to FC (alpha, beta, transA, or a matrix C).
 */
export function caffe2Of(v: NodeVector): { type: string; args: Record<string, JsonArg>; inputs: NodeVector['inputs'] } | null {
  if (v.opType === 'MatMul') return { type: 'BatchMatMul', args: { broadcast: 1 }, inputs: v.inputs };
  if (v.opType === 'Gemm') {
    const a = (k: string, d: number): number => (v.attrs.get(k) as number | undefined) ?? d;
    const c = v.inputs[2]?.t;
    const n = v.output.shape[1]!;
    if (a('alpha', 1) !== 1 || a('beta', 1) !== 1 || a('transA', 0) !== 0 || !c || c.size !== n) return null;
    const inputs = [v.inputs[0]!, v.inputs[1]!, { t: c.reshape([n]), isConst: v.inputs[2]!.isConst }];
    return { type: a('transB', 0) ? 'FC' : 'FCTransposed', args: {}, inputs };
  }
  const args: Record<string, JsonArg> = {};
  for (const [k, val] of v.attrs) args[k === 'kernel_shape' ? 'kernels' : k === 'output_padding' ? 'adjs' : k] = val as JsonArg;
  return { type: v.opType, args, inputs: v.inputs };
}

/**
 * Registers one uvu test per vector of `types`: the Caffe2 op's output must match the ONNX
 * output (TOL.conv), or, for names in `errors`, running must fail with that message fragment.
 * `shapes` lists vectors where Caffe2's output shape differs by design (same values).
 * Returns how many vectors were registered (0 when ../shared is absent); unmappable Gemms are left out.
 */
export function registerVectors(
  t: (name: string, fn: () => void) => void, types: readonly string[],
  errors: Readonly<Record<string, string>>, shapes: Readonly<Record<string, number[]>> = {},
): number {
  let n = 0;
  for (const v of nodeVectors(types)) {
    const short = v.name.split('/')[1]!;
    const c = caffe2Of(v);
    if (!c) continue; // Gemm forms that lower to MatMul + Add are the lowering's business
    n++;
    t(`onnx vector ${v.name}`, () => {
      const feeds = c.inputs.map((i) => i.t), consts = c.inputs.map((i) => i.isConst);
      const want = errors[short];
      let got: Tensor | undefined, msg = '';
      try { got = runOp(c.type, c.args, feeds, 1, consts)[0]; } catch (e) { msg = (e as Error).message; }
      if (want !== undefined) {
        if (!msg.includes(want)) throw new Error(`${c.type} ${JSON.stringify(c.args)}: expected an error containing ${JSON.stringify(want)}, got ${msg ? JSON.stringify(msg) : 'a result'}`);
        return;
      }
      if (!got) throw new Error(`${c.type} ${JSON.stringify(c.args)}: ${msg}`);
      const ref = shapes[short] ? v.output.reshape(shapes[short]!) : v.output;
      const bad = closeTensors(got, ref, TOL.conv);
      if (bad) throw new Error(`${c.type} ${JSON.stringify(c.args)}: ${bad}`);
    });
  }
  return n;
}
