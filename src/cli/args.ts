// A small command-line parser: positionals, --flag value, --flag=value, repeated flags, booleans.

import { InputError } from '../core/errors.js';

export interface FlagSpec {
  /** Takes no value. */
  bool?: boolean;
  /** May be given several times (values collected). */
  multi?: boolean;
  short?: string;
}

export interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
  bool(name: string): boolean;
  str(name: string): string | undefined;
  all(name: string): string[];
  num(name: string): number | undefined;
}

export function parseArgv(argv: readonly string[], spec: Record<string, FlagSpec>): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  const shorts = new Map(Object.entries(spec).filter(([, s]) => s.short).map(([k, s]) => [s.short!, k]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    let name: string | undefined, value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) value = a.slice(eq + 1);
    } else if (/^-[a-zA-Z]$/.test(a)) {
      name = shorts.get(a.slice(1));
      if (!name) throw new InputError(`unknown option ${a}`);
    } else { positional.push(a); continue; }
    const s = spec[name];
    if (!s) throw new InputError(`unknown option --${name} (known: ${Object.keys(spec).map((k) => `--${k}`).join(', ')})`);
    if (s.bool) {
      if (value !== undefined && !/^(true|false|1|0)$/.test(value)) throw new InputError(`--${name} takes no value`);
      value = value === undefined || value === 'true' || value === '1' ? 'true' : 'false';
    } else if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new InputError(`--${name} needs a value`);
    }
    const l = flags.get(name);
    if (l && !s.multi && !s.bool) throw new InputError(`--${name} given twice`);
    if (l) l.push(value); else flags.set(name, [value]);
  }
  return {
    positional, flags,
    bool: (n) => flags.get(n)?.at(-1) === 'true',
    str: (n) => flags.get(n)?.at(-1),
    all: (n) => flags.get(n) ?? [],
    num: (n) => {
      const v = flags.get(n)?.at(-1);
      if (v === undefined) return undefined;
      const x = Number(v);
      if (!Number.isFinite(x)) throw new InputError(`--${n} expects a number, got '${v}'`);
      return x;
    },
  };
}
