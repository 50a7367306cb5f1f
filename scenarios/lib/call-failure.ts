// Why a call or a business transaction failed, tagged as the oc_faults metric counts it.
import { classifyFault, type ErrorTag } from './fault-tags.ts';

export class CallFailure extends Error {
  override readonly name = 'CallFailure';
  constructor(
    readonly tag: ErrorTag,
    /** "model.method" or "service.method", or the step of the transaction that failed. */
    readonly call: string,
    message: string,
    readonly faultCode?: number | string,
  ) {
    super(`${call}: ${message}`);
  }
}

/** The line of a fault string worth showing: a traceback's last line, else the first. */
export function faultSummary(faultString: string): string {
  const lines = faultString.trim().split('\n');
  const line = faultString.startsWith('Traceback') ? lines[lines.length - 1] : lines[0];
  return (line ?? '').trim().slice(0, 300);
}

/** The CallFailure of an Odoo fault, as both transports raise it: tagged by its code and text. */
export function odooFault(
  call: string,
  faultCode: number | string,
  faultString: string,
): CallFailure {
  const tag = classifyFault(faultCode, faultString);
  return new CallFailure(
    tag,
    call,
    `Odoo fault ${String(faultCode)} (${tag}): ${faultSummary(faultString)}`,
    faultCode,
  );
}
