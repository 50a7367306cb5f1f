// A wrapper for passwords, API keys and URLs with credentials: it prints as *** everywhere
// (JSON, util.inspect, template strings) and is only read through reveal().
import { inspect } from 'node:util';
import { registerSecretValue } from './redact.js';

const MASK = '***';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    registerSecretValue(value);
  }

  /** The clear value, for the one call that must send it. */
  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret(${MASK})`;
  }
}
