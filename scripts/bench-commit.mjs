// Runs benchmarks on one commit exactly, not on the working tree (which others may be editing):
// exports the commit into .build/at-<sha>/tree (git archive), links node_modules, bench/node_modules
// and .cache (weights and converted models are shared; their stamps remake what the code changes),
// builds it, and runs scripts/run-bench.mjs there with the given pattern and arguments.
// usage: node scripts/bench-commit.mjs [--commit REV] <pattern> [args for the bench...]
//   e.g. node scripts/bench-commit.mjs e2e --markdown      node scripts/bench-commit.mjs 'kernels/(gemm|conv)'

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--commit');
const rev = at >= 0 ? args.splice(at, 2)[1] : 'HEAD';
const root = resolve('.');
const sha = execFileSync('git', ['rev-parse', '--short=12', `${rev}^{commit}`], { encoding: 'utf8' }).trim();
const base = join(root, '.build', `at-${sha}`), tree = join(base, 'tree');
if (!existsSync(join(tree, 'package.json'))) {
  mkdirSync(tree, { recursive: true });
  execFileSync('sh', ['-c', 'git archive --format=tar "$1" | tar -x -C "$2"', 'sh', sha, tree], { stdio: 'inherit' });
}
for (const [link, target] of [['node_modules', 'node_modules'], ['bench/node_modules', 'bench/node_modules'], ['.cache', '.cache']]) {
  const p = join(tree, link);
  mkdirSync(join(root, target), { recursive: true });
  if (!existsSync(p)) symlinkSync(join(root, target), p);
}
const out = join(base, 'out');
console.error(`benchmarks at ${sha} (built into ${out})`);
execFileSync('node', ['scripts/embed-proto.mjs'], { cwd: tree, stdio: 'inherit' });
// type errors elsewhere (a test) do not stop the emit; the benches' own files must compile
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--outDir', out, '--tsBuildInfoFile', join(base, 'tsbuildinfo')], { cwd: tree, stdio: 'inherit' });
if (tsc.status !== 0) console.error(`tsc reported errors (exit ${tsc.status}); running what was emitted`);
const shared = process.env['CAFFE2_TS_SHARED'] ?? resolve(root, '..', 'shared');
const r = spawnSync(process.execPath, [join(tree, 'scripts', 'run-bench.mjs'), '--dir', out, ...args], { cwd: tree, stdio: 'inherit', env: { ...process.env, CAFFE2_TS_SHARED: shared, CAFFE2_TS_COMMIT: sha } });
process.exit(r.status ?? 1);
