// report.json, comment.md and summary.md: whole or not at all, and a failure says where and why.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realFileSystem, writeFileAtomic, type FileSystem } from '../src/adapters/files.js';
import { outputLocation } from '../src/output-location.js';
import { writeReportFiles } from '../src/report-files.js';
import { report, variant } from './helpers/reports.js';

const ENOSPC = (): Error =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** The real file system, except that writing `name` stops halfway with ENOSPC, as a full disk does. */
function fullDiskFor(name: string): FileSystem {
  return {
    ...realFileSystem,
    write: (path, data) => {
      if (!path.includes(name)) return realFileSystem.write(path, data);
      writeFileSync(path, data.slice(0, Math.floor(data.length / 2)));
      throw ENOSPC();
    },
  };
}

const folder = (): string => mkdtempSync(join(tmpdir(), 'cpv-files-'));

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file', () => {
    const dir = folder();
    const path = join(dir, 'report.json');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('keeps the old file whole and removes the half-written one when the disk is full', () => {
    const dir = folder();
    const path = join(dir, 'report.json');
    writeFileSync(path, '{"old": true}\n');
    expect(() => writeFileAtomic(path, '{"new": true}\n', fullDiskFor('report.json'))).toThrow(/ENOSPC/);
    expect(readFileSync(path, 'utf8')).toBe('{"old": true}\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('leaves no file at all where there was none', () => {
    const dir = folder();
    expect(() => writeFileAtomic(join(dir, 'report.json'), '{}', fullDiskFor('report.json'))).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeReportFiles', () => {
  const theReport = report({ variants: [variant('3.13')] });
  const writeAll = (directory: string, fs?: FileSystem): ReturnType<typeof writeReportFiles> =>
    writeReportFiles({
      location: { directory, chosenBy: 'the environment variable RUNNER_TEMP' },
      report: theReport,
      markdown: 'comment',
      summary: 'summary',
      ...(fs ? { fs } : {}),
    });

  it('writes report.json, comment.md and summary.md', () => {
    const directory = folder();
    const written = writeAll(directory);
    expect(written.failures).toEqual([]);
    expect(JSON.parse(readFileSync(written.reportPath!, 'utf8'))).toEqual(theReport);
    expect(readFileSync(written.markdownPath!, 'utf8')).toBe('comment');
    expect(readFileSync(written.summaryPath!, 'utf8')).toBe('summary');
  });

  it('on a full disk leaves no truncated report.json, names the folder and what chose it, and writes the rest', () => {
    const directory = folder();
    const written = writeAll(directory, fullDiskFor('report.json'));
    expect(written.reportPath).toBeNull();
    expect(written.failures).toEqual([
      `could not write report.json in ${directory} (the folder chosen by the environment variable RUNNER_TEMP): ENOSPC: no space left on device, write`,
    ]);
    expect(readdirSync(directory).sort()).toEqual(['comment.md', 'summary.md']);
  });

  it('names the folder when it cannot be made', () => {
    const parent = join(folder(), 'a-file');
    writeFileSync(parent, '');
    const written = writeReportFiles({
      location: {
        directory: join(parent, 'cpython-variants'),
        chosenBy: 'the environment variable RUNNER_TEMP',
      },
      report: theReport,
      markdown: 'comment',
    });
    expect(written.reportPath).toBeNull();
    expect(written.failures).toHaveLength(1);
    expect(written.failures[0]).toMatch(
      /^could not make the folder for report\.json in .*a-file\/cpython-variants \(the folder chosen by the environment variable RUNNER_TEMP\): ENOTDIR/,
    );
    expect(existsSync(join(parent, 'cpython-variants'))).toBe(false);
  });
});

describe('outputLocation', () => {
  it.each([
    [{ CPV_OUTPUT_DIR: '/out', RUNNER_TEMP: '/t' }, '/out', 'the environment variable CPV_OUTPUT_DIR'],
    [
      { CPV_OUTPUT_DIR: '', RUNNER_TEMP: '/t' },
      '/t/cpython-variants',
      'the environment variable RUNNER_TEMP',
    ],
    [{}, '/repo/.cpv', "the input 'working-directory' (its .cpv folder)"],
  ])('%j', (env, directory, chosenBy) => {
    expect(outputLocation({ env, workingDirectory: '/repo' })).toEqual({
      directory: resolve(directory),
      chosenBy,
    });
  });
});
