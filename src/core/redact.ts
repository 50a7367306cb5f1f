// Secret redaction for free-text lines (logs, error lines, k6's stderr); documents are never
// redacted, since no secret enters them by construction.

const MASK = '***';
/**
 * Shorter secrets are not masked as free text: a password such as `admin`, `odoo` or `lab` is
 * also a login, a database or a word of every message, and masking it everywhere corrupts what
 * it touches. `doctor` warns about a secret too short or too common to be masked.
 */
export const MIN_MASKED_SECRET_LENGTH = 8;

/**
 * Passwords and words too common to be masked as free text (they are words of the toolkit's own
 * messages, names of databases and users): compared case-insensitively.
 */
const COMMON_SECRETS = new Set([
  'admin',
  'administrator',
  'odoo',
  'password',
  'passw0rd',
  'password1',
  'lab',
  'test',
  'testing',
  'demo',
  'secret',
  'postgres',
  'postgresql',
  'root',
  'user',
  'changeme',
  'welcome',
  'letmein',
  'qwerty',
  'qwertyuiop',
  'default',
  'master',
  'monitor',
  'staging',
  'production',
  '12345678',
  '123456789',
  '1234567890',
  'iloveyou',
  'sunshine',
]);

/** Why a secret cannot be masked safely in logs (too short, too common), or undefined. */
export function secretMaskingProblem(value: string): string | undefined {
  if (value.length < MIN_MASKED_SECRET_LENGTH)
    return `shorter than ${MIN_MASKED_SECRET_LENGTH} characters`;
  if (COMMON_SECRETS.has(value.toLowerCase())) return 'a common word or password';
  return undefined;
}

// Every Secret's value, so that it is masked even where it appears without a telltale key.
// A process-wide set is the one global here: a secret must stay masked whichever module prints.
const knownSecrets = new Set<string>();

export function registerSecretValue(value: string): void {
  if (secretMaskingProblem(value) === undefined) knownSecrets.add(value);
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s@/]*)@/gi;
// key=value, key: value and "key": "value", where the key names a secret. An unquoted value does
// not start with "=": base64 text ending in "pwd==" or "token==" is not an assignment.
const SECRET_ASSIGNMENT =
  /\b([A-Z0-9_]*?(?:password|passwd|pwd|api[_-]?key|secret|token)[A-Z0-9_]*["']?)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}=][^\s,;&"'}]*)/gi;

/** The passwords inside the URLs of a text (non-empty ones), as they are written there. */
export function urlPasswords(text: string): string[] {
  return [...text.matchAll(URL_CREDENTIALS)].map((m) => m[3]!).filter((p) => p !== '');
}

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
