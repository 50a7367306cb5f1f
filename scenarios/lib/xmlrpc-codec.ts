// The XML-RPC codec the k6 scenarios speak, pure TypeScript tested by vitest; decoding is one
// forward scan with no token objects, since k6 has no DOM or SAX parser.
import { decodeBase64, encodeBase64 } from './base64.ts';

/** A decoded XML-RPC value. `<nil/>` decodes as null, `<base64>` as bytes, dates as Date (UTC). */
export type XmlRpcValue =
  | string
  | number
  | boolean
  | null
  | Date
  | Uint8Array
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue };

/** `status`, as the transports' CallResult has it, so a transport can pass a value on as it is. */
export type MethodResponse =
  | { status: 'value'; value: XmlRpcValue }
  | { status: 'fault'; faultCode: number | string; faultString: string };

/** The body is not a well-formed XML-RPC methodResponse. */
export class XmlRpcDecodeError extends Error {
  override readonly name = 'XmlRpcDecodeError';
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Escapes text for XML content. CR becomes a character reference so parsers keep it. */
const UNSAFE_TEXT = /[&<>\r]/;

function escapeText(text: string): string {
  return UNSAFE_TEXT.test(text) ? escapeUnsafe(text) : text;
}

function escapeUnsafe(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Python's xmlrpc.client form, naive UTC: 20261123T07:37:17 (Odoo reads naive datetimes as UTC). */
function encodeDateTime(date: Date): string {
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    'T' +
    pad(date.getUTCHours(), 2) +
    ':' +
    pad(date.getUTCMinutes(), 2) +
    ':' +
    pad(date.getUTCSeconds(), 2)
  );
}

// k6's engine allocates a new string for each `+`, and under load each allocation costs about as
// much as 20 interpreted operations, as does each function call: a template literal builds its
// whole string in one, and an array's items are encoded in the array's own loop. Long arrays join
// their parts once (concatenation in a loop copies the whole string each time and grows
// quadratically: 3,000 domain values took 166 ms against 12 ms).
const JOIN_ABOVE = 16;

function valueXml(value: unknown, where: string): string {
  switch (typeof value) {
    case 'string':
      return `<value><string>${UNSAFE_TEXT.test(value) ? escapeUnsafe(value) : value}</string></value>`;
    case 'number':
      // (value | 0) === value: an integer within int32, in one operation (-0 is 0 to Odoo).
      if ((value | 0) === value) return `<value><int>${value}</int></value>`;
      if (value - value !== 0) throw new TypeError(`${where}: XML-RPC cannot carry ${value}`);
      return `<value><double>${value}</double></value>`;
    case 'boolean':
      return value ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>';
    case 'undefined':
      return '<value><nil/></value>';
    case 'object':
      break;
    default:
      throw new TypeError(`${where}: XML-RPC cannot carry a ${typeof value}`);
  }
  if (value === null) return '<value><nil/></value>';
  // instanceof, not Array.isArray: an operation, not a call (a VU has one realm).
  if (value instanceof Array) {
    const n = value.length;
    if (n > JOIN_ABOVE) {
      const parts = new Array<string>(n);
      for (let i = 0; i < n; i++) parts[i] = valueXml(value[i], where);
      return `<value><array><data>${parts.join('')}</data></array></value>`;
    }
    let xml = n === 0 ? '' : valueXml(value[0], where);
    for (let i = 1; i < n; i++) xml += valueXml(value[i], where);
    return `<value><array><data>${xml}</data></array></value>`;
  }
  if (value instanceof Date) {
    return `<value><dateTime.iso8601>${encodeDateTime(value)}</dateTime.iso8601></value>`;
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(value);
    return `<value><base64>${encodeBase64(bytes)}</base64></value>`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let xml = '';
  for (let i = 0; i < keys.length; i++) {
    const member = record[keys[i]!];
    // Like Odoo's own clients, an undefined member is left out rather than sent as nil.
    if (member === undefined) continue;
    xml += `<member><name>${escapeText(keys[i]!)}</name>${valueXml(member, where)}</member>`;
  }
  return `<value><struct>${xml}</struct></value>`;
}

/** One value's `<value>` element; `where` names it in an error. */
export const encodeValue: (value: unknown, where: string) => string = valueXml;

/** One `<param>` element, for callers that cache the constant head of a call. */
export function encodeParam(value: unknown): string {
  return `<param>${valueXml(value, 'param')}</param>`;
}

/** The start of a methodCall, up to and including `<params>`. */
export function encodeCallHead(method: string): string {
  return `<?xml version="1.0"?><methodCall><methodName>${escapeText(method)}</methodName><params>`;
}

export const CALL_TAIL = '</params></methodCall>';

export function encodeMethodCall(method: string, params: readonly unknown[]): string {
  let xml = '';
  for (let i = 0; i < params.length; i++) {
    xml += `<param>${valueXml(params[i], `${method} param ${i + 1}`)}</param>`;
  }
  return `${encodeCallHead(method)}${xml}${CALL_TAIL}`;
}

// ---------------------------------------------------------------------------------------------
// Decoding

// A bare `&` or an unknown entity is malformed XML: say so rather than guess.
const ENTITY = /&(#x[0-9a-fA-F]+;|#[0-9]+;|[A-Za-z]+;)?/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function resolveEntity(match: string, ref: string | undefined): string {
  if (ref !== undefined) {
    if (ref.charCodeAt(0) === 35 /* # */) {
      const hex = ref.charCodeAt(1) === 120; /* x */
      return String.fromCodePoint(parseInt(ref.slice(hex ? 2 : 1, -1), hex ? 16 : 10));
    }
    const named = NAMED[ref.slice(0, -1)];
    if (named !== undefined) return named;
  }
  throw new XmlRpcDecodeError(`unknown or unterminated entity "${match}"`);
}

function decodeEntities(raw: string): string {
  return raw.indexOf('&') < 0 ? raw : raw.replace(ENTITY, resolveEntity);
}

const ISO8601 =
  /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** dateTime.iso8601 in any of its common forms; without an offset it is UTC, as Odoo means it. */
function decodeDateTime(text: string): Date {
  const m = ISO8601.exec(text.trim());
  if (!m) throw new XmlRpcDecodeError(`not an ISO 8601 date-time: "${text}"`);
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let time = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    time -= sign * minutes * 60_000;
  }
  return new Date(time);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  fail(expected: string): never {
    const near = this.s.slice(this.i, this.i + 30).replace(/\s+/g, ' ');
    throw new XmlRpcDecodeError(`expected ${expected} at offset ${this.i} near "${near}"`);
  }

  /** Skips whitespace, comments and processing instructions between elements. */
  skipSpace(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (isSpace(c)) {
        i++;
      } else if (c === 60 && s.charCodeAt(i + 1) === 33 && s.startsWith('<!--', i)) {
        const end = s.indexOf('-->', i + 4);
        if (end < 0) this.fail('end of comment');
        i = end + 3;
      } else if (c === 60 && s.charCodeAt(i + 1) === 63 /* ? */) {
        const end = s.indexOf('?>', i + 2);
        if (end < 0) this.fail('end of declaration');
        i = end + 2;
      } else {
        break;
      }
    }
    this.i = i;
  }

