// Replays one recorded Odoo 17.0 exchange against a lab and checks structure, XML-RPC types and
// fault code and text; values only where asked, since they depend on the lab's data.
import { decodeResponse, type Exchange } from '../../../helpers/fixture-server.js';
import { postXml } from './lab-client.js';
import { responseShape } from './xml-shape.js';

/** The last line of a traceback: Python's `<ExceptionType>: <message>`. */
export function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)!;
}

export async function expectLikeRecorded(
  url: string,
  exchange: Exchange,
  options: { sameValues?: boolean } = {},
): Promise<void> {
  const answer = await postXml(url, exchange.path, exchange.request);
  expect(answer.status).toBe(200);
  expect(answer.contentType).toBe('text/xml; charset=utf-8');
  const got = responseShape(answer.text);
  const want = responseShape(exchange.response);
  if (exchange.name === 'common-version') {
    const { lab: labKey, ...odooKeys } = got.params as Record<string, unknown>;
    expect(labKey).toMatchObject({ name: 'string', cost_profile: 'string', workers: 'int' });
    expect(odooKeys).toEqual(want.params);
  } else {
    expect(got).toEqual(want);
  }
  const [gotValue, wantValue] = await Promise.all([
    decodeResponse(answer.text),
    decodeResponse(exchange.response),
  ]);
  if (wantValue.fault) {
    expect(gotValue.fault?.faultCode).toBe(wantValue.fault.faultCode);
    const text = wantValue.fault.faultCode === 1 ? lastLine : (s: string) => s;
    expect(text(gotValue.fault!.faultString)).toBe(text(wantValue.fault.faultString));
  } else if (options.sameValues && exchange.name !== 'common-version') {
    expect(gotValue.value).toEqual(wantValue.value);
  }
}
