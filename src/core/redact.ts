// Secret redaction for every line the toolkit writes: known secret values, credentials inside
// URLs, and key=value pairs whose key names a secret.

const MASK = '***';
const MIN_SECRET_LENGTH = 3;

// Every Secret's value, so that it is masked even where it appears without a telltale key.
// A process-wide set is the one global here: a secret must stay masked whichever module prints.
const knownSecrets = new Set<string>();

export function registerSecretValue(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) knownSecrets.add(value);
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s@/]*)@/gi;
// key=value, key: value and "key": "value", where the key names a secret.
const SECRET_ASSIGNMENT =
  /\b([A-Z0-9_]*?(?:password|passwd|pwd|api[_-]?key|secret|token)[A-Z0-9_]*["']?)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/gi;

/** Returns text with every secret it can recognise replaced by ***. */
export function redact(text: string): string {
  let out = text.replace(
    URL_CREDENTIALS,
    (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`,
  );
  out = out.replace(SECRET_ASSIGNMENT, (_m, key: string, sep: string, value: string) =>
    value.startsWith('"') ? `${key}${sep}"${MASK}"` : `${key}${sep}${MASK}`,
  );
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
