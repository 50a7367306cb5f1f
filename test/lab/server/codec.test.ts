// The server-side codec: Odoo's marshalling rules on the way out, Odoo's parse errors on the way in.
import fc from 'fast-check';
import { OdooFloat } from '../../../src/lab/contract.js';
import { ApplicationError } from '../../../src/lab/exceptions.js';
import {
  decodeCall,
  encodeFault,
  encodeResponse,
  toWireValue,
} from '../../../src/lab/server/codec.js';
import { decodeResponse } from '../../helpers/fixture-server.js';
import { pythonDumps } from '../../helpers/python-marshal.js';

/** What a lab method returns (integral floats marked OdooFloat), and its tagged form for Python. */
type Pair = { js: unknown; py: unknown };
// Text Odoo can send: no control characters but tab, newline and CR (toWireValue strips the rest).
const text = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', ' ', 'é', '€', '𝄞'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
  })
  // eslint-disable-next-line no-control-regex
  .map((t) => t.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, ''));
const { pair } = fc.letrec<{ pair: Pair }>((tie) => ({
  pair: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((t) => ({ js: t, py: t })),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => ({ js: n, py: n })),
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .filter((d) => !Object.is(d, -0))
      .map((d) => ({ js: Number.isInteger(d) ? new OdooFloat(d) : d, py: { $float: d } })),
    fc.constantFrom(1e16, 1e-5, 0.1, 123456789012345680, 5e-324, 10).map((d) => ({
      js: new OdooFloat(d),
      py: { $float: d },
    })),
    fc.boolean().map((b) => ({ js: b, py: b })),
    fc.array(tie('pair'), { maxLength: 4 }).map((items) => ({
      js: items.map((i) => i.js),
      py: items.map((i) => i.py),
    })),
    // Keys as Python keeps them: in insertion order (a JS object puts integer-like keys first).
    fc
      .uniqueArray(
        fc.tuple(
          text.filter((k) => !/^\d+$/.test(k) && k !== '__proto__'),
          tie('pair'),
        ),
        {
          maxLength: 4,
          selector: ([k]) => k,
        },
      )
      .map((members) => ({
        js: Object.fromEntries(members.map(([k, v]) => [k, v.js])),
        py: { $struct: members.map(([k, v]) => [k, v.py]) },
      })),
  ),
}));

function pythonErrorOf(fn: () => unknown): { type: string; message: string } | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApplicationError)
      return { type: error.pythonType, message: error.message };
    throw error;
  }
  return undefined;
}

describe('server-side XML-RPC codec', () => {
  it("writes answers byte for byte as Python's xmlrpc.client.dumps does: Odoo's layout", () => {
    const pairs = fc.sample(pair, { numRuns: 300, seed: 20261123 });
    const expected = pythonDumps(pairs.map((p) => ['value', p.py]));
    pairs.forEach((p, i) => expect(encodeResponse(p.js)).toBe(expected[i]));
  });

  it("writes faults byte for byte as Python's xmlrpc.client.dumps does", () => {
    const faults: [number | string, string][] = [
      [1, 'TypeError: cannot marshal None unless allow_none is enabled'],
      [2, 'The following orders are not in a state requiring confirmation: S00001 & <S00002>'],
      ['warning -- Warning\n\nNo record', 'Odoo Server Error'],
    ];
    const expected = pythonDumps(faults.map((f) => ['fault', f]));
    faults.forEach(([code, message], i) => expect(encodeFault(code, message)).toBe(expected[i]));
  });

  it('refuses to marshal None, as Odoo with allow_none=False', () => {
    expect(pythonErrorOf(() => encodeResponse(undefined))).toEqual({
      type: 'TypeError',
      message: 'cannot marshal None unless allow_none is enabled',
    });
    expect(pythonErrorOf(() => toWireValue({ a: [1, null] }))?.type).toBe('TypeError');
  });

  it('refuses integers beyond 32 bits with an OverflowError, and accepts the limits', () => {
    expect(pythonErrorOf(() => toWireValue(2 ** 31))?.type).toBe('OverflowError');
    expect(pythonErrorOf(() => toWireValue(-(2 ** 31) - 1))?.type).toBe('OverflowError');
    expect(toWireValue(2 ** 31 - 1)).toBe(2 ** 31 - 1);
  });

  it('writes dates as UTC strings and strips control characters but tab, newline and CR', async () => {
    const xml = encodeResponse({
      when: new Date(Date.UTC(2026, 10, 23, 7, 37, 17)),
      text: 'a\u0001b\tc\nd\re\u001f',
    });
    expect(xml).not.toContain('dateTime.iso8601');
    expect((await decodeResponse(xml)).value).toEqual({
      when: '2026-11-23 07:37:17',
      text: 'ab\tc\nd\re',
    });
  });

  it('writes floats as <double>, integral ones too when marked OdooFloat', () => {
    expect(encodeResponse(34.5)).toContain('<double>34.5</double>');
    expect(encodeResponse(new OdooFloat(10))).toContain('<double>10.0</double>');
    expect(encodeResponse(10)).toContain('<int>10</int>');
    expect(encodeResponse(false)).toContain('<boolean>0</boolean>');
  });

  it('reports a malformed body as the ExpatError Python would raise', async () => {
    await expect(
      decodeCall('<methodCall><methodName>x</methodName><params><param>'),
    ).rejects.toMatchObject({
      pythonType: 'xml.parsers.expat.ExpatError',
    });
    await expect(decodeCall('not xml at all')).rejects.toBeInstanceOf(ApplicationError);
  });

  it('reads nil, i8 and nested values of a call', async () => {
    const call = await decodeCall(
      '<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>' +
        '<param><value><nil/></value></param><param><value><array><data><value><i4>3</i4></value>' +
        '<value>bare</value></data></array></value></param></params></methodCall>',
    );
    expect(call).toEqual({ method: 'execute_kw', params: [null, [3, 'bare']] });
  });
});
