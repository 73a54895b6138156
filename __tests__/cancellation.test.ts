import { describe, expect, it } from 'vitest';
import { CancelledError, cancelledMessage, stageTracking, untilCancelled } from '../src/cancellation.js';
import type { Toolkit } from '../src/ports.js';

class Recording implements Toolkit {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  warning(): void {}
  error(): void {}
  notice(): void {}
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`group ${name}`);
    return fn();
  }
  setOutput(): void {}
  async appendSummary(): Promise<void> {}
  setFailed(): void {}
}

describe('untilCancelled', () => {
  it('is null when the work finishes first', async () => {
    expect(await untilCancelled(Promise.resolve(), new AbortController().signal)).toBeNull();
    expect(await untilCancelled(Promise.resolve())).toBeNull();
  });

  it('is the signal as soon as the cancel fires, without waiting for the work', async () => {
    const controller = new AbortController();
    const never = new Promise<void>(() => {});
    const result = untilCancelled(never, controller.signal);
    controller.abort(new CancelledError('SIGINT'));
    expect(await result).toBe('SIGINT');
  });

  it('is the signal when the cancel fired before', async () => {
    const controller = new AbortController();
    controller.abort(new CancelledError('SIGTERM'));
    expect(await untilCancelled(new Promise<void>(() => {}), controller.signal)).toBe('SIGTERM');
  });
});

describe('stageTracking', () => {
  it('knows the open log group, and keeps the toolkit working (a class instance)', async () => {
    const toolkit = new Recording();
    const stage = stageTracking(toolkit);
    expect(stage.current()).toBeNull();
    let inside: string | null = null;
    await stage.toolkit.group('3.13t: tests', async () => {
      stage.toolkit.info('running');
      inside = stage.current();
    });
    expect(inside).toBe('3.13t: tests');
    expect(stage.current()).toBeNull();
    expect(toolkit.lines).toEqual(['group 3.13t: tests', 'running']);
  });
});

describe('cancelledMessage', () => {
  it.each([
    [{ signal: 'SIGTERM', during: '3.13t: tests' }, /^cancelled by SIGTERM during "3\.13t: tests": /],
    [{ signal: 'SIGINT', during: null }, /^cancelled by SIGINT: this report holds what had finished before/],
  ] as const)('%j', (cancellation, text) => {
    expect(cancelledMessage(cancellation)).toMatch(text);
  });
});
