// The server-side codec: Odoo's marshalling rules on the way out, Odoo's parse errors on the way in.
import { OdooFloat } from '../../../src/lab/contract.js';
import { ApplicationError } from '../../../src/lab/exceptions.js';
import { decodeCall, encodeResponse, toWireValue } from '../../../src/lab/server/codec.js';
import { decodeResponse } from '../../helpers/fixture-server.js';

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