  /** True when the next element (after whitespace) is `<name ...>`. */
  at(name: string): boolean {
    this.skipSpace();
    const s = this.s;
    const i = this.i;
    if (s.charCodeAt(i) !== 60 || !s.startsWith(name, i + 1)) return false;
    const c = s.charCodeAt(i + 1 + name.length);
    return c === 62 || c === 47 || isSpace(c);
  }

  /** Consumes `<name>`; returns true when it was self-closing (`<name/>`). */
  open(name: string): boolean {
    if (!this.at(name)) this.fail(`<${name}>`);
    const end = this.s.indexOf('>', this.i + name.length + 1);
    if (end < 0) this.fail(`end of <${name}>`);
    this.i = end + 1;
    return this.s.charCodeAt(end - 1) === 47;
  }

  close(name: string): void {
    this.skipSpace();
    const s = this.s;
    const i = this.i;
    if (s.charCodeAt(i) !== 60 || s.charCodeAt(i + 1) !== 47 || !s.startsWith(name, i + 2)) {
      this.fail(`</${name}>`);
    }
    let j = i + 2 + name.length;
    while (isSpace(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) !== 62) this.fail(`</${name}>`);
    this.i = j + 1;
  }

  /** Character data up to the next tag, with CDATA sections and entities resolved. */
  text(): string {
    const s = this.s;
    let i = this.i;
    let out: string | undefined;
    for (;;) {
      const lt = s.indexOf('<', i);
      if (lt < 0) this.fail('a closing tag');
      const chunk = decodeEntities(s.slice(i, lt));
      out = out === undefined ? chunk : out + chunk;
      if (!s.startsWith('<![CDATA[', lt)) {
        this.i = lt;
        return out;
      }
      const end = s.indexOf(']]>', lt + 9);
      if (end < 0) this.fail('end of CDATA');
      out += s.slice(lt + 9, end);
      i = end + 3;
    }
  }

