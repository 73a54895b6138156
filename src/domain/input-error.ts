// A refused input, in the words every refusal uses: the input, the value, what is allowed. In the
// domain so that whatever refuses an input (parseInputs, the install plan) says it alike.
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    allowed: string,
  ) {
    super(`Input '${input}' has the value ${JSON.stringify(value)}: ${allowed}`);
    this.name = 'InputError';
  }
}
