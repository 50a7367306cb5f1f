// The structure and XML-RPC types of a methodResponse without its values, keeping ints and
// doubles distinct (the xmlrpc package's decoder folds them together).

export type Shape = string | Shape[] | { [member: string]: Shape };

interface Token {
  close: boolean;
  name?: string;
  selfClosing?: boolean;
  text?: string;
}

function tokenize(xml: string): Token[] {
  const tokens: Token[] = [];
  const re = /<(\/?)([A-Za-z][\w.]*)[^>]*?(\/?)>|([^<]+)/g;
  for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(re)) {
    if (m[2]) tokens.push({ close: m[1] === '/', name: m[2], selfClosing: m[3] === '/' });
    else if (m[4]!.trim()) tokens.push({ close: false, text: m[4] });
  }
  return tokens;
}

const SCALARS: Record<string, string> = {
  int: 'int',
  i4: 'int',
  i8: 'int',
  boolean: 'boolean',
  string: 'string',
  double: 'double',
  nil: 'nil',
  'dateTime.iso8601': 'datetime',
  base64: 'base64',
};

/** The shape of the first <value> at or after `at`; returns it and the index after its </value>. */
function parseValue(tokens: Token[], at: number): [Shape, number] {
  let i = at;
  while (tokens[i]?.name !== 'value') i++;
  if (tokens[i]!.selfClosing) return ['string', i + 1];
  i++;
  const t = tokens[i]!;
  let shape: Shape;
  if (t.text !== undefined || (t.close && t.name === 'value')) {
    shape = 'string';
  } else if (t.name === 'array') {
    const items: Shape[] = [];
    i++;
    while (!(tokens[i]!.close && tokens[i]!.name === 'array')) {
      if (tokens[i]!.name === 'value' && !tokens[i]!.close) {
        const [item, next] = parseValue(tokens, i);
        items.push(item);
        i = next;
      } else i++;
    }
    shape = items;
  } else if (t.name === 'struct') {
    const members: Record<string, Shape> = {};
    i++;
    while (!(tokens[i]!.close && tokens[i]!.name === 'struct')) {
      if (tokens[i]!.name === 'name' && !tokens[i]!.close) {
        const name = tokens[i + 1]!.text ?? '';
        const [member, next] = parseValue(tokens, i + 2);
        members[name] = member;
        i = next;
      } else i++;
    }
    shape = members;
  } else {
    shape = SCALARS[t.name!] ?? `unknown:${t.name}`;
  }
  // Skip to the matching </value> at this depth.
  let depth = 1;
  i++;
  while (depth > 0 && i < tokens.length) {
    const tok = tokens[i]!;
    if (tok.name === 'value' && !tok.selfClosing) depth += tok.close ? -1 : 1;
    i++;
  }
  return [shape, i];
}

/** `{ fault: shape }` or `{ params: shape }` of a methodResponse body. */
export function responseShape(xml: string): { fault?: Shape; params?: Shape } {
  const tokens = tokenize(xml);
  const isFault = tokens.some((t) => t.name === 'fault');
  const [shape] = parseValue(tokens, 0);
  return isFault ? { fault: shape } : { params: shape };
}