  /** `<name>text</name>` or `<name/>` (empty). */
  scalar(name: string): string {
    if (this.open(name)) return '';
    const text = this.text();
    this.close(name);
    return text;
  }

  value(): XmlRpcValue {
    if (this.open('value')) return '';
    const s = this.s;
    const start = this.i;
    const lt = s.indexOf('<', start);
    if (lt < 0) this.fail('</value>');
    // An untyped value is a string: `<value>text</value>`, whitespace included.
    if (s.startsWith('</value', lt) || s.startsWith('<![CDATA[', lt)) {
      const text = this.text();
      this.close('value');
      return text;
    }
    for (let k = start; k < lt; k++) if (!isSpace(s.charCodeAt(k))) this.fail('a type element');
    this.i = lt;
    const value = this.typed();
    this.close('value');
    return value;
  }

  typed(): XmlRpcValue {
    const c = this.s.charCodeAt(this.i + 1);
    switch (c) {
      case 115 /* s */:
        if (this.at('string')) return this.scalar('string');
        if (this.at('struct')) return this.struct();
        break;
      case 105 /* i */:
        if (this.at('int')) return this.integer('int');
        if (this.at('i4')) return this.integer('i4');
        if (this.at('i8')) return this.integer('i8');
        break;
      case 100 /* d */:
        if (this.at('double')) return this.double();
        if (this.at('dateTime.iso8601')) return decodeDateTime(this.scalar('dateTime.iso8601'));
        break;
      case 98 /* b */:
        if (this.at('boolean')) return this.boolean();
        if (this.at('base64')) return this.base64();
        break;
      case 97 /* a */:
        if (this.at('array')) return this.array();
        break;
      case 110 /* n */:
        if (this.at('nil')) return this.nil('nil');
        break;
      case 101 /* e */:
        if (this.at('ex:nil')) return this.nil('ex:nil');
        break;
    }
    return this.fail('an XML-RPC type (int, string, struct, ...)');
  }

  integer(name: string): number {
    const text = this.scalar(name);
    const n = Number(text);
    if (text.length === 0 || !Number.isInteger(n)) this.fail(`an integer in <${name}>`);
    return n;
  }

  double(): number {
    const text = this.scalar('double');
    const n = Number(text);
    if (text.length > 0 && !Number.isNaN(n)) return n;
    // Python's repr() of non-finite floats.
    switch (text.trim().toLowerCase()) {
      case 'inf':
        return Infinity;
      case '-inf':
        return -Infinity;
      case 'nan':
        return NaN;
    }
    return this.fail('a number in <double>');
  }

