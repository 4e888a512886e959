// Runs the compiled benchmarks (bench/**/*.bench.js) one after another, each in its own Node
// process so one's heap does not skew the next.
// usage: node scripts/run-bench.mjs [pattern] [--dir BUILD_DIR] [args for the bench...]
//   e.g. `npm run bench -- load`, `node scripts/run-bench.mjs e2e --quick` (arguments after the
//   pattern go to every matching bench)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--dir');
const root = at >= 0 ? args.splice(at, 2)[1] : 'dist';
const pattern = new RegExp(args[0] ?? '.');
const forward = args.slice(1);
const dir = join(root, 'bench');
if (!existsSync(dir)) { console.error(`${dir} is missing: run \`npm run build\` first`); process.exit(1); }
const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? (f === 'node_modules' ? [] : walk(join(d, f))) : [join(d, f)]));
// the pattern matches the path under bench/ (e.g. `load`, `kernels/conv`), not the build dir
const files = walk(dir).filter((f) => f.endsWith('.bench.js') && pattern.test(relative(dir, f))).sort();
if (!files.length) { console.error(`no benchmark matches ${pattern}`); process.exit(1); }
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', f, ...forward], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
