// Statement classes for "DB time by statement class": a pg_stat_statements query reduced to its
// verb and main table ("UPDATE stock_quant"), matching quoted and bare identifiers.

const IDENT = String.raw`"?([a-zA-Z_][a-zA-Z0-9_]*)"?(?:\."?([a-zA-Z_][a-zA-Z0-9_]*)"?)?`;
const FROM = new RegExp(String.raw`\bfrom\s+${IDENT}`, 'i');
const INTO = new RegExp(String.raw`^\s*insert\s+into\s+${IDENT}`, 'i');
const UPDATE = new RegExp(String.raw`^\s*update\s+(?:only\s+)?${IDENT}`, 'i');
const DELETE = new RegExp(String.raw`^\s*delete\s+from\s+(?:only\s+)?${IDENT}`, 'i');

/** The table named by a match: schema-qualified names keep the table part. */
function table(match: RegExpMatchArray | null): string | undefined {
  if (!match) return undefined;
  return match[2] ?? match[1];
}

export function statementClass(query: string): string {
  const sql = query.replace(/\s+/g, ' ').trim();
  const verb = (/^\(?\s*([a-zA-Z]+)/.exec(sql)?.[1] ?? '').toUpperCase();
  switch (verb) {
    case 'SELECT':
    case 'WITH': {
      const from = table(sql.match(FROM));
      const locking = /\bfor (no key )?update\b|\bfor (key )?share\b/i.test(sql);
      const label = locking ? 'SELECT … FOR UPDATE' : 'SELECT';
      return from ? `${label} ${from}` : label;
    }
    case 'INSERT':
      return `INSERT ${table(sql.match(INTO)) ?? '?'}`;
    case 'UPDATE':
      return `UPDATE ${table(sql.match(UPDATE)) ?? '?'}`;
    case 'DELETE':
      return `DELETE ${table(sql.match(DELETE)) ?? '?'}`;
    case 'BEGIN':
    case 'COMMIT':
    case 'ROLLBACK':
    case 'SAVEPOINT':
    case 'RELEASE':
    case 'START':
      return 'transaction control';
    case '':
      return 'other';
    default:
      return verb;
  }
}
