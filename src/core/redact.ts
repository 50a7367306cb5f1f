// Secret redaction for every line the toolkit writes: known secret values, credentials inside
// URLs, and key=value pairs whose key names a secret.

const MASK = '***';
/**
 * Shorter secrets are not masked as free text: a password such as `admin`, `odoo` or `lab` is
 * also a login, a database or a word of every message, and masking it everywhere corrupts what
 * the toolkit writes (a run.json whose "odoo" key became "***"). Secrets never enter documents by
 * design; this masking is the second line of defence, and `doctor` warns about a short secret.
 */
export const MIN_MASKED_SECRET_LENGTH = 8;

// Every Secret's value, so that it is masked even where it appears without a telltale key.
// A process-wide set is the one global here: a secret must stay masked whichever module prints.
const knownSecrets = new Set<string>();

export function registerSecretValue(value: string): void {
  if (value.length >= MIN_MASKED_SECRET_LENGTH) knownSecrets.add(value);
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s@/]*)@/gi;
// key=value, key: value and "key": "value", where the key names a secret. An unquoted value does
// not start with "=": base64 text ending in "pwd==" or "token==" is not an assignment.
const SECRET_ASSIGNMENT =
  /\b([A-Z0-9_]*?(?:password|passwd|pwd|api[_-]?key|secret|token)[A-Z0-9_]*["']?)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}=][^\s,;&"'}]*)/gi;
/** A property name that names a secret: its value is masked whole. */
const SECRET_KEY = /^[A-Z0-9_-]*?(?:password|passwd|pwd|api[_-]?key|secret|token)[A-Z0-9_-]*$/i;

/** Credentials inside URLs and values assigned to keys that name a secret, masked. */
function redactPatterns(text: string): string {
  return text
    .replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`)
    .replace(SECRET_ASSIGNMENT, (_m, key: string, sep: string, value: string) =>
      value.startsWith('"') ? `${key}${sep}"${MASK}"` : `${key}${sep}${MASK}`,
    );
}

/** Returns text with every secret it can recognise replaced by ***. */
export function redact(text: string): string {
  let out = redactPatterns(text);
  // Longest first, so that a secret containing another is masked whole.
  const values = [...knownSecrets].sort((a, b) => b.length - a.length);
  for (const value of values) {
    if (out.includes(value)) out = out.split(value).join(MASK);
  }
  return out;
}

/**
 * A value as JSON text, redacted value by value: each string through redact, each property name
 * through the patterns only (a name is data the toolkit chose, never a secret's value), and
 * whatever sits under a name that names a secret masked whole. Redacting the text instead can
 * break it: a pattern may span a closing quote and the next string.
 */
export function redactedJson(value: unknown, space?: number): string {
  return JSON.stringify(
    value,
    (key, v: unknown) => {
      if (key !== '' && SECRET_KEY.test(key) && (typeof v === 'string' || typeof v === 'number'))
        return MASK;
      if (typeof v === 'string') return redact(v);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const entries = Object.entries(v);
      if (entries.every(([k]) => redactPatterns(k) === k)) return v;
      return Object.fromEntries(entries.map(([k, x]) => [redactPatterns(k), x]));
    },
    space,
  );
}

/** A URL safe to show or store: the password is removed, the rest kept. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    return parsed.toString();
  } catch {
    return redact(url);
  }
}
