// PostgreSQL errors as psycopg2 names them, and which Odoo's `retrying` retries or turns into
// fault 2 (docs/odoo-api.md, "Transactions and concurrency").

/** SQLSTATEs Odoo retries: SERIALIZATION_FAILURE, DEADLOCK_DETECTED, LOCK_NOT_AVAILABLE. */
export const CONCURRENCY_CODES = new Set(['40001', '40P01', '55P03']);

/** errorcodes.lookup names, used in Odoo's retry log line. */
const CODE_NAMES: Record<string, string> = {
  '40001': 'SERIALIZATION_FAILURE',
  '40P01': 'DEADLOCK_DETECTED',
  '55P03': 'LOCK_NOT_AVAILABLE',
};

/** psycopg2.errors class names of the SQLSTATEs the lab can meet. */
const PSYCOPG_CLASSES: Record<string, string> = {
  '40001': 'SerializationFailure',
  '40P01': 'DeadlockDetected',
  '55P03': 'LockNotAvailable',
  '57014': 'QueryCanceled',
  '23505': 'UniqueViolation',
  '23502': 'NotNullViolation',
  '23503': 'ForeignKeyViolation',
  '23514': 'CheckViolation',
  '23P01': 'ExclusionViolation',
  '42P01': 'UndefinedTable',
  '42703': 'UndefinedColumn',
  '42601': 'SyntaxError',
  '22P02': 'InvalidTextRepresentation',
  '22003': 'NumericValueOutOfRange',
  '3D000': 'InvalidCatalogName',
};

/** The DB-API base class psycopg2 derives from the SQLSTATE class. */
function baseClass(code: string): string {
  const cls = code.slice(0, 2);
  if (cls === '23') return 'IntegrityError';
  if (cls === '22') return 'DataError';
  if (cls === '42') return 'ProgrammingError';
  if (['08', '40', '53', '55', '57', '58', '3D'].includes(cls)) return 'OperationalError';
  return 'InternalError';
}

export interface PgError extends Error {
  code: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** An error the PostgreSQL server raised (node-postgres DatabaseError), with its SQLSTATE. */
export function isPgError(error: unknown): error is PgError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as unknown as { code: string }).code) &&
    'severity' in error
  );
}

export function isConcurrencyError(error: unknown): error is PgError {
  return isPgError(error) && CONCURRENCY_CODES.has(error.code);
}

export function isIntegrityError(error: unknown): error is PgError {
  return isPgError(error) && error.code.startsWith('23');
}

/** "psycopg2.errors.SerializationFailure", as the last line of Odoo's traceback names it. */
export function psycopgType(code: string): string {
  const specific = PSYCOPG_CLASSES[code];
  return specific ? `psycopg2.errors.${specific}` : `psycopg2.${baseClass(code)}`;
}

export function codeName(code: string): string {
  return CODE_NAMES[code] ?? code;
}
