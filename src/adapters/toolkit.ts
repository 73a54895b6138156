import * as core from '@actions/core';
import type { Annotation, Toolkit } from '../ports.js';

function properties(a: Annotation | undefined): core.AnnotationProperties {
  if (!a) return {};
  return { title: a.title, file: a.file, startLine: a.startLine };
}

/** The Actions toolkit. Outside a runner (no GITHUB_OUTPUT / GITHUB_STEP_SUMMARY) outputs are logged instead. */
export class ActionsToolkit implements Toolkit {
  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  info(message: string): void {
    core.info(message);
  }
  warning(message: string, annotation?: Annotation): void {
    core.warning(message, properties(annotation));
  }
  error(message: string, annotation?: Annotation): void {
    core.error(message, properties(annotation));
  }
  notice(message: string, annotation?: Annotation): void {
    core.notice(message, properties(annotation));
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return core.group(name, fn);
  }
  setOutput(name: string, value: string): void {
    if (this.env['GITHUB_OUTPUT']) core.setOutput(name, value);
    else core.info(`output ${name}=${value}`);
  }
  async appendSummary(markdown: string): Promise<void> {
    if (!this.env['GITHUB_STEP_SUMMARY']) return;
    await core.summary.addRaw(markdown, true).write();
  }
  setFailed(message: string): void {
    core.setFailed(message);
  }
}
