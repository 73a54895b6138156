import { platformFacts, prependPath, type PlatformFacts } from './platform.js';
import type { Variant } from './variants.js';

const POSIX = platformFacts({ platform: 'linux', arch: 'x64' });

/**
 * The environment of every process run for a variant: its venv first on PATH, the JIT switched
 * on exactly for `+jit`, faulthandler on so a crash leaves its stacks. PYTHON_GIL is left as the
 * user set it, so an extension that re-enables the GIL shows up.
 */
export function variantEnvironment(options: {
  base: Readonly<Record<string, string>>;
  variant: Variant;
  venv?: { dir: string; bin: string };
  /** PATH's delimiter and name (`Path` in a Windows environment); POSIX's when not given. */
  platform?: PlatformFacts;
}): Record<string, string> {
  let env: Record<string, string> = { ...options.base };
  // A PYTHONHOME or PYTHONPATH meant for another interpreter would mix stdlibs.
  delete env['PYTHONHOME'];
  delete env['__PYVENV_LAUNCHER__'];
  env['PYTHON_JIT'] = options.variant.jit ? '1' : '0';
  env['PYTHONFAULTHANDLER'] = '1';
  env['PIP_DISABLE_PIP_VERSION_CHECK'] = '1';
  env['PYTHONUNBUFFERED'] = '1';
  if (options.venv) {
    env['VIRTUAL_ENV'] = options.venv.dir;
    env = prependPath(env, { dir: options.venv.bin, facts: options.platform ?? POSIX });
  }
  return env;
}
