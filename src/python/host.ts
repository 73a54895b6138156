// What machine the interpreters are installed for: the catalog's platform names, and the OS
// version that goes into cache keys (a tree built on a newer OS may not run on an older one).
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import type { ArchName, Libc, OsName, Platform } from '../domain/catalog.js';
import { hostIdentity, type HostIdentity } from '../host-facts.js';

export interface HostPlatform extends Platform {
  /** 'debian-12', 'ubuntu-24.04', 'darwin-24', 'windows-10.0.26100'. */
  readonly osVersion: string;
}

export class UnsupportedHostError extends Error {}

function osName(platform: string): OsName {
  switch (platform) {
    case 'linux':
      return 'linux';
    case 'darwin':
      return 'darwin';
    case 'win32':
      return 'windows';
    default:
      throw new UnsupportedHostError(
        `CPython variants are installed on Linux, macOS and Windows, not on ${platform}`,
      );
  }
}

function archName(arch: string): ArchName {
  if (arch === 'x64') return 'x86_64';
  if (arch === 'arm64') return 'aarch64';
  throw new UnsupportedHostError(`CPython variants are installed for x64 and arm64 machines, not ${arch}`);
}

/** ID-VERSION_ID from os-release: the distribution, not the kernel, decides which glibc a tree needs. */
export function linuxRelease(osRelease: string): string {
  const field = (name: string): string | undefined =>
    new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(osRelease)?.[1]?.trim() || undefined;
  return `${field('ID') ?? 'linux'}-${field('VERSION_ID') ?? field('VERSION_CODENAME') ?? 'unknown'}`;
}

function libc(): Libc {
  // Node reports the glibc it runs on; musl systems (Alpine) have none.
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)
    ?.header;
  return header?.glibcVersionRuntime ? 'gnu' : 'musl';
}

/** The install platform of this machine, or of `identity` (Node's platform and arch names). */
export function detectHost(identity: HostIdentity = hostIdentity()): HostPlatform {
  const os = osName(identity.platform);
  const arch = archName(identity.arch);
  if (os === 'linux') {
    const file = ['/etc/os-release', '/usr/lib/os-release'].find((f) => existsSync(f));
    const osVersion = file ? linuxRelease(readFileSync(file, 'utf8')) : `linux-${release()}`;
    return { os, arch, libc: libc(), osVersion };
  }
  // Darwin's kernel major number follows the macOS release (24 = macOS 15); Windows gives its build.
  const osVersion = os === 'darwin' ? `darwin-${release().split('.')[0]}` : `windows-${release()}`;
  return { os, arch, libc: 'none', osVersion };
}
