// Python's own XML-RPC marshaller (the one Odoo's OdooMarshaller extends), fed values as tagged
// JSON: what Odoo would put on the wire, for the tests that hold our codecs to it.
import { execFileSync } from 'node:child_process';

const PYTHON_DUMPS = `
import json, sys, xmlrpc.client as x
def load(v):
    if isinstance(v, dict):
        if '$b64' in v: return x.Binary(bytes(v['$b64']))
        if '$date' in v: return x.DateTime(v['$date'])
        if '$float' in v: return float(v['$float'])
        return {k: load(w) for k, w in v['$struct']}
    if isinstance(v, list): return [load(w) for w in v]
    if isinstance(v, int) and not isinstance(v, bool) and not -2**31 <= v < 2**31: return float(v)
    return v
out = []
for kind, v in json.load(sys.stdin):
    if kind == 'fault': out.append(x.dumps(x.Fault(v[0], v[1]), methodresponse=True))
    else: out.append(x.dumps((load(v),), methodresponse=True, allow_none=True))
json.dump(out, sys.stdout)
`;

/**
 * xmlrpc.client.dumps(..., methodresponse=True) of each item. Values are JSON with tags:
 * `{ $struct: [[key, value], ...] }` (Python keeps insertion order), `{ $float: n }` (a float
 * even when integral), `{ $b64: [bytes] }`, `{ $date: 'YYYYMMDDTHH:MM:SS' }`; a fault is
 * `[code, string]`.
 */
export function pythonDumps(items: ['value' | 'fault', unknown][]): string[] {
  return JSON.parse(
    execFileSync('python3', ['-c', PYTHON_DUMPS], {
      input: JSON.stringify(items),
      encoding: 'utf8',
    }),
  ) as string[];
}
