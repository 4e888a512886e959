#!/usr/bin/env node
// caffe2-ts command line: dispatches to one module per command.

import { Caffe2Error } from '../core/errors.js';

interface Command { main(argv: string[]): Promise<number>; usage: string }

const COMMANDS: Record<string, () => Promise<Command>> = {
  info: () => import('./info.js'),
  run: () => import('./run.js'),
  convert: () => import('./convert.js'),
  ops: () => import('./ops.js'),
  eval: () => import('./eval.js'),
  predict: () => import('./predict.js'),
  demo: () => import('./demo.js'),
};

async function help(): Promise<void> {
  console.log('caffe2-ts: run detectron2 Caffe2 models (model.pb + model_init.pb) in pure TypeScript\n\nusage:');
  for (const load of Object.values(COMMANDS)) console.log(`  ${(await load()).usage}`);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { await help(); return cmd ? 0 : 2; }
  const load = COMMANDS[cmd];
  if (!load) { console.error(`caffe2-ts: unknown command '${cmd}' (commands: ${Object.keys(COMMANDS).join(', ')})`); return 2; }
  return (await load()).main(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof Caffe2Error) console.error(`caffe2-ts: ${e.name}: ${e.message}`);
    else if (e instanceof Error) console.error(`caffe2-ts: ${e.stack ?? e.message}`);
    else console.error(`caffe2-ts: ${String(e)}`);
    process.exitCode = 1;
  },
);