  boolean(): boolean {
    const text = this.scalar('boolean').trim();
    if (text === '1' || text === 'true') return true;
    if (text === '0' || text === 'false') return false;
    return this.fail('0 or 1 in <boolean>');
  }

  base64(): Uint8Array {
    const text = this.scalar('base64');
    try {
      return decodeBase64(text);
    } catch (error) {
      return this.fail(`base64 text (${(error as Error).message})`);
    }
  }

  nil(name: string): null {
    if (!this.open(name)) this.close(name);
    return null;
  }

  array(): XmlRpcValue[] {
    const items: XmlRpcValue[] = [];
    if (this.open('array')) return items;
    if (!this.open('data')) {
      while (!this.atClose('data')) items.push(this.value());
      this.close('data');
    }
    this.close('array');
    return items;
  }

  struct(): { [key: string]: XmlRpcValue } {
    const record: { [key: string]: XmlRpcValue } = {};
    if (this.open('struct')) return record;
    while (!this.atClose('struct')) {
      this.open('member');
      let key: string;
      let value: XmlRpcValue;
      // The spec puts <name> first; accept either order as Python's and Java's parsers do.
      if (this.at('name')) {
        key = this.scalar('name');
        value = this.value();
      } else {
        value = this.value();
        key = this.scalar('name');
      }
      this.close('member');
      if (key === '__proto__') {
        Object.defineProperty(record, key, { value, enumerable: true, writable: true });
      } else {
        record[key] = value;
      }
    }
    this.close('struct');
    return record;
  }

  atClose(name: string): boolean {
    this.skipSpace();
    return this.s.charCodeAt(this.i) === 60 && this.s.startsWith(name, this.i + 2)
      ? this.s.charCodeAt(this.i + 1) === 47
      : false;
  }

  end(): void {
    this.skipSpace();
    if (this.i < this.s.length) this.fail('end of document');
  }
}

/** A fault's struct as a MethodResponse, or undefined when it is not one. */
function faultResponse(fault: XmlRpcValue): MethodResponse | undefined {
  if (fault === null || typeof fault !== 'object' || Array.isArray(fault)) return undefined;
  if (fault instanceof Date || fault instanceof Uint8Array) return undefined;
  const { faultCode, faultString } = fault as Record<string, XmlRpcValue>;
  if (typeof faultCode !== 'number' && typeof faultCode !== 'string') return undefined;
  return {
    status: 'fault',
    faultCode,
    faultString: typeof faultString === 'string' ? faultString : '',
  };
}

/** The exact decoder: a forward scan over every form XML-RPC allows. */
function decodeByScan(xml: string): MethodResponse {
  const r = new Reader(xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml);
  r.open('methodResponse');
  let response: MethodResponse;
  if (r.at('fault')) {
    r.open('fault');
    response = faultResponse(r.value()) ?? r.fail('a struct with faultCode in <fault>');
    r.close('fault');
  } else {
    r.open('params');
    r.open('param');
    response = { status: 'value', value: r.value() };
    r.close('param');
    r.close('params');
  }
  r.close('methodResponse');
  r.end();
  return response;
}

