// `npm run demo:web`: serves the built demo site (dist/web) on localhost. Cross-origin isolated
// (COOP same-origin + COEP require-corp), so SharedArrayBuffer is available to the page's workers.
// usage: node scripts/serve-web.mjs [--port 8080] [--host 127.0.0.1] [--root dist/web]
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pb': 'application/octet-stream',
  '.pbtxt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Starts a static file server for `root`. Port 0 picks a free port. Resolves once listening with
 * the address and a close() that also drops open keep-alive connections.
 */
export function serveWeb({ root = join(ROOT, 'dist', 'web'), port = 8080, host = '127.0.0.1' } = {}) {
  root = resolve(root);
  const server = createServer((req, res) => {
    const send = (status, text) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...ISOLATION });
      res.end(req.method === 'HEAD' ? undefined : `${text}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, `${req.method} is not allowed here (GET or HEAD)`);
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, `bad path: ${req.url}`);
    }
    let file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) return send(403, `${path} is outside the served folder`);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) return send(404, `${path} not found in ${relative(process.cwd(), root) || '.'}`);
    res.writeHead(200, {
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cache-Control': 'no-cache',
      ...ISOLATION,
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const a = server.address();
      const url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`;
      ok({ url, server, close: () => new Promise((done) => { server.close(() => done()); server.closeAllConnections(); }) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = {};
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 2) {
    const [k, v] = [args[i], args[i + 1]];
    if (v === undefined || !['--port', '--host', '--root'].includes(k)) {
      console.error('usage: node scripts/serve-web.mjs [--port 8080] [--host 127.0.0.1] [--root dist/web]');
      process.exit(2);
    }
    if (k === '--port') {
      opts.port = Number(v);
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) { console.error(`--port must be 0..65535, got ${v}`); process.exit(2); }
    } else opts[k.slice(2)] = v;
  }
  if (opts.port === undefined && process.env.PORT) opts.port = Number(process.env.PORT);
  const root = resolve(opts.root ?? join(ROOT, 'dist', 'web'));
  if (!existsSync(join(root, 'index.html'))) {
    console.error(`${relative(process.cwd(), root) || root} has no index.html: run \`npm run build:web\` first`);
    process.exit(1);
  }
  try {
    const s = await serveWeb({ ...opts, root });
    console.log(`caffe2-ts web demo: ${s.url}  (serving ${relative(process.cwd(), root) || '.'}; Ctrl+C stops)`);
  } catch (e) {
    const busy = e && e.code === 'EADDRINUSE';
    console.error(busy ? `port ${opts.port ?? 8080} is in use: pass --port <n> (or --port 0 for any free port)` : `cannot serve: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
