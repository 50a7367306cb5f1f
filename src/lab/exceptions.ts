// The lab's exceptions, named and ordered as Odoo's (odoo.exceptions); the server maps them to
// fault codes (docs/odoo-api.md, "Faults").

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class ValidationError extends UserError {}
export class MissingError extends UserError {}
export class RedirectWarning extends UserError {}
export class AccessError extends UserError {}
export class AccessDenied extends UserError {
  constructor(message = 'Access Denied') {
    super(message);
  }
}

/**
 * Python-side errors that end as fault 1 with a traceback (AttributeError for an unknown method,
 * TypeError for wrong arguments). `pythonType` is the exception's Python class name, which the
 * server prints on the traceback's last line.
 */
export class ApplicationError extends Error {
  readonly pythonType: string;
  constructor(pythonType: string, message: string) {
    super(message);
    this.name = 'ApplicationError';
    this.pythonType = pythonType;
  }
}
