// One RPC call's transaction as odoo/service/model.py `retrying` runs it: REPEATABLE READ, up to
// 5 tries on concurrency errors, IntegrityError as ValidationError (fault 2).
import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import { ValidationError } from '../exceptions.js';
import { codeName, isConcurrencyError, isIntegrityError, type PgError } from './pg-errors.js';

export const MAX_TRIES_ON_CONCURRENCY_FAILURE = 5;

export interface RetryEvent {
  code: string;
  triesLeft: number;
  waitSeconds: number;
}

export interface TransactionHooks {
  onRetry(event: RetryEvent): void;
  /** Odoo logs "<CODE>, maximum number of tries reached!" before giving up. */
  onGiveUp(code: string): void;
  random?: () => number;
  /** Odoo's _sql_constraints message of a constraint, when it declares one. */
  constraintMessage?: (constraint: string) => string | undefined;
}

export function retryLogLine(event: RetryEvent): string {
  return `${codeName(event.code)}, ${event.triesLeft} tries left, try again in ${event.waitSeconds.toFixed(4)} sec...`;
}

/** Odoo's _as_validation_error: the message of the ValidationError an IntegrityError becomes. */
export function integrityMessage(
  error: PgError,
  constraintMessage?: (constraint: string) => string | undefined,
): string {
  const model = error.table ? error.table.replace(/_/g, '.') : 'unknown';
  if (error.code === '23502') {
    return (
      'The operation cannot be completed:\n' +
      '- Create/update: a mandatory field is not set.\n' +
      '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${model} (${model})\nField: ${error.column ?? 'unknown'} (${error.column ?? 'unknown'})\n`
    );
  }
  if (error.code === '23503') {
    return (
      'The operation cannot be completed: another model requires the record being deleted. ' +
      'If possible, archive it instead.\n\n' +
      `Model: ${model} (${model})\nConstraint: ${error.constraint ?? 'unknown'}\n`
    );
  }
  const declared = error.constraint ? constraintMessage?.(error.constraint) : undefined;
  return `The operation cannot be completed: ${declared ?? error.message}`;
}

/**
 * Runs `call` in a REPEATABLE READ transaction on `client`, retried as Odoo retries, and
 * commits. Returns the call's value and how many retries it took.
 */
export async function retrying<T>(
  client: pg.ClientBase,
  call: (tryNumber: number) => Promise<T>,
  hooks: TransactionHooks,
): Promise<{ value: T; retries: number }> {
  const random = hooks.random ?? Math.random;
  for (let tryno = 1; ; tryno++) {
    const triesLeft = MAX_TRIES_ON_CONCURRENCY_FAILURE - tryno;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const value = await call(tryno);
      await client.query('COMMIT');
      return { value, retries: tryno - 1 };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (isIntegrityError(error)) {
        throw new ValidationError(integrityMessage(error, hooks.constraintMessage));
      }
      if (!isConcurrencyError(error)) throw error;
      if (triesLeft === 0) {
        hooks.onGiveUp(error.code);
        throw error;
      }
      const waitSeconds = random() * 2 ** tryno;
      hooks.onRetry({ code: error.code, triesLeft, waitSeconds });
      await delay(waitSeconds * 1000);
    }
  }
}
