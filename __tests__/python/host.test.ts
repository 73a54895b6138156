// The install platform is read from Node's names for the machine, passed in: each system's path
// runs here, whatever this machine is.
import { describe, expect, it } from 'vitest';
import { detectHost, UnsupportedHostError } from '../../src/python/host.js';

describe('detectHost', () => {
  it.each([
    { platform: 'win32', arch: 'arm64', os: 'windows', cpu: 'aarch64', version: /^windows-/ },
    { platform: 'darwin', arch: 'x64', os: 'darwin', cpu: 'x86_64', version: /^darwin-\d+$/ },
    { platform: 'linux', arch: 'x64', os: 'linux', cpu: 'x86_64', version: /^[a-z]+-/ },
  ])('$platform on $arch is $os $cpu', ({ platform, arch, os, cpu, version }) => {
    const host = detectHost({ platform, arch });
    expect(host.os).toBe(os);
    expect(host.arch).toBe(cpu);
    expect(host.osVersion).toMatch(version);
    if (os !== 'linux') expect(host.libc).toBe('none');
  });

  it.each([
    { platform: 'freebsd', arch: 'x64', named: 'freebsd' },
    { platform: 'linux', arch: 'ia32', named: 'ia32' },
  ])('refuses $platform on $arch, naming $named', ({ platform, arch, named }) => {
    expect(() => detectHost({ platform, arch })).toThrow(UnsupportedHostError);
    expect(() => detectHost({ platform, arch })).toThrow(named);
  });
});
