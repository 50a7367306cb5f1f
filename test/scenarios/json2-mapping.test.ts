// The JSON-2 mapping both transports use (scenarios/lib/json2.ts) against a real Odoo 19.0's
// answers (test/fixtures/odoo-19.0-json2).
import { describe, expect, it } from 'vitest';
import {
  isMissingJson2,
  json2Body,
  json2Fault,
  json2Result,
  Json2ArgumentError,
  type Json2Error,
} from '../../scenarios/lib/json2.ts';
import { classifyFault } from '../../scenarios/lib/fault-tags.ts';
import { loadJson2Exchanges } from '../helpers/json2-replay.js';

const recorded = loadJson2Exchanges();
const errorOf = (name: string): [number, Json2Error] => {
  const e = recorded[name]!;
  return [e.status, (typeof e.body === 'object' ? e.body : {}) as Json2Error];
};

describe('json2Body', () => {
  it('sends a record method its ids apart, as a list, and the rest by name', () => {
    const confirmed = recorded['user-error']!.request.ids as number[];
    expect(json2Body('action_confirm', [confirmed])).toEqual(recorded['user-error']!.request);
    expect(json2Body('action_confirm', [94])).toEqual({ ids: [94] });
    expect(json2Body('write', [[3], { comment: 'x' }])).toEqual(recorded.write!.request);
    expect(json2Body('button_draft', [[]])).toEqual(recorded['none-result']!.request);
    expect(json2Body('button_validate', [[7]], { context: { skip_backorder: true } })).toEqual({
      ids: [7],
      context: { skip_backorder: true },
    });
  });

  it('sends an @api.model method no ids, its positional arguments by name', () => {
    expect(json2Body('create', [{ name: 'OC-fixture' }])).toEqual(recorded['create-one']!.request);
    expect(json2Body('search', [[['login', '=', 'admin']]], { limit: 1 })).toEqual(
      recorded['search-login']!.request,
    );
    expect(json2Body('search_read', [[], ['name']], { limit: 2 })).toEqual({
      domain: [],
      fields: ['name'],
      limit: 2,
    });
  });

  it('refuses what it cannot name, and an argument given twice', () => {
    expect(() => json2Body('action_confirm', [[1], true])).toThrow(Json2ArgumentError);
    expect(() => json2Body('action_confirm', [[1], true])).toThrow(/action_confirm: .* kwargs/);
    expect(() => json2Body('read', [[1], ['name']], { fields: ['id'] })).toThrow(
      /fields given twice/,
    );
  });
});

describe('json2Result', () => {
  it("gives a single create's id, as execute_kw does, and lists for the rest", () => {
    const one = recorded['create-one']!;
    expect(json2Result('create', [one.request.vals_list], undefined, one.body)).toBe(
      (one.body as number[])[0],
    );
    expect(json2Result('create', [], one.request, one.body)).toBe((one.body as number[])[0]);
    const many = recorded['create-many']!;
    expect(json2Result('create', [many.request.vals_list], undefined, many.body)).toEqual(
      many.body,
    );
    expect(json2Result('search', [[]], undefined, [2])).toEqual([2]);
  });
});

describe('json2Fault', () => {
  it.each([
    ['user-error', 2, 'user'],
    ['missing-error', 2, 'user'],
    ['invalid-key', 3, 'access_denied'],
    ['no-key', 3, 'access_denied'],
    ['access-error-private', 4, 'access'],
    ['unknown-method', 1, 'application'],
    ['unknown-model', 1, 'application'],
    ['model-method-with-ids', 1, 'application'],
    ['unexpected-argument', 1, 'application'],
    ['type-error', 1, 'application'],
  ])('%s is fault %i (%s)', (name, code, tag) => {
    const [status, error] = errorOf(name);
    const fault = json2Fault(status, error);
    expect(fault.faultCode).toBe(code);
    expect(classifyFault(fault.faultCode, fault.faultString)).toBe(tag);
  });

  it('keeps the message of an anticipated error, the traceback of any other', () => {
    expect(json2Fault(...errorOf('user-error')).faultString).toBe(
      'Some orders are not in a state requiring confirmation.',
    );
    const typeError = json2Fault(...errorOf('type-error')).faultString;
    expect(typeError).toMatch(/^Traceback/);
    expect(typeError.trim().split('\n').at(-1)).toBe("TypeError: unhashable type: 'list'");
  });

  it('finds a concurrency failure by its psycopg2 name, as in an XML-RPC traceback', () => {
    const fault = json2Fault(500, {
      name: 'psycopg2.errors.SerializationFailure',
      message: 'could not serialize access due to concurrent update',
    });
    expect(classifyFault(fault.faultCode, fault.faultString)).toBe('concurrency');
  });

  it('tells a server without JSON-2 from an Odoo 19 404', () => {
    expect(isMissingJson2(...errorOf('unknown-database'))).toBe(true);
    expect(isMissingJson2(...errorOf('bare-json2'))).toBe(false);
    expect(isMissingJson2(...errorOf('unknown-method'))).toBe(false);
  });
});
