// Op lookup by Caffe2 type name (and aliases). The registry is a plain value so tests and
// embedders can build their own (e.g. with extra ops) without global state.

import type { AnyOpDef } from './schema.js';

export class OpRegistry {
  private readonly byType = new Map<string, AnyOpDef>();
  readonly defs: readonly AnyOpDef[];

  constructor(defs: readonly AnyOpDef[]) {
    this.defs = defs;
    for (const d of defs) {
      for (const name of [d.type, ...(d.aliases ?? [])]) {
        if (this.byType.has(name)) throw new Error(`op type '${name}' registered twice`);
        this.byType.set(name, d);
      }
    }
  }

  get(type: string): AnyOpDef | undefined { return this.byType.get(type); }
  has(type: string): boolean { return this.byType.has(type); }

  /** A registry with these ops added (replacing same-named ones). */
  with(extra: readonly AnyOpDef[]): OpRegistry {
    const names = new Set(extra.flatMap((d) => [d.type, ...(d.aliases ?? [])]));
    return new OpRegistry([...this.defs.filter((d) => !names.has(d.type)), ...extra]);
  }
}
