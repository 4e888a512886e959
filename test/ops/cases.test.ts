// Data-driven op cases: every test/ops/cases/<OpType>.json runs through plan + run.
// Case format (after ORT's js/web/test/data/ops):
//   { "op": "Relu", "cases": [ { "title": "...", "args": {...},
//       "inputs": [{"dims": [2], "type": "float32", "data": [..], "const": false}],
//       "outputs": [{"dims": [2], "type": "float32", "data": [..]}] | null per output,
//       "tol": "elementwise" | {"atol": .., "rtol": ..}, "error": "substring of the message" } ] }
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { closeTensors, TOL, type Tol } from '../helpers/close.js';
import { runOp, tensorFromJson, type JsonArg } from '../helpers/net.js';

interface JTensor { dims: number[]; type?: string; data: (number | string)[]; const?: boolean }
interface Case {
  title: string; args?: Record<string, JsonArg>; inputs: (JTensor | null)[]; outputs?: (JTensor | null)[];
  nOutputs?: number; tol?: keyof typeof TOL | Tol; error?: string;
}

const dir = 'test/ops/cases';
for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const spec = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as { op: string; cases: Case[] };
  for (const c of spec.cases) {
    test(`${spec.op}: ${c.title}`, () => {
      const feeds = c.inputs.map((j) => (j ? tensorFromJson(j) : undefined));
      const consts = c.inputs.map((j) => !!j?.const);
      const nOut = c.nOutputs ?? c.outputs?.length ?? 1;
      if (c.error) {
        let msg = '';
        try { runOp(spec.op, c.args ?? {}, feeds, nOut, consts); } catch (e) { msg = (e as Error).message; }
        assert.ok(msg.includes(c.error), `expected an error containing ${JSON.stringify(c.error)}, got ${JSON.stringify(msg)}`);
        return;
      }
      const outs = runOp(spec.op, c.args ?? {}, feeds, nOut, consts);
      const tol: Tol = typeof c.tol === 'string' ? TOL[c.tol] : c.tol ?? TOL.elementwise;
      (c.outputs ?? []).forEach((want, i) => {
        if (!want) return;
        const msg = closeTensors(outs[i]!, tensorFromJson(want), tol);
        assert.not.ok(msg, `output ${i}: ${msg}`);
      });
    });
  }
}

test.run();
