// A fake GitHub Actions cache service on 127.0.0.1, speaking what @actions/cache 6 sends:
// v2 (ACTIONS_CACHE_SERVICE_V2): twirp JSON calls under /twirp/github.actions.results.api.v1.CacheService/,
// the archive uploaded by the Azure blob SDK to the signed URL handed out (one PUT with
// x-ms-blob-type: BlockBlob, or PUT ?comp=block per block then PUT ?comp=blocklist), and
// downloaded by a plain GET. v1 (GHES): /_apis/artifactcache/ cache, caches, PATCH chunks, commit.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/';
const TOKEN = 'fake-runtime-token';

interface Entry {
  readonly id: number;
  readonly key: string;
  readonly version: string;
  blob: Buffer | null;
  blocks: Map<string, Buffer>;
  chunks: { start: number; data: Buffer }[];
  finalized: boolean;
}

export interface CacheRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface FakeCacheService {
  readonly url: string;
  /** The variables a runner sets for @actions/cache: v2 (results service) or v1 (artifact cache). */
  env(protocol?: 'v2' | 'v1'): Record<string, string>;
  readonly requests: CacheRequest[];
  /** Finalized entries by key. */
  keys(): string[];
  /** Answer every API call (not blob transfers) with this status, as a broken or forbidding service does. */
  failWith(status: number | null): void;
  /** Drops an entry, as when it is evicted. */
  forget(key: string): void;
  close(): Promise<void>;
}