// The fast path. k6's JavaScript engine interprets each step of the scan above (about 200 µs of
// CPU for a 300-byte answer), but runs regular expressions, string replacement and JSON.parse
// natively. So the answer Odoo sends — ints, doubles, booleans, nil, strings, structs and arrays —
// is rewritten to JSON in one native pass: each run of adjacent tags (with the whitespace between
// them: Odoo puts a newline after most tags; a boolean's 0 or 1 counts as part of its run) becomes
// its JSON punctuation, worked out once per distinct run and remembered, while the text between
// runs stays. JSON.parse reads the result. methodResponse, params and fault become sentinel
// strings no text can produce (a text cannot hold a backslash here), so the parsed shape proves
// the document's structure: a truncated body or a missing element does not parse or does not fit.
// An int's text is followed by ".0", so only an integer's digits parse (1.5.0 and 1e5.0 do not),
// and parse as that integer. Bodies where the rewrite could change the meaning fall back to the
// scan: any `"`, `\` or `&` in a text (each is a run of its own that no tag maps), CDATA or comments, dates, base64, an unknown tag, an
// untyped value, whitespace a string would keep, a string with control characters (JSON.parse
// refuses those), or anything that does not parse to the expected shape. For every well-formed
// answer the result is the scan's (a property test over what Python marshals holds them equal).
//
// Each native pass costs k6 tens of microseconds when its caches are cold (a paced load test, one
// call per iteration): one pass, one parse, and the fewest checks that keep it exact.

/** Sentinels: a text on the fast path cannot hold them (JSON refuses them raw, and escaped they need a backslash). */
const RESPONSE = '\u0001';
const PARAMS = '\u0002';
const FAULT = '\u0003';
/** A sentinel as a JSON string, escaped. */
const jsonString = (sentinel: string): string => JSON.stringify(sentinel);
/** Each tag's JSON. A value ends with a comma; the commas before `]` and `}` are dropped after. */
const TAG_JSON = new Map<string, string>([
  ['<?xml version="1.0"?>', ''],
  ["<?xml version='1.0'?>", ''],
  ['<methodResponse>', `[${jsonString(RESPONSE)},`],
  ['</methodResponse>', ']'],
  ['<params>', `${jsonString(PARAMS)},`],
  ['</params>', ''],
  ['<param>', ''],
  ['</param>', ''],
  ['<fault>', `${jsonString(FAULT)},`],
  ['</fault>', ''],
  ['<value>', ''],
  ['</value>', ','],
  ['<value/>', '"",'],
  ['<int>', ''],
  ['</int>', '.0'],
  ['<i4>', ''],
  ['</i4>', '.0'],
  ['<i8>', ''],
  ['</i8>', '.0'],
  ['<boolean>1</boolean>', 'true'],
  ['<boolean>0</boolean>', 'false'],
  ['<nil/>', 'null'],
  ['<nil>', 'null'],
  ['</nil>', ''],
  ['<ex:nil/>', 'null'],
  ['<string>', '"'],
  ['</string>', '"'],
  ['<string/>', '""'],
  ['<double>', ''],
  ['</double>', ''],
  ['<struct>', '{'],
  ['</struct>', '}'],
  ['<struct/>', '{}'],
  ['<array>', ''],
  ['</array>', ''],
  ['<array/>', '[]'],
  ['<data>', '['],
  ['</data>', ']'],
  ['<data/>', '[]'],
  ['<member>', ''],
  ['</member>', ''],
  ['<name>', '"'],
  ['</name>', '":'],
]);
/** Closing tags whose element holds text: whitespace before them is part of the text. */
const TEXT_CLOSERS = new Set([
  '</value>',
  '</string>',
  '</name>',
  '</double>',
  '</int>',
  '</i4>',
  '</i8>',
]);
/**
 * A tag, a boolean with its value (so that 1 and 0 become true and false in the run's JSON), or
 * a character JSON would read differently from XML in a text: `&` (an entity), `"` and `\\`.
 * Those make runs of their own, which no tag maps, so the body goes to the scan; a `"` in a tag
 * (the XML declaration's) is part of the tag. CDATA and comments are tags no run maps either.
 */
const TAG = '(?:<boolean>[01]</boolean>|<[^>]+>|[&"\\\\])';
const TAG_RUN = new RegExp(`${TAG}(?:[ \\t\\r\\n]*${TAG})*`, 'g');
const SPACED_TAG = new RegExp(`[ \\t\\r\\n]*${TAG}`, 'g');
/**
 * JSON of the tag runs seen so far, per VU. A run the fast path declines maps to a NUL, which no
 * JSON document can hold, so the parse fails and the scan takes the body.
 */
