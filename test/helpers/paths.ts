// Where test data lives: fixtures in the repo, and the shared golden data when present.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = process.cwd();
export const FIXTURES = resolve(ROOT, 'test/fixtures');

/** The shared data folder (../shared or CAFFE2_TS_SHARED), or undefined when absent. */
export function sharedDir(): string | undefined {
  const cands = [process.env['CAFFE2_TS_SHARED'], resolve(ROOT, '../shared'), '/work/shared'].filter((x): x is string => !!x);
  return cands.find((c) => existsSync(resolve(c, 'golden')));
}

export function fixture(...parts: string[]): string {
  return resolve(FIXTURES, ...parts);
}
