// A fake python-build-standalone release mirror on 127.0.0.1: serves files at
// /RELEASE/ASSET like GitHub's release downloads, records every request, and can cut a
// download halfway (the full Content-Length promised, the socket closed after half).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MirrorServer {
  readonly url: string;
  /** Paths requested, in order (URL-decoded). */
  readonly requests: string[];
  serve(path: string, file: string): void;
  /** Serve only the first half of this path's bytes, then drop the connection. */
  cut(path: string): void;
  close(): Promise<void>;
}

export async function startMirror(): Promise<MirrorServer> {
  const files = new Map<string, string>();
  const cuts = new Set<string>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const file = files.get(path);
    if (file === undefined || (req.method !== 'GET' && req.method !== 'HEAD'))
      return void res.writeHead(404).end('Not Found');
    const size = statSync(file).size;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    if (req.method === 'HEAD') return void res.end();
    if (!cuts.has(path)) return void createReadStream(file).pipe(res);
    createReadStream(file, { end: Math.floor(size / 2) - 1 })
      .on('end', () => res.socket?.destroy())
      .pipe(res, { end: false });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    serve: (path, file) => void files.set(path, file),
    cut: (path) => void cuts.add(path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
