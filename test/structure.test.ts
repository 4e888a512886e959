// The layout rules that keep the core browser-safe: kernels/ imports nothing from src/ and no
// Node built-ins; only src/node and src/cli may import node:* modules; the embedded schemas
// match proto/*.proto.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { caffe2Proto, onnxProto } from '../src/proto/embedded.js';

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const NODE_BUILTINS = /^(node:|fs$|path$|os$|url$|worker_threads$|child_process$|crypto$|zlib$|http$|stream$|util$|module$|buffer$)/;

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

test('kernels/ imports nothing from src/ and no Node built-ins', () => {
  for (const f of tsFiles('kernels')) {
    for (const i of imports(f)) {
      assert.not.ok(i.includes('/src/') || i.startsWith('../src') || i.startsWith('../../src'), `${f} imports ${i}`);
      assert.not.ok(NODE_BUILTINS.test(i), `${f} imports Node built-in ${i}`);
    }
  }
});

test('only src/node and src/cli import Node built-ins', () => {
  for (const f of tsFiles('src')) {
    if (f.startsWith(join('src', 'node')) || f.startsWith(join('src', 'cli'))) continue;
    for (const i of imports(f)) assert.not.ok(NODE_BUILTINS.test(i), `${f} imports Node built-in ${i}`);
  }
});

test('the core does not import from src/node or src/cli', () => {
  for (const f of tsFiles('src')) {
    if (f.startsWith(join('src', 'node')) || f.startsWith(join('src', 'cli'))) continue;
    for (const i of imports(f)) assert.not.ok(/(^|\/)(node|cli)\//.test(i) && i.startsWith('.'), `${f} imports ${i}`);
  }
});

test('embedded schemas match proto/*.proto', () => {
  assert.is(caffe2Proto, readFileSync('proto/caffe2.proto', 'utf8'));
  assert.is(onnxProto, readFileSync('proto/onnx.proto', 'utf8'));
});

test.run();
