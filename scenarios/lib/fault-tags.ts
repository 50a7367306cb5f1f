// Fault classification on the k6 side, by Odoo's fault code (docs/odoo-api.md, "Faults"). It
// gives the same tag as src/odoo/faults.ts for every fault (a test holds both to it); it cannot
// import that file because k6 does not resolve Node's `.js` specifiers to TypeScript sources.

/** Odoo's faults, as every layer of the toolkit names them. */
export type FaultTag = 'application' | 'user' | 'access_denied' | 'access' | 'concurrency';
/**
 * Failures before Odoo answered with XML-RPC, a business effect that did not happen, or posting
 * collisions that outlasted the billing job's retries (lib/posting-collision.ts).
 */
export type FailureTag = 'http' | 'timeout' | 'collision' | 'other';
/** The `fault` tag of the oc_faults metric (docs/contracts.md). */
export type ErrorTag = FaultTag | FailureTag;

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
    case 2:
      return 'user';
    case 3:
      return 'access_denied';
    case 4:
      return 'access';
    default:
      return isConcurrency(faultString) ? 'concurrency' : 'application';
  }
}

/**
 * True for the fault 1 Odoo sends after it has committed: the method returned None (or an action
 * containing None) and the marshaller refused it. The call succeeded; re-read to see its effect.
 */
export function isCommittedUnmarshallable(
  faultCode: number | string,
  faultString: string,
): boolean {
  return (
    (faultCode === 1 || typeof faultCode === 'string') &&
    faultString.includes('cannot marshal None unless allow_none is enabled')
  );
}
