// The action's own files (report.json, the comment, the summary copy) are replaced whole or not
// at all: a full disk or a cancel in the middle of a write must not leave a truncated report.json
// for upload-artifact and `mode: report` to pick up.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The few calls a write needs, so a test can make one of them fail as a full disk would. */
export interface FileSystem {
  mkdir(path: string): void;
  write(path: string, data: string): void;
  rename(from: string, to: string): void;
  remove(path: string): void;
}

export const realFileSystem: FileSystem = {
  mkdir: (path) => mkdirSync(path, { recursive: true }),
  write: (path, data) => {
    // `wx`: a temporary name that exists already is not ours to overwrite.
    const fd = openSync(path, 'wx');
    try {
      const bytes = Buffer.from(data, 'utf8');
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
      // On disk before the rename makes it visible: a crash cannot leave a renamed, empty file.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  rename: (from, to) => renameSync(from, to),
  remove: (path) => rmSync(path, { force: true }),
};

/**
 * Writes `data` to a temporary file in the same folder (a rename across file systems is not
 * atomic) and renames it over `path`. On failure the temporary file is removed, the old `path`
 * (if any) is left as it was, and the error is thrown.
 */
export function writeFileAtomic(path: string, data: string, fs: FileSystem = realFileSystem): void {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    fs.write(temporary, data);
    fs.rename(temporary, path);
  } catch (error) {
    try {
      fs.remove(temporary);
    } catch {
      // Nothing more can be done on a file system that refuses this too; the first error is the one to tell.
    }
    throw error;
  }
}