const runJson = new Map<string, string>();
const DECLINED = '\u0000';
const RUN_CACHE_LIMIT = 2000;
/**
 * The replacement for each run: Map.get itself, bound, so that the engine calls native code per
 * run rather than back into JavaScript. A run not seen yet becomes "undefined", and the body is
 * rewritten again by jsonOfRun, which learns it.
 */
const knownRunJson = runJson.get.bind(runJson) as (run: string) => string;

function jsonOfRun(run: string): string {
  let json = runJson.get(run);
  if (json !== undefined) return json;
  json = '';
  const tags = run.match(SPACED_TAG)!;
  let previous = '';
  for (let i = 0; i < tags.length; i++) {
    let tag = tags[i]!;
    if (tag.charCodeAt(0) !== 60 /* < */) {
      tag = tag.trimStart();
      if (TEXT_CLOSERS.has(tag)) {
        json = DECLINED;
        break;
      }
    }
    let piece = TAG_JSON.get(tag);
    if (piece === undefined) {
      json = DECLINED;
      break;
    }
    if (tag === '</value>' && previous === '<value>') piece = '"",';
    // A value's comma before a closing bracket in the same run goes here, once per run.
    if ((piece === '}' || piece === ']') && json.endsWith(',')) json = json.slice(0, -1);
    json += piece;
    previous = tag;
  }
  // A run that ends inside <value> leaves an untyped value (a string) to the text after it.
  if (previous === '<value>') json = DECLINED;
  if (runJson.size < RUN_CACHE_LIMIT) runJson.set(run, json);
  return json;
}

function decodeByJson(xml: string): MethodResponse | undefined {
  let text = xml.replace(TAG_RUN, knownRunJson);
  // A run not seen before (or a text that says "undefined"): learn the runs, in JavaScript.
  if (text.indexOf('undefined') >= 0) text = xml.replace(TAG_RUN, jsonOfRun);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  // [RESPONSE, PARAMS, value] or [RESPONSE, FAULT, fault], nothing else: one array, as
  // each level of nesting costs JSON.parse in k6 about 2 µs.
  if (!Array.isArray(doc) || doc.length !== 3 || doc[0] !== RESPONSE) return undefined;
  const value = doc[2] as XmlRpcValue;
  if (doc[1] === PARAMS) return { status: 'value', value };
  return doc[1] === FAULT ? faultResponse(value) : undefined;
}

// Answers that are a constant. write, action_confirm, action_assign and button_validate answer
// True, action_post False: byte for byte the same body each time (one call in three of a
// carrier-burst update). Once decoded, such a body is looked up whole (one native hash).
// Only booleans and nil: an answer holding an id or a record differs from call to call and would
// only fill the table. The response is frozen, as every caller shares it.
const CONSTANT_ANSWER_MAX = 200;
const CONSTANT_ANSWER_LIMIT = 64;
const constantAnswers = new Map<string, MethodResponse>();

/** Decodes a methodResponse body: its single value, or its fault's code and string. */
export function decodeMethodResponse(xml: string): MethodResponse {
  const short = xml.length <= CONSTANT_ANSWER_MAX;
  const known = short ? constantAnswers.get(xml) : undefined;
  if (known !== undefined) return known;
  const response = decodeByJson(xml) ?? decodeByScan(xml);
  if (short && response.status === 'value' && constantAnswers.size < CONSTANT_ANSWER_LIMIT) {
    const value = response.value;
    if (value === null || typeof value === 'boolean')
      constantAnswers.set(xml, Object.freeze(response));
  }
  return response;
}

/** The two decoders alone, for the tests that hold the fast path to the scan. */
export const decodeMethodResponseByScan = decodeByScan;
/** undefined when the body is not one the fast path takes. */
export const decodeMethodResponseByJson = decodeByJson;
