// Fuzzing the XML-RPC codec both ways between the scenarios' client and the lab; hostile text is
// a value or the decoder's own error, never another exception or a hang.
import fc from 'fast-check';
import {
  decodeMethodResponse,
  encodeMethodCall,
  XmlRpcDecodeError,
} from '../../scenarios/lib/xmlrpc-codec.js';
import { decodeCall, encodeFault, encodeResponse } from '../../src/lab/server/codec.js';
import { ApplicationError } from '../../src/lab/exceptions.js';

const SEED = 20261204;
const LIMIT = { interruptAfterTimeLimit: 3000, markInterruptAsFailure: false };

// Text XML 1.0 can carry: no control characters but tab, newline and CR, no lone surrogates.
const xmlChar = fc
  .string({ unit: 'grapheme', maxLength: 1 })
  // eslint-disable-next-line no-control-regex
  .filter((c) => !/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/.test(c));
const xmlText = fc.oneof(
  fc.string({
    unit: fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', ' ', ']]>', 'é', '𝄞', 'a'),
  }),
  fc.array(xmlChar, { maxLength: 20 }).map((cs) => cs.join('')),
);

/** Values both sides carry alike: int32, finite non-integral doubles, text, booleans, nesting. */
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    xmlText,
    fc.boolean(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      xmlText.filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
}));

/** A structure nested `depth` deep, arrays and structs alternating. */
function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

/** How many arrays deep a value nests (iteratively: no recursion to overflow). */
function depthOf(value: unknown): number {
  let depth = 0;
  while (Array.isArray(value)) {
    value = value[0];
    depth++;
  }
  return depth;
}

/** `good` cut short, or with junk (markup among it) spliced in somewhere. */
function damaged(good: string, markup: string[]): fc.Arbitrary<string>[] {
  const junk = fc.string({ unit: fc.constantFrom('<', '>', '&', '/', 'x', ...markup) });
  return [
    fc.nat({ max: good.length }).map((n) => good.slice(0, n)),
    fc
      .tuple(fc.nat({ max: good.length }), junk)
      .map(([at, text]) => good.slice(0, at) + text + good.slice(at)),
  ];
}

function expectExpat(error: unknown): void {
  expect(error).toBeInstanceOf(ApplicationError);
  expect((error as ApplicationError).pythonType).toBe('xml.parsers.expat.ExpatError');
  expect((error as Error).message).not.toContain('\n');
}

describe('fuzz: the XML-RPC codec both ways', () => {
  it('decodes on the lab what the client encoded, value for value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z_][a-z0-9_.]{0,30}$/),
        fc.array(value, { maxLength: 4 }),
        async (method, params) => {
          const call = await decodeCall(encodeMethodCall(method, params));
          expect(call).toEqual({ method, params });
        },
      ),
      { numRuns: 400, seed: SEED, ...LIMIT },
    );
  });

  it('decodes in the client what the lab encoded, as Odoo sends it', async () => {
    await fc.assert(
      fc.property(value, (v) => {
        const decoded = decodeMethodResponse(encodeResponse(v));
        // Odoo strips control characters; the generated text has none to strip.
        expect(decoded).toEqual({ status: 'value', value: v });
      }),
      { numRuns: 400, seed: SEED + 1, ...LIMIT },
    );
    await fc.assert(
      fc.property(fc.oneof(fc.integer(), xmlText), fc.string(), (code, text) => {
        const decoded = decodeMethodResponse(encodeFault(code, text));
        expect(decoded.status).toBe('fault');
      }),
      { numRuns: 200, seed: SEED + 2, ...LIMIT },
    );
  });

  it('carries deep nesting both ways; nesting past the stack is a RecursionError, as in Odoo', async () => {
    for (const depth of [64, 512]) {
      const v = nested(depth);
      expect(await decodeCall(encodeMethodCall('m', [v]))).toEqual({ method: 'm', params: [v] });
      expect(decodeMethodResponse(encodeResponse(v))).toEqual({ status: 'value', value: v });
    }
    // Odoo's loads() is not recursive: it reads any depth, and so do both decoders here.
    const depth = 10_000;
    const open = '<value><array><data>'.repeat(depth);
    const close = '</data></array></value>'.repeat(depth);
    const call = await decodeCall(
      `<?xml version="1.0"?><methodCall><methodName>m</methodName><params><param>${open}<value><int>1</int></value>${close}</param></params></methodCall>`,
    );
    expect(depthOf(call.params[0])).toBe(depth);
    const answer = decodeMethodResponse(
      `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${open}<value><int>1</int></value>${close}</param>\n</params>\n</methodResponse>\n`,
    );
    expect(answer.status === 'value' && depthOf(answer.value)).toBe(depth);
    // Odoo's Marshaller is recursive: a value too deep to write is RecursionError (fault 1).
    expect(() => encodeResponse(call.params[0])).toThrow(
      expect.objectContaining({ pythonType: 'RecursionError' }),
    );
  });

  it('answers hostile text to the lab decoder with a value or an ExpatError', async () => {
    const good = encodeMethodCall('execute_kw', ['lab', 2, 'pw', 'res.partner', 'read', [[1]]]);
    const hostile = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      // A well-formed call cut short, or with text spliced in.
      ...damaged(good, [']]>', '<!--', '<!DOCTYPE a>', '<value>', '</data>']),
      // Deep nesting left open.
      fc
        .integer({ min: 1, max: 2_000 })
        .map((n) => `<methodCall><params><param>${'<value><array><data>'.repeat(n)}`),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        try {
          const call = await decodeCall(text);
          expect(Array.isArray(call.params)).toBe(true);
        } catch (error) {
          expectExpat(error);
        }
      }),
      { numRuns: 400, seed: SEED + 3, ...LIMIT },
    );
  });

  it('answers hostile text to the client decoder with a value, a fault or an XmlRpcDecodeError', async () => {
    const good = encodeResponse({ a: [1, 'x', { b: true }], c: 2.5 });
    const hostile = fc.oneof(
      fc.string(),
      ...damaged(good, ['<value>', '</struct>', '<nil/>', '<int>9999999999999</int>']),
    );
    await fc.assert(
      fc.property(hostile, (text) => {
        try {
          const response = decodeMethodResponse(text);
          expect(['value', 'fault']).toContain(response.status);
        } catch (error) {
          expect(error).toBeInstanceOf(XmlRpcDecodeError);
          expect((error as Error).message).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: 600, seed: SEED + 4, ...LIMIT },
    );
  });
});
