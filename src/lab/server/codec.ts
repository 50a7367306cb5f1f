// The XML-RPC wire format on the server side with Odoo's marshalling rules; responses written
// byte for byte as Python's xmlrpc.client.dumps writes them.
import { createRequire } from 'node:module';
import { OdooFloat } from '../contract.js';
import { ApplicationError } from '../exceptions.js';

/** What the deserializer does with its source: setEncoding, on('error'), then pipe. */
interface Source {
  setEncoding(encoding: string): void;
  on(event: 'error', listener: (error: Error) => void): void;
  pipe(parser: { write(chunk: string): void; end(): void }): void;
}
interface Deserializer {
  deserializeMethodCall(
    source: Source,
    cb: (err: Error | null, method: string, params: unknown[]) => void,
  ): void;
}
// The xmlrpc package exposes its codec only by module path; its client and server classes own
// the HTTP exchange, which here belongs to the prefork master and its workers.
const require = createRequire(import.meta.url);
const XmlRpcDeserializer = require('xmlrpc/lib/deserializer') as new () => Deserializer;

const MAXINT = 2 ** 31 - 1;
const MININT = -(2 ** 31);
// Odoo 17/18 strip the control characters XML 1.0 cannot carry (all below 32 but \t \n \r).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;

export interface MethodCall {
  method: string;
  params: unknown[];
}

/**
 * The body as the deserializer's source, written to its SAX parser in one chunk at once, as a
 * stream piping one chunk would, without the stream's ticks (a tenth of a ms per call).
 */
function oneChunk(body: string): Source {
  return {
    setEncoding: () => undefined,
    on: () => undefined,
    pipe: (parser) => {
      parser.write(body);
      parser.end();
    },
  };
}

/** Parses a methodCall body; malformed XML raises the ExpatError Odoo's loads() would. */
export function decodeCall(body: string): Promise<MethodCall> {
  if (body === '') {
    return Promise.reject(
      new ApplicationError('xml.parsers.expat.ExpatError', 'no element found: line 1, column 0'),
    );
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    new XmlRpcDeserializer().deserializeMethodCall(oneChunk(body), (err, method, params) => {
      if (settled) return;
      settled = true;
      if (err) reject(new ApplicationError('xml.parsers.expat.ExpatError', firstLine(err.message)));
      else resolve({ method, params });
    });
  });
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** A float on the wire: a <double> even when the value is integral, as Python writes floats. */
export class WireDouble {
  constructor(readonly value: number) {}
}

/**
 * Python's repr() of a float: the shortest digits that read back (JavaScript's too), in fixed
 * notation for decimal exponents from -4 to 15 with at least one digit after the point, else
 * as d.ddde±XX.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const [mantissa, exp] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  return `${sign}${whole}.${digits.slice(e + 1) || '0'}`;
}

/** xmlrpc.client.escape: `&`, `<` and `>` only. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** xmlrpc.client.Marshaller.dump for what toWireValue returns. */
function dump(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push('<value><string>', escape(value), '</string></value>\n');
  else if (typeof value === 'number') out.push('<value><int>', String(value), '</int></value>\n');
  else if (typeof value === 'boolean')
    out.push('<value><boolean>', value ? '1' : '0', '</boolean></value>\n');
  else if (value instanceof WireDouble)
    out.push('<value><double>', pythonFloatRepr(value.value), '</double></value>\n');
  else if (Array.isArray(value)) {
    out.push('<value><array><data>\n');
    for (const item of value) dump(item, out);
    out.push('</data></array></value>\n');
  } else {
    out.push('<value><struct>\n');
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out.push('<member>\n<name>', escape(k), '</name>\n');
      dump(v, out);
      out.push('</member>\n');
    }
    out.push('</struct></value>\n');
  }
}

/** xmlrpc.client.dumps(..., methodresponse=True): the params, or a fault's struct. */
function dumpsResponse(body: (out: string[]) => void): string {
  const out = ["<?xml version='1.0'?>\n<methodResponse>\n"];
  body(out);
  out.push('</methodResponse>\n');
  return out.join('');
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Odoo's DEFAULT_SERVER_DATETIME_FORMAT in UTC, as OdooMarshaller.dump_datetime writes it. */
export function formatDatetime(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/**
 * What OdooMarshaller would put on the wire for `value`: dates as strings, control characters
 * stripped, floats as doubles. Raises Python's TypeError for None and OverflowError for ints
 * beyond 32 bits, which the caller turns into fault 1.
 */
export function toWireValue(value: unknown): unknown {
  if (value === null || value === undefined) {
    throw new ApplicationError('TypeError', 'cannot marshal None unless allow_none is enabled');
  }
  if (typeof value === 'string') return value.replace(CONTROL_CHARS, '');
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && (value > MAXINT || value < MININT)) {
      throw new ApplicationError('OverflowError', 'int exceeds XML-RPC limits');
    }
    return Number.isInteger(value) ? value : new WireDouble(value);
  }
  if (typeof value === 'bigint') return toWireValue(Number(value));
  if (value instanceof OdooFloat) return new WireDouble(value.value);
  if (value instanceof Date) return formatDatetime(value);
  if (Buffer.isBuffer(value)) return toWireValue(value.toString('utf8'));
  if (Array.isArray(value)) return value.map(toWireValue);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toWireValue(v)]),
    );
  }
  throw new ApplicationError('TypeError', `cannot marshal ${typeof value} objects`);
}

/**
 * A methodResponse carrying `value`; throws ApplicationError when Odoo could not marshal it: a
 * value nested deeper than the stack allows is Python's RecursionError, as Odoo's recursive
 * Marshaller raises it (at a few hundred levels there, a few thousand here).
 */
export function encodeResponse(value: unknown): string {
  try {
    const wire = toWireValue(value);
    return dumpsResponse((out) => {
      out.push('<params>\n<param>\n');
      dump(wire, out);
      out.push('</param>\n</params>\n');
    });
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new ApplicationError('RecursionError', 'maximum recursion depth exceeded');
    }
    throw error;
  }
}

export function encodeFault(faultCode: number | string, faultString: string): string {
  const fault = { faultCode, faultString: faultString.replace(CONTROL_CHARS, '') };
  return dumpsResponse((out) => {
    out.push('<fault>\n');
    dump(fault, out);
    out.push('</fault>\n');
  });
}
