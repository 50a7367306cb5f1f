// Globals k6 provides that @types/k6 does not declare.

/** k6's console: lines go to k6's log (stderr), with the level. */
declare const console: {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
};

/** k6's CommonJS loader, init context only; unlike a static import it loads when called. */
declare function require(id: string): unknown;
