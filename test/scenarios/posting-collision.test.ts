// A posting collision is told apart precisely (as real Odoo 17 answered it), and the billing job's
// waits grow exponentially, stay under their cap and are jittered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallFailure, odooFault } from '../../scenarios/lib/call-failure.ts';
import {
  POSTING_CALL,
  isPostingCollision,
  postRetryDelayMs,
} from '../../scenarios/lib/posting-collision.ts';
import { decodeMethodResponse } from '../../scenarios/lib/xmlrpc-codec.ts';

// Recorded from Odoo 17.0: action_post of a draft holding the name of a posted invoice.
const RECORDED = readFileSync(
  join(import.meta.dirname, '..', 'fixtures', 'odoo-17.0-posting-collision.response.xml'),
  'utf8',
);

function recordedFault(): { code: number | string; text: string } {
  const decoded = decodeMethodResponse(RECORDED);
  if (decoded.status !== 'fault') throw new Error('the fixture is not a fault');
  return { code: decoded.faultCode, text: decoded.faultString };
}

describe('isPostingCollision', () => {
  it('recognises the fault real Odoo 17 sends, as the transports raise it', () => {
    const { code, text } = recordedFault();
    expect(code).toBe(2);
    const failure = odooFault(POSTING_CALL, code, text);
    expect(failure.tag).toBe('user');
    expect(isPostingCollision(failure)).toBe(true);
  });

  it('is not fooled by the same text from another call or with another code', () => {
    const { text } = recordedFault();
    expect(isPostingCollision(odooFault('account.move.write', 2, text))).toBe(false);
    expect(isPostingCollision(odooFault(POSTING_CALL, 1, text))).toBe(false);
    expect(isPostingCollision(odooFault(POSTING_CALL, 'warning -- ValidationError', text))).toBe(
      false,
    );
  });

  it('is not any other fault of action_post', () => {
    for (const text of [
      'The operation cannot be completed: a mandatory field is not set.',
      'You cannot post an entry in a locked period.',
      'could not serialize access due to concurrent update',
    ])
      expect(isPostingCollision(odooFault(POSTING_CALL, 2, text))).toBe(false);
    expect(
      isPostingCollision(new CallFailure('timeout', POSTING_CALL, 'no answer within 130s')),
    ).toBe(false);
  });
});

describe('postRetryDelayMs', () => {
  const policy = { maxAttempts: 6, backoffMs: 500, maxBackoffMs: 4000 };

  it('doubles from backoffMs up to maxBackoffMs, between half and all of it', () => {
    expect([1, 2, 3, 4, 5].map((r) => postRetryDelayMs(policy, r, 0))).toEqual([
      250, 500, 1000, 2000, 2000,
    ]);
    expect([1, 2, 3, 4, 5].map((r) => postRetryDelayMs(policy, r, 0.999999))).toEqual(
      [500, 1000, 2000, 4000, 4000].map((ms) => expect.closeTo(ms, 2)),
    );
  });

  it('never exceeds the cap and never goes below half of it, whatever the policy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (backoffMs, extra, retry, random) => {
          const p = { maxAttempts: 20, backoffMs, maxBackoffMs: backoffMs + extra };
          const ceiling = Math.min(p.maxBackoffMs, backoffMs * 2 ** (retry - 1));
          const delay = postRetryDelayMs(p, retry, random);
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        },
      ),
    );
  });

  it('spreads batches that collided together', () => {
    const waits = [0.1, 0.5, 0.9].map((r) => postRetryDelayMs(policy, 2, r));
    expect(new Set(waits).size).toBe(3);
  });
});
