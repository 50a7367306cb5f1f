// Odoo's fault codes as typed errors (docs/odoo-api.md, "Faults"). Callers branch on the class
// or on `tag`, never on message text. The CLI maps each to an exit code.
import {
  FaultCode,
  classifyFault as faultTag,
  faultText,
  isCommittedUnmarshallable,
  type FaultTag,
} from '../../scenarios/lib/fault-tags.js';
import { ExitCode, OcError } from '../core/errors.js';

export { FaultCode, isCommittedUnmarshallable, type FaultTag };

/** Exit code and hint per tag: credentials and rights are the user's to fix (bad input). */
const FAULT_META: Record<FaultTag, { exitCode: OcError['exitCode']; hint?: string }> = {
  application: {
    exitCode: ExitCode.failed,
    hint: 'The server raised an unexpected error; its log has the traceback.',
  },
  concurrency: {
    exitCode: ExitCode.failed,
    hint: "A lock or serialization conflict outlived Odoo's five retries: the load, not the request, is the problem.",
  },
  user: { exitCode: ExitCode.failed },
  access_denied: {
    exitCode: ExitCode.badInput,
    hint: 'Check ODOO_USER and ODOO_PASSWORD or ODOO_API_KEY; after 10 failures Odoo locks the IP out for 60 s.',
  },
  access: {
    exitCode: ExitCode.badInput,
    hint: 'The Odoo user lacks the rights for this call, or the method is private.',
  },
};

export abstract class OdooFault extends OcError {
  abstract readonly tag: FaultTag;
  readonly faultCode: number | string;
  readonly faultString: string;
  /** "model.method" or "service.method" of the call that failed. */
  readonly call: string;

  constructor(tag: FaultTag, call: string, faultCode: number | string, faultString: string) {
    super(
      `${call}: Odoo fault ${String(faultCode)}: ${firstLine(faultString)}`,
      FAULT_META[tag].exitCode,
      {
        hint: FAULT_META[tag].hint,
      },
    );
    this.call = call;
    this.faultCode = faultCode;
    this.faultString = faultString;
  }
}

type FaultArgs = [call: string, faultCode: number | string, faultString: string];

/** Fault 1: anything Odoo did not anticipate; faultString is a Python traceback. */
export class OdooApplicationError extends OdooFault {
  readonly tag: FaultTag = 'application';
  constructor(...args: FaultArgs) {
    super('application', ...args);
  }
}

/** Fault 1 from a concurrency failure (40001, 40P01, 55P03) that survived Odoo's five retries. */
export class OdooConcurrencyError extends OdooFault {
  readonly tag: FaultTag = 'concurrency';
  constructor(...args: FaultArgs) {
    super('concurrency', ...args);
  }
}

/** Fault 2: UserError, ValidationError, MissingError, RedirectWarning. */
export class OdooUserError extends OdooFault {
  readonly tag: FaultTag = 'user';
  constructor(...args: FaultArgs) {
    super('user', ...args);
  }
}

/** Fault 3: wrong password or API key, or the login lockout. */
export class OdooAccessDenied extends OdooFault {
  readonly tag: FaultTag = 'access_denied';
  constructor(...args: FaultArgs) {
    super('access_denied', ...args);
  }
}

/** Fault 4: ACL or record rule refusal, or a private method called remotely. */
export class OdooAccessError extends OdooFault {
  readonly tag: FaultTag = 'access';
  constructor(...args: FaultArgs) {
    super('access', ...args);
  }
}

function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  // A traceback's useful line is its last one ("AttributeError: ...").
  return (text.startsWith('Traceback') ? lines[lines.length - 1] : lines[0])?.trim() ?? '';
}

const FAULT_CLASSES: Record<FaultTag, new (...args: FaultArgs) => OdooFault> = {
  application: OdooApplicationError,
  concurrency: OdooConcurrencyError,
  user: OdooUserError,
  access_denied: OdooAccessDenied,
  access: OdooAccessError,
};

/**
 * Builds the typed error for a fault. Integer codes come from /xmlrpc/2; string codes from the
 * legacy /xmlrpc route ("warning -- UserError\n\n<msg>", "AccessDenied", or the exception text).
 */
export function classifyFault(
  call: string,
  faultCode: number | string,
  faultString: string,
): OdooFault {
  const tag = faultTag(faultCode, faultString);
  return new FAULT_CLASSES[tag](call, faultCode, faultText(faultCode, faultString));
}
