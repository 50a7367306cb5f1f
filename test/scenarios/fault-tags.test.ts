// The k6 side's fault classification gives the same tag as the Node client's (src/odoo/faults.ts)
// for every recorded fault and for the forms Odoo's routes and retries produce.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyFault as classifyNode,
  isCommittedUnmarshallable as committedNode,
} from '../../src/odoo/faults.js';
import { classifyFault, isCommittedUnmarshallable } from '../../scenarios/lib/fault-tags.ts';
import { decodeMethodResponse } from '../../scenarios/lib/xmlrpc-codec.ts';
import { loadExchanges } from '../helpers/fixture-server.js';

const SERIALIZATION_TRACEBACK =
  'Traceback (most recent call last):\n  File "/opt/odoo/odoo/service/model.py", line 156, in retrying\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update\n';
const NONE_TRACEBACK =
  'Traceback (most recent call last):\n  File "/usr/lib/python3.11/xmlrpc/client.py", line 566, in dump_nil\nTypeError: cannot marshal None unless allow_none is enabled\n';

describe('classifyFault agrees with src/odoo/faults.ts', () => {
  it('on every fault recorded from Odoo 17', () => {
    const faults = loadExchanges()
      .map((e) => ({ name: e.name, decoded: decodeMethodResponse(e.response) }))
      .filter((f) => f.decoded.status === 'fault');
    expect(faults.map((f) => f.name).sort()).toEqual([
      'object-confirm-twice-fault2',
      'object-private-method-fault4',
      'object-unknown-method-fault1',
      'object-unknown-model-fault2',
      'object-wrong-password-fault3',
    ]);
    for (const { name, decoded } of faults) {
      if (decoded.status !== 'fault') continue;
      const tag = classifyFault(decoded.faultCode, decoded.faultString);
      expect(tag, name).toBe(classifyNode('x.y', decoded.faultCode, decoded.faultString).tag);
    }
  });

  it('tags each recorded fault as Odoo meant it', () => {
    const tagOf = (name: string): string => {
      const d = decodeMethodResponse(loadExchanges().find((e) => e.name === name)!.response);
      return d.status === 'fault' ? classifyFault(d.faultCode, d.faultString) : 'no fault';
    };
    expect(tagOf('object-wrong-password-fault3')).toBe('access_denied');
    expect(tagOf('object-unknown-model-fault2')).toBe('user');
    expect(tagOf('object-private-method-fault4')).toBe('access');
    expect(tagOf('object-unknown-method-fault1')).toBe('application');
  });

  it('on integer and legacy string codes, concurrency tracebacks and None marshalling', () => {
    const code = fc.oneof(
      fc.integer({ min: 0, max: 6 }),
      fc.constantFrom(
        'AccessDenied',
        'warning -- UserError\n\nNothing to check the availability for.',
        'warning -- AccessError\n\nPrivate methods',
        'warning -- MissingError\n\nRecord does not exist',
        "'NoneType' object is not iterable",
        'could not serialize access due to concurrent update',
      ),
    );
    const text = fc.oneof(
      fc.constantFrom(
        '',
        'Access Denied',
        SERIALIZATION_TRACEBACK,
        NONE_TRACEBACK,
        'deadlock detected',
      ),
      fc.string(),
    );
    fc.assert(
      fc.property(code, text, (faultCode, faultString) => {
        expect(classifyFault(faultCode, faultString)).toBe(
          classifyNode('x', faultCode, faultString).tag,
        );
        expect(isCommittedUnmarshallable(faultCode, faultString)).toBe(
          committedNode(faultCode, faultString),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('a serialization failure that outlived the retries is concurrency; None marshalling is a commit', () => {
    expect(classifyFault(1, SERIALIZATION_TRACEBACK)).toBe('concurrency');
    expect(isCommittedUnmarshallable(1, NONE_TRACEBACK)).toBe(true);
    expect(isCommittedUnmarshallable(2, NONE_TRACEBACK)).toBe(false);
  });
});
