// Fault classification by Odoo's fault code (docs/odoo-api.md, "Faults"), for the k6 scenarios
// and for src/odoo/faults.ts, which turns the tag into a typed error.

/** Odoo's faults, as every layer of the toolkit names them. */
export type FaultTag = 'application' | 'user' | 'access_denied' | 'access' | 'concurrency';
/**
 * Failures before Odoo answered with XML-RPC, a business effect that did not happen, or posting
 * collisions that outlasted the billing job's retries (lib/posting-collision.ts).
 */
export type FailureTag = 'http' | 'timeout' | 'collision' | 'other';
/** The `fault` tag of the oc_faults metric (docs/contracts.md). */
export type ErrorTag = FaultTag | FailureTag;

/** The integer fault codes of /xmlrpc/2. */
export const FaultCode = {
  application: 1,
  user: 2,
  accessDenied: 3,
  access: 4,
} as const;

// A serialization failure, deadlock or lock timeout that outlived Odoo's five retries arrives as
// fault 1 whose traceback names the psycopg2 error.
const CONCURRENCY_MARKERS = [
  'could not serialize access',
  'SerializationFailure',
  'DeadlockDetected',
  'deadlock detected',
  'LockNotAvailable',
  'could not obtain lock',
];

function isConcurrency(text: string): boolean {
  return CONCURRENCY_MARKERS.some((marker) => text.includes(marker));
}

/**
 * Integer codes come from /xmlrpc/2 (1 application, 2 user, 3 access denied, 4 access); string
 * codes from the legacy /xmlrpc route ("warning -- UserError\n\n<msg>", "AccessDenied", or the
 * exception text with the traceback as the string).
 */
export function classifyFault(faultCode: number | string, faultString: string): FaultTag {
  if (typeof faultCode === 'string') {
    if (faultCode === 'AccessDenied') return 'access_denied';
    const warning = /^warning -- (\w+)/.exec(faultCode);
    if (warning) return warning[1] === 'AccessError' ? 'access' : 'user';
    return isConcurrency(faultString || faultCode) ? 'concurrency' : 'application';
  }
  switch (faultCode) {
    case FaultCode.user:
      return 'user';
    case FaultCode.accessDenied:
      return 'access_denied';
    case FaultCode.access:
      return 'access';
    default:
      return isConcurrency(faultString) ? 'concurrency' : 'application';
  }
}

/**
 * The fault's text without the legacy route's "warning -- <Exception>" prefix: the message, or the
 * traceback of fault 1.
 */
export function faultText(faultCode: number | string, faultString: string): string {
  if (typeof faultCode !== 'string') return faultString;
  if (/^warning -- \w+/.test(faultCode)) return faultCode.replace(/^warning -- \w+\s*/, '');
  return faultString || faultCode;
}

/** Python's message when Odoo's XML-RPC marshaller meets a None (docs/odoo-api.md). */
const UNMARSHALLABLE_NONE = 'cannot marshal None unless allow_none is enabled';

/**
 * True for the fault 1 Odoo sends after it has committed: the method returned None (or an action
 * containing None) and the marshaller refused it. The call succeeded; re-read to see its effect.
 */
export function isCommittedUnmarshallable(
  faultCode: number | string,
  faultString: string,
): boolean {
  return (
    (faultCode === FaultCode.application || typeof faultCode === 'string') &&
    faultString.includes(UNMARSHALLABLE_NONE)
  );
}
