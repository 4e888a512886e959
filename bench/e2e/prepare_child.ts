// Runs the preparation (prepare.ts) in its own process and sends back what it made, so the
// bench's parent process stays small: a child's ru_maxrss starts at its parent's RSS.

import { prepareBig, prepareGolden, type Prepared } from './prepare.js';

const out: Prepared[] = [];
for (const m of process.argv.slice(2)) {
  if (m === 'big') out.push(prepareBig());
  else if (m === 'golden') out.push(prepareGolden());
  else throw new Error(`--model is big or golden, got '${m}'`);
}
process.send!(out, () => process.exit(0));
