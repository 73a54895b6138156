// A fake of GitHub's REST API for one call, `GET /repos/{owner}/{repo}/releases`, on 127.0.0.1:
// answers with a release listing, or fails the ways GitHub does (5xx, 403, a spent rate limit
// with its headers, a body that is not JSON), and records each request with its token.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReleasesBehaviour =
  | { readonly kind: 'ok'; readonly releases: readonly { tag_name: string; assets: { name: string }[] }[] }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'rate-limit' }
  | { readonly kind: 'garbage' };

export interface ReleasesApi {
  readonly url: string;
  /** Each request: its path with query, and its Authorization header. */
  readonly requests: { path: string; authorization: string | undefined }[];
  behave(behaviour: ReleasesBehaviour): void;
  close(): Promise<void>;
}

export async function startReleasesApi(): Promise<ReleasesApi> {
  let behaviour: ReleasesBehaviour = { kind: 'status', status: 404 };
  const requests: ReleasesApi['requests'] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, authorization: req.headers.authorization });
    if (!/^\/repos\/astral-sh\/python-build-standalone\/releases(\?|$)/.test(path) || req.method !== 'GET')
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    switch (behaviour.kind) {
      case 'ok':
        return void res
          .writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-remaining': '4999' })
          .end(JSON.stringify(behaviour.releases));
      case 'status':
        return void res.writeHead(behaviour.status, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            message: behaviour.status === 403 ? 'Resource not accessible by integration' : 'Server Error',
          }),
        );
      case 'rate-limit':
        return void res
          .writeHead(403, {
            'content-type': 'application/json',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.floor(Date.UTC(2026, 11, 1, 12) / 1000)),
          })
          .end('{"message":"API rate limit exceeded for installation."}');
      case 'garbage':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>unicorn</html>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    behave: (b) => void (behaviour = b),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
