// The XML-RPC wire format on the server side, with Odoo's marshalling rules (OdooMarshaller,
// allow_none=False): the xmlrpc package parses calls and writes responses; this module first
// turns a method's JS result into what Odoo would send, or the Python error Odoo would raise.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { OdooFloat } from '../contract.js';
import { ApplicationError } from '../exceptions.js';

interface Deserializer {
  deserializeMethodCall(
    stream: Readable,
    cb: (err: Error | null, method: string, params: unknown[]) => void,
  ): void;
}
interface Serializer {
  serializeMethodResponse(value: unknown): string;
  serializeFault(fault: { faultCode: number | string; faultString: string }): string;
}
// The xmlrpc package exposes its codec only by module path; its client and server classes own
// the HTTP exchange, which here belongs to the prefork master and its workers.
const require = createRequire(import.meta.url);
const XmlRpcDeserializer = require('xmlrpc/lib/deserializer') as new () => Deserializer;
const serializer = require('xmlrpc/lib/serializer') as Serializer;
const CustomType = require('xmlrpc/lib/customtype') as new (raw: string) => object;

const MAXINT = 2 ** 31 - 1;
const MININT = -(2 ** 31);
// Odoo 17/18 strip the control characters XML 1.0 cannot carry (all below 32 but \t \n \r).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;

export interface MethodCall {
  method: string;
  params: unknown[];
}

/** Parses a methodCall body; malformed XML raises the ExpatError Odoo's loads() would. */
export function decodeCall(body: string): Promise<MethodCall> {
  return new Promise((resolve, reject) => {
    let settled = false;
    new XmlRpcDeserializer().deserializeMethodCall(Readable.from([body]), (err, method, params) => {
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

/** A <double> even when the value is integral, as Python writes floats. */
class XmlRpcDouble extends CustomType {
  constructor(value: number) {
    super(Number.isInteger(value) ? value.toFixed(1) : String(value));
  }
  serialize(xml: { ele(name: string): { txt(text: string): unknown } }): void {
    xml.ele('double').txt((this as unknown as { raw: string }).raw);
  }
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
    return Number.isInteger(value) ? value : new XmlRpcDouble(value);
  }
  if (typeof value === 'bigint') return toWireValue(Number(value));
  if (value instanceof OdooFloat) return new XmlRpcDouble(value.value);
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

/** A methodResponse carrying `value`; throws ApplicationError when Odoo could not marshal it. */
export function encodeResponse(value: unknown): string {
  return serializer.serializeMethodResponse(toWireValue(value));
}

export function encodeFault(faultCode: number | string, faultString: string): string {
  return serializer.serializeFault({
    faultCode,
    faultString: faultString.replace(CONTROL_CHARS, ''),
  });
}
