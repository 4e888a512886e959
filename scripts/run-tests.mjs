// Runs every compiled test file under dist/test with uvu and ends with one line
// "N passed, N failed" (CI reads that line; uvu's own summary is printed above it).
// usage: node scripts/run-tests.mjs [pattern]   e.g. `node scripts/run-tests.mjs golden`
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('dist/test')) {
  console.error('dist/test is missing: run `npm run build` first');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const pattern = process.argv[2] ?? '\\.test\\.js$';
const r = spawnSync(process.execPath, ['node_modules/uvu/bin.js', 'dist/test', pattern], {
  encoding: 'utf8', stdio: ['inherit', 'pipe', 'inherit'], maxBuffer: 1 << 28,
});
process.stdout.write(r.stdout ?? '');
const plain = (r.stdout ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const num = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? NaN);
const total = num('Total'), passed = num('Passed'), skipped = num('Skipped') || 0;
if (!Number.isFinite(total) || !Number.isFinite(passed)) {
  console.log(`0 passed, 1 failed${r.status ? ` (uvu exited with ${r.status} before its summary)` : ''}`);
  process.exit(1);
}
const failed = total - passed - skipped + (r.status && total === passed + skipped ? 1 : 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
