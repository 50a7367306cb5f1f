// Posting collisions of month-end billing (docs/odoo-api.md, "Posting collisions"), and how the
// billing job waits before it clears the provisional numbers and posts again.
import type { PostRetry } from './workload.ts';

/** The call that collides, as a CallFailure names it. */
export const POSTING_CALL = 'account.move.action_post';

/** Odoo's message of the unique-name constraint of account.move (its _sql_constraints). */
export const POSTING_COLLISION_TEXT = 'Another entry with the same name already exists';

/** What the classifier reads of a failure: the shape of CallFailure. */
export interface FailureFacts {
  call: string;
  faultCode?: number | string;
  message: string;
}

/**
 * True for a posting collision: a user fault (code 2, a ValidationError) of action_post that
 * carries the unique-name message. Any other fault of the call, or the same text from another
 * call, is not one. The text is Odoo's English; the load-test user's language must be English.
 */
export function isPostingCollision(failure: FailureFacts): boolean {
  return (
    failure.call === POSTING_CALL &&
    failure.faultCode === 2 &&
    failure.message.includes(POSTING_COLLISION_TEXT)
  );
}

/**
 * The wait before retry number `retry` (1 for the first retry), ms: exponential backoff
 * backoffMs × 2^(retry − 1), capped at maxBackoffMs, with "equal jitter": half of it fixed and
 * half drawn from `random` in [0, 1), so batches that collided together do not retry together.
 */
export function postRetryDelayMs(policy: PostRetry, retry: number, random: number): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(retry - 1, 0));
  return ceiling / 2 + (ceiling / 2) * random;
}
