// `caffe2-ts ops [--json] [type...]`: every registered op with its inputs, outputs, args and defaults.

import { defaultRegistry } from '../ops/index.js';
import type { AnyOpDef, PortSpec } from '../ops/schema.js';
import { parseArgv } from './args.js';

export const usage = 'caffe2-ts ops [--json] [OpType...]';

function port(p: PortSpec): string {
  return `${p.name}${p.variadic ? '...' : ''}${p.optional ? '?' : ''}`;
}

function fmtDefault(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'bigint') return `=${v}`;
  return `=${JSON.stringify(v)}`;
}

export function describe(d: AnyOpDef): Record<string, unknown> {
  return {
    type: d.type, aliases: d.aliases ?? [], category: d.category, doc: d.doc ?? '',
    inputs: d.inputs.map(port), outputs: d.outputs.map(port),
    args: Object.fromEntries(Object.entries(d.args).map(([k, s]) => [k, {
      kind: s.kind, ...(s.default !== undefined ? { default: typeof s.default === 'bigint' ? String(s.default) : s.default } : {}),
      ...(s.required ? { required: true } : {}), ...(s.allowed ? { allowed: s.allowed } : {}),
    }])),
  };
}

export async function main(argv: string[]): Promise<number> {
  const a = parseArgv(argv, { json: { bool: true } });
  let defs = [...defaultRegistry.defs].sort((x, y) => x.type.localeCompare(y.type));
  if (a.positional.length) defs = defs.filter((d) => a.positional.includes(d.type) || d.aliases?.some((x) => a.positional.includes(x)));
  if (a.bool('json')) { console.log(JSON.stringify(defs.map(describe), null, 2)); return 0; }
  for (const d of defs) {
    const args = Object.entries(d.args).map(([k, s]) => `${k}:${s.kind}${s.required ? '!' : ''}${fmtDefault(s.default)}${s.allowed ? ` {${s.allowed.join('|')}}` : ''}`);
    console.log(`${d.type}${d.aliases?.length ? ` (${d.aliases.join(', ')})` : ''}  [${d.category}]`);
    console.log(`  (${d.inputs.map(port).join(', ')}) -> (${d.outputs.map(port).join(', ')})`);
    if (args.length) console.log(`  args: ${args.join(', ')}`);
  }
  console.log(`${defs.length} ops`);
  return 0;
}
