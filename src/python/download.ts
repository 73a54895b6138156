// Downloads to disk as the bytes arrive, hashing them on the way, so a 100 MB archive never sits
// in memory and its checksum is known the moment the last byte is written.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class DownloadError extends Error {}

export interface Downloaded {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

const STALL_MS = 120_000;
const RETRY_DELAY_MS = 1_000;

async function attempt(url: string, dest: string): Promise<Downloaded> {
  const controller = new AbortController();
  let stall = setTimeout(() => controller.abort(new Error(`no data for ${STALL_MS / 1000} s`)), STALL_MS);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || response.body === null) {
      throw new DownloadError(`${url} answered ${response.status} ${response.statusText}`);
    }
    const expected = Number(response.headers.get('content-length') ?? NaN);
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        clearTimeout(stall);
        stall = setTimeout(() => controller.abort(new Error(`no data for ${STALL_MS / 1000} s`)), STALL_MS);
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    // The web stream type from fetch and node's ReadableStream type differ only nominally.
    await pipeline(
      Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]),
      meter,
      createWriteStream(dest),
    );
    if (Number.isFinite(expected) && bytes !== expected) {
      throw new DownloadError(`${url} ended after ${bytes} of ${expected} bytes`);
    }
    return { path: dest, sha256: hash.digest('hex'), bytes };
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    const cause =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new DownloadError(`downloading ${url} failed after ${bytes} bytes: ${cause}`, { cause: error });
  } finally {
    clearTimeout(stall);
  }
}

/** sha256 of a local file, read as a stream. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new DownloadError(
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return hash.digest('hex');
}

/**
 * Fetches an http(s) `url` into `dest`. A connection cut midway or a 5xx is retried once; a
 * partial file never stays behind.
 */
export async function download(options: {
  url: string;
  dest: string;
  attempts?: number;
}): Promise<Downloaded> {
  const { url, dest } = options;
  mkdirSync(dirname(dest), { recursive: true });
  const partial = `${dest}.part`;
  const attempts = options.attempts ?? 2;
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const done = await attempt(url, partial);
      renameSync(partial, dest);
      return { ...done, path: dest };
    } catch (error) {
      last = error;
      rmSync(partial, { force: true });
      // A 4xx will not change on a retry; a cut connection or a 5xx may.
      if (error instanceof DownloadError && / answered 4\d\d /.test(error.message)) break;
      if (i + 1 < attempts) await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
    }
  }
  throw last instanceof Error ? last : new DownloadError(String(last));
}
