// The demo's static server (scripts/serve-web.mjs): MIME types browsers insist on (module scripts
// and workers need text/javascript, WebAssembly.instantiateStreaming needs application/wasm),
// cross-origin isolation headers on every answer, and nothing served from outside its folder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/paths.js';

interface Serve { serveWeb(o: { root: string; port: number }): Promise<{ url: string; close(): Promise<void> }> }

const parent = mkdtempSync(join(tmpdir(), 'caffe2-ts-serve-'));
const root = join(parent, 'site');
mkdirSync(join(root, 'model'), { recursive: true });
writeFileSync(join(parent, 'secret.txt'), 'outside');
const FILES: [string, string][] = [
  ['index.html', 'text/html; charset=utf-8'], ['app.js', 'text/javascript; charset=utf-8'], ['x.mjs', 'text/javascript; charset=utf-8'],
  ['style.css', 'text/css; charset=utf-8'], ['samples.json', 'application/json; charset=utf-8'], ['k.wasm', 'application/wasm'],
  ['a.png', 'image/png'], ['b.jpg', 'image/jpeg'], ['model/model.pb', 'application/octet-stream'], ['x.unknown', 'application/octet-stream'],
];
for (const [f] of FILES) writeFileSync(join(root, f), `contents of ${f}`);

let server: Promise<{ url: string; close(): Promise<void> }> | undefined;
function start() {
  server ??= import(pathToFileURL(resolve(ROOT, 'scripts/serve-web.mjs')).href).then((m: Serve) => m.serveWeb({ root, port: 0 }));
  return server;
}
test.after(async () => {
  if (server) await (await server).close();
  rmSync(parent, { recursive: true, force: true });
});

/** A raw request: the path is sent as written (fetch would normalise '..'). */
async function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { url } = await start();
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail).end();
  });
}

test('serve: MIME type per extension, the bytes, and isolation headers', async () => {
  for (const [f, type] of FILES) {
    const r = await get(`/${f}`);
    assert.is(r.status, 200, f);
    assert.is(r.headers['content-type'], type, f);
    assert.is(r.body, `contents of ${f}`);
    assert.is(r.headers['cross-origin-opener-policy'], 'same-origin');
    assert.is(r.headers['cross-origin-embedder-policy'], 'require-corp');
  }
  const idx = await get('/');
  assert.is(idx.body, 'contents of index.html');
  assert.is((await get('/?decoder=browser')).body, 'contents of index.html', 'query strings are not part of the file name');
});

test('serve: missing files 404, paths out of the folder 403, other methods 405, bad escapes 400', async () => {
  const miss = await get('/nope.js');
  assert.is(miss.status, 404);
  assert.match(miss.body, '/nope.js not found');
  assert.is(miss.headers['cross-origin-embedder-policy'], 'require-corp');
  assert.is((await get('/..%2fsecret.txt')).status, 403);
  assert.is((await get('/model/..%2f..%2fsecret.txt')).status, 403);
  const up = await get('/../secret.txt');
  assert.ok(up.status === 404 && !up.body.includes('outside'), `'..' is resolved inside the folder (${up.status} ${up.body})`);
  assert.is((await get('/model')).status, 404, 'a folder without index.html');
  assert.is((await get('/index.html', 'POST')).status, 405);
  assert.is((await get('/%E0%A4%A')).status, 400);
  const head = await get('/app.js', 'HEAD');
  assert.is(head.status, 200);
  assert.is(head.headers['content-length'], String('contents of app.js'.length));
  assert.is(head.body, '');
});

test.run();
