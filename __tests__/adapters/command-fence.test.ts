import { describe, expect, it } from 'vitest';
import { fenceCommands } from '../../src/adapters/command-fence.js';
import type { Toolkit } from '../../src/ports.js';
import { obeyedCommands, quotedLines } from '../helpers/runner-commands.js';

/** A toolkit that writes the log the way @actions/core does: plain lines and `::command::` lines. */
function recorder(): { toolkit: Toolkit; log: string[] } {
  const log: string[] = [];
  const toolkit: Toolkit = {
    info: (m) => void log.push(m),
    warning: (m) => void log.push(`::warning::${m}`),
    error: (m) => void log.push(`::error::${m}`),
    notice: (m) => void log.push(`::notice::${m}`),
    group: async (name, fn) => {
      log.push(`::group::${name}`);
      try {
        return await fn();
      } finally {
        log.push('::endgroup::');
      }
    },
    setOutput: (name, value) => void log.push(`output ${name}=${value}`),
    appendSummary: async () => undefined,
    setFailed: (m) => void log.push(`::error::${m}`),
  };
  return { toolkit, log };
}

const HOSTILE = [
  '::error::x',
  '::stop-commands::t',
  '::add-mask::y',
  '  ::warning::z',
  'a ##[error]w',
  '::t::',
];

describe('fenceCommands', () => {
  it('quotes every line of the tested code and obeys only the action own commands', async () => {
    const { toolkit: inner, log } = recorder();
    let n = 0;
    const later: (() => void)[] = [];
    const toolkit = fenceCommands(inner, { token: () => `token${++n}`, defer: (fn) => later.push(fn) });
    await toolkit.group('3.13: tests', async () => {
      for (const line of HOSTILE) toolkit.info(line);
      toolkit.error('3.13: crashed with SIGSEGV');
      toolkit.info('::error::again');
    });
    toolkit.setFailed('cpython-variants: fail-on new-crash');
    toolkit.close();

    const text = log.join('\n');
    expect(obeyedCommands(text).map((c) => c.name)).toEqual([
      'group',
      'stop-commands',
      'token1',
      'error',
      'stop-commands',
      'token2',
      'endgroup',
      'error',
    ]);
    expect(
      obeyedCommands(text)
        .filter((c) => c.name === 'error')
        .map((c) => c.data),
    ).toEqual(['3.13: crashed with SIGSEGV', 'cpython-variants: fail-on new-crash']);
    expect(quotedLines(text)).toEqual([...HOSTILE, '::error::again']);
  });

  it('ends a block after the burst of lines, so what a library logs later is read again', () => {
    const { toolkit: inner, log } = recorder();
    const later: (() => void)[] = [];
    const toolkit = fenceCommands(inner, { token: () => 'tok', defer: (fn) => later.push(fn) });
    toolkit.info('one');
    toolkit.info('two');
    expect(later).toHaveLength(1);
    later[0]!();
    log.push('::debug::from @actions/cache');
    expect(obeyedCommands(log.join('\n')).map((c) => c.name)).toEqual(['stop-commands', 'tok', 'debug']);
  });

  it('quotes text written by other means (the comment printed whole)', () => {
    const { toolkit: inner, log } = recorder();
    const toolkit = fenceCommands(inner, { token: () => 'tok', defer: () => undefined });
    toolkit.quote(() => log.push('```\n::add-mask::secret\n```'));
    toolkit.close();
    expect(obeyedCommands(log.join('\n')).map((c) => c.name)).toEqual(['stop-commands', 'tok']);
  });

  it('uses a fresh random token for each block', () => {
    const { toolkit: inner, log } = recorder();
    const toolkit = fenceCommands(inner, { defer: () => undefined });
    toolkit.info('a');
    toolkit.close();
    toolkit.info('b');
    toolkit.close();
    const tokens = obeyedCommands(log.join('\n'))
      .filter((c) => c.name === 'stop-commands')
      .map((c) => c.data);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(tokens[1]).not.toBe(tokens[0]);
  });
});
