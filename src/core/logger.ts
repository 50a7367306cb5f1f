// The one logger: progress, warnings and debug lines on stderr, each passed through secret
// redaction; results go to stdout through src/cli/output.ts.
import { redact } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface LogSink {
  write(line: string): void;
}

export class Logger {
  level: LogLevel;
  readonly #sink: LogSink;

  constructor(level: LogLevel = 'info', sink: LogSink = { write: (l) => process.stderr.write(l) }) {
    this.level = level;
    this.#sink = sink;
  }

  debug(message: string): void {
    this.#log('debug', message);
  }
  info(message: string): void {
    this.#log('info', message);
  }
  warn(message: string): void {
    this.#log('warn', message);
  }
  error(message: string): void {
    this.#log('error', message);
  }

  #log(level: LogLevel, message: string): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const prefix = level === 'info' ? '' : `${level}: `;
    this.#sink.write(redact(`${prefix}${message}`) + '\n');
  }
}

/** The process logger. The CLI sets its level from --quiet / --debug. */
export const log = new Logger(process.env.OC_LOG_LEVEL as LogLevel | undefined);
