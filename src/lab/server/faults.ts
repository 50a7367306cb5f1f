// Exceptions to XML-RPC faults in Odoo's order (rpc.py xmlrpc_handle_exception_int); AccessError
// and AccessDenied subclass UserError, so the order of the tests matters.
import {
  AccessDenied,
  AccessError,
  ApplicationError,
  MissingError,
  RedirectWarning,
  UserError,
} from '../exceptions.js';
import { isPgError, psycopgType } from './pg-errors.js';
import { formatTraceback, type Frame } from './traceback.js';

export interface Fault {
  faultCode: number | string;
  faultString: string;
}

/** Python's exception type and message for a fault-1 error. */
export function pythonException(error: unknown): { type: string; message: string } {
  if (error instanceof ApplicationError) return { type: error.pythonType, message: error.message };
  if (isPgError(error)) return { type: psycopgType(error.code), message: error.message };
  if (error instanceof Error) {
    // A bug in the lab itself: name it as Python would name the closest builtin.
    const type = ['TypeError', 'RangeError', 'SyntaxError'].includes(error.name)
      ? error.name.replace('RangeError', 'ValueError')
      : 'Exception';
    return { type, message: error.message };
  }
  return { type: 'Exception', message: String(error) };
}

/** The fault of the modern /xmlrpc/2 routes: integer codes. */
export function intFault(error: unknown, frames: readonly Frame[]): Fault {
  if (error instanceof RedirectWarning) return { faultCode: 2, faultString: error.message };
  if (error instanceof AccessError) return { faultCode: 4, faultString: error.message };
  if (error instanceof AccessDenied) return { faultCode: 3, faultString: error.message };
  if (error instanceof UserError) return { faultCode: 2, faultString: error.message };
  const { type, message } = pythonException(error);
  return { faultCode: 1, faultString: formatTraceback(frames, type, message) };
}

/** The fault of the legacy /xmlrpc routes: string codes. */
export function stringFault(error: unknown, frames: readonly Frame[]): Fault {
  const warning = (kind: string) => ({
    faultCode: `warning -- ${kind}\n\n${(error as Error).message}`,
    faultString: '',
  });
  if (error instanceof RedirectWarning) return warning('Warning');
  if (error instanceof MissingError) return warning('MissingError');
  if (error instanceof AccessError) return warning('AccessError');
  if (error instanceof AccessDenied)
    return { faultCode: 'AccessDenied', faultString: error.message };
  if (error instanceof UserError) return warning('UserError');
  const { type, message } = pythonException(error);
  return { faultCode: message, faultString: formatTraceback(frames, type, message) };
}
