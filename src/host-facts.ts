// The one reader of process.platform and process.arch for the platform facts: everything below
// the edge takes them as data (domain/platform.ts).
import { platformFacts, type PlatformFacts } from './domain/platform.js';

/** Node's names for this machine's system and processor, as read once here. */
export interface HostIdentity {
  readonly platform: string;
  readonly arch: string;
}

export function hostIdentity(): HostIdentity {
  return { platform: process.platform, arch: process.arch };
}

export function hostFacts(): PlatformFacts {
  return platformFacts(hostIdentity());
}
