// Posting collisions of month-end billing, and how the billing job waits before it retries.
//
// Odoo keeps posted journal entries' names unique per journal (the account_move_unique_name
// index). Odoo 16 and 17 number the first draft of a period when the draft is created, so two
// invoicing runs at the start of a period can both hold e.g. INV/2026/00001; the first to post
// wins and the other's action_post fails with fault 2 "The operation cannot be completed: Another
// entry with the same name already exists.", rolling the whole call back (seen on real 17.0, and
// on real 16.0, whose account_sequence module adds the same index and message). Posting again
// fails the same way until the draft's provisional number is cleared (name '/'), which is what
// an accountant does and what month-end-billing.ts does before it retries. 18 numbers no draft.
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
