// Fault tags (the k6 side's, and the Node client's typed errors built on them) for every recorded
// fault and for the forms Odoo's routes and retries produce.
import { describe, expect, it } from 'vitest';
import { classifyFault, isCommittedUnmarshallable } from '../../scenarios/lib/fault-tags.ts';
import { decodeMethodResponse } from '../../scenarios/lib/xmlrpc-codec.ts';
import { loadExchanges } from '../helpers/fixture-server.js';

const SERIALIZATION_TRACEBACK =
  'Traceback (most recent call last):\n  File "/opt/odoo/odoo/service/model.py", line 156, in retrying\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update\n';
const NONE_TRACEBACK =
  'Traceback (most recent call last):\n  File "/usr/lib/python3.11/xmlrpc/client.py", line 566, in dump_nil\nTypeError: cannot marshal None unless allow_none is enabled\n';

describe('classifyFault', () => {
  it('finds every fault recorded from Odoo 17', () => {
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

  it('a serialization failure that outlived the retries is concurrency; None marshalling is a commit', () => {
    expect(classifyFault(1, SERIALIZATION_TRACEBACK)).toBe('concurrency');
    expect(isCommittedUnmarshallable(1, NONE_TRACEBACK)).toBe(true);
    expect(isCommittedUnmarshallable(2, NONE_TRACEBACK)).toBe(false);
  });
});
