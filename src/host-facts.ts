// The one reader of process.platform and process.arch for the platform facts: everything below
// the edge takes them as data (domain/platform.ts).
import { platformFacts, type PlatformFacts } from './domain/platform.js';

export function hostFacts(): PlatformFacts {
  return platformFacts({ platform: process.platform, arch: process.arch });
}
