// Fault classification beyond the recorded exchanges: legacy string codes, concurrency failures
// that outlived Odoo's retries, and the "committed, then fault 1" marshalling case.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import {
  OdooAccessDenied,
  OdooAccessError,
  OdooApplicationError,
  OdooConcurrencyError,
  OdooUserError,
  classifyFault,
  isCommittedUnmarshallable,
} from '../../src/odoo/faults.js';

describe('classifyFault', () => {
  it('maps legacy /xmlrpc string codes to the same classes as the integer codes', () => {
    expect(
      classifyFault('x.y', 'warning -- UserError\n\nNothing to check the availability for.', ''),
    ).toBeInstanceOf(OdooUserError);
    expect(
      classifyFault('x.y', 'warning -- MissingError\n\nRecord does not exist', ''),
    ).toBeInstanceOf(OdooUserError);
    expect(classifyFault('x.y', 'warning -- AccessError\n\nPrivate methods', '')).toBeInstanceOf(
      OdooAccessError,
    );
    expect(classifyFault('x.y', 'AccessDenied', 'Access Denied')).toBeInstanceOf(OdooAccessDenied);
    expect(
      classifyFault('x.y', "'NoneType' object is not iterable", 'Traceback ...'),
    ).toBeInstanceOf(OdooApplicationError);
  });

  it('tells a serialization failure that outlived the retries from other application errors', () => {
    const tb =
      'Traceback (most recent call last):\n  ...\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update\n';
    const fault = classifyFault('account.move.action_post', 1, tb);
    expect(fault).toBeInstanceOf(OdooConcurrencyError);
    expect(fault.tag).toBe('concurrency');
    expect(classifyFault('x.y', 1, 'Traceback\nTypeError: bad')).not.toBeInstanceOf(
      OdooConcurrencyError,
    );
  });

  it('gives credentials faults the bad-input exit code and application faults the failed code', () => {
    expect(classifyFault('x', 3, 'Access Denied').exitCode).toBe(ExitCode.badInput);
    expect(classifyFault('x', 1, 'boom').exitCode).toBe(ExitCode.failed);
  });
});

describe('isCommittedUnmarshallable', () => {
  const tb =
    'Traceback (most recent call last):\n  File "/usr/lib/python3.11/xmlrpc/client.py", line 1, in dump_nil\nTypeError: cannot marshal None unless allow_none is enabled\n';
  it('recognises fault 1 caused by a None return value', () => {
    expect(isCommittedUnmarshallable(1, tb)).toBe(true);
  });
  it('does not treat other faults as committed', () => {
    expect(isCommittedUnmarshallable(2, tb)).toBe(false);
    expect(isCommittedUnmarshallable(1, 'Traceback\nTypeError: unsupported operand')).toBe(false);
  });
});