const body = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export async function startCacheService(): Promise<FakeCacheService> {
  const entries: Entry[] = [];
  const requests: CacheRequest[] = [];
  let failure: number | null = null;
  let nextId = 1;
  let base = '';

  const json = (res: ServerResponse, status: number, data: unknown): void => {
    const text = JSON.stringify(data);
    res
      .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      .end(text);
  };
  const twirpError = (res: ServerResponse, status: number, code: string, msg: string): void =>
    json(res, status, { code, msg });
  const blobUrl = (e: Entry, sig: string): string =>
    `${base}/devstoreaccount1/actions-cache/${e.id}?sig=${sig}`;
  const finalized = (key: string, version: string): Entry | undefined =>
    entries.find((e) => e.finalized && e.key === key && e.version === version);

  async function twirp(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const input = JSON.parse((await body(req)).toString() || '{}') as Record<string, unknown>;
    const key = String(input['key'] ?? '');
    const version = String(input['version'] ?? '');
    switch (method) {
      case 'GetCacheEntryDownloadURL': {
        const restoreKeys = (input['restore_keys'] as string[] | undefined) ?? [];
        const hit =
          finalized(key, version) ??
          restoreKeys
            .map((prefix) =>
              entries.filter((e) => e.finalized && e.version === version && e.key.startsWith(prefix)).pop(),
            )
            .find(Boolean);
        return json(
          res,
          200,
          hit ? { ok: true, signed_download_url: blobUrl(hit, 'read'), matched_key: hit.key } : { ok: false },
        );
      }
      case 'CreateCacheEntry': {
        if (entries.some((e) => e.key === key && e.version === version)) {
          return twirpError(
            res,
            409,
            'already_exists',
            'cache entry with the same key and version already exists',
          );
        }
        const entry: Entry = {
          id: nextId++,
          key,
          version,
          blob: null,
          blocks: new Map(),
          chunks: [],
          finalized: false,
        };
        entries.push(entry);
        return json(res, 200, { ok: true, signed_upload_url: blobUrl(entry, 'write') });
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = entries.find((e) => !e.finalized && e.key === key && e.version === version);
        if (!entry?.blob) return twirpError(res, 404, 'not_found', 'no uploaded cache entry to finalize');
        if (String(entry.blob.length) !== String(input['size_bytes'])) {
          return twirpError(
            res,
            400,
            'invalid_argument',
            `size ${String(input['size_bytes'])} != uploaded ${entry.blob.length}`,
          );
        }
        entry.finalized = true;
        return json(res, 200, { ok: true, entry_id: String(entry.id) });
      }
      default:
        return twirpError(res, 404, 'bad_route', `no method ${method}`);
    }
  }

  async function blob(id: number, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry = entries.find((e) => e.id === id);
    if (!entry) return void res.writeHead(404).end();
    const headers = {
      etag: `"0x${id}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-id': `req-${id}`,
      'x-ms-version': '2025-01-05',
    };
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!entry.finalized || !entry.blob) return void res.writeHead(404).end();
      res.writeHead(200, {
        ...headers,
        'content-type': 'application/octet-stream',
        'content-length': entry.blob.length,
      });
      return void res.end(req.method === 'GET' ? entry.blob : undefined);
    }
    if (req.method !== 'PUT' || entry.finalized) return void res.writeHead(409).end();
    const data = await body(req);
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      entry.blocks.set(url.searchParams.get('blockid') ?? '', data);
    } else if (comp === 'blocklist') {
      const ids = [...data.toString().matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map(
        (m) => m[1] ?? '',
      );
      entry.blob = Buffer.concat(ids.map((b) => entry.blocks.get(b) ?? Buffer.alloc(0)));
    } else if (req.headers['x-ms-blob-type'] === 'BlockBlob') {
      entry.blob = data;
    } else {
      return void res.writeHead(400).end();
    }
    res.writeHead(201, { ...headers, 'x-ms-request-server-encrypted': 'true', 'content-length': 0 }).end();
  }

  async function v1(resource: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && resource === 'cache') {
      const keys = (url.searchParams.get('keys') ?? '').split(',');
      const version = url.searchParams.get('version') ?? '';
      const hit =
        finalized(keys[0] ?? '', version) ??
        keys
          .slice(1)
          .map((k) => entries.find((e) => e.finalized && e.version === version && e.key.startsWith(k)))
          .find(Boolean);
      if (!hit) return void res.writeHead(204).end();
      return json(res, 200, {
        cacheKey: hit.key,
        scope: 'refs/heads/main',
        archiveLocation: blobUrl(hit, 'read'),
      });
    }
    if (req.method === 'POST' && resource === 'caches') {
      const input = JSON.parse((await body(req)).toString()) as { key: string; version: string };
      if (entries.some((e) => e.key === input.key && e.version === input.version)) {
        return json(res, 409, { message: `Cache already exists. Scope: refs/heads/main, Key: ${input.key}` });
      }
      const entry: Entry = {
        id: nextId++,
        key: input.key,
        version: input.version,
        blob: null,
        blocks: new Map(),
        chunks: [],
        finalized: false,
      };
      entries.push(entry);
      return json(res, 201, { cacheId: entry.id });
    }
    const entry = entries.find((e) => resource === `caches/${e.id}`);
    if (!entry) return void res.writeHead(404).end();
    if (req.method === 'PATCH') {
      const start = Number(/bytes (\d+)-/.exec(String(req.headers['content-range']))?.[1] ?? NaN);
      entry.chunks.push({ start, data: await body(req) });
      return void res.writeHead(204).end();
    }
    if (req.method === 'POST') {
      const { size } = JSON.parse((await body(req)).toString()) as { size: number };
      entry.blob = Buffer.concat(entry.chunks.sort((a, b) => a.start - b.start).map((c) => c.data));
      if (entry.blob.length !== size)
        return json(res, 400, { message: `size ${size} != uploaded ${entry.blob.length}` });
      entry.finalized = true;
      return void res.writeHead(204).end();
    }
    res.writeHead(405).end();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    res.on('finish', () =>
      requests.push({ method: req.method ?? '', path: url.pathname, status: res.statusCode }),
    );
    const handle = async (): Promise<void> => {
      const blobMatch = /^\/devstoreaccount1\/actions-cache\/(\d+)$/.exec(url.pathname);
      if (blobMatch) return blob(Number(blobMatch[1]), url, req, res);
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return twirpError(res, 401, 'unauthenticated', 'bad token');
      if (failure !== null) {
        await body(req);
        const code = failure === 403 ? 'permission_denied' : failure >= 500 ? 'internal' : 'unknown';
        return twirpError(res, failure, code, `the fake cache service answers ${failure}`);
      }
      if (url.pathname.startsWith(TWIRP) && req.method === 'POST')
        return twirp(url.pathname.slice(TWIRP.length), req, res);
      if (url.pathname.startsWith('/_apis/artifactcache/'))
        return v1(url.pathname.slice('/_apis/artifactcache/'.length), url, req, res);
      res.writeHead(404).end();
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent) twirpError(res, 500, 'internal', String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    env: (protocol = 'v2'): Record<string, string> =>
      protocol === 'v2'
        ? { ACTIONS_RUNTIME_TOKEN: TOKEN, ACTIONS_RESULTS_URL: `${base}/`, ACTIONS_CACHE_SERVICE_V2: 'true' }
        : { ACTIONS_RUNTIME_TOKEN: TOKEN, ACTIONS_CACHE_URL: `${base}/` },
    requests,
    keys: () => entries.filter((e) => e.finalized).map((e) => e.key),
    failWith: (status) => {
      failure = status;
    },
    forget: (key) => {
      for (let i = entries.length - 1; i >= 0; i--) if (entries[i]?.key === key) entries.splice(i, 1);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
