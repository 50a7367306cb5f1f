// Exceptions to faults in Odoo's order (rpc.py): subclasses of UserError must not all become 2.
import {
  AccessDenied,
  AccessError,
  ApplicationError,
  MissingError,
  RedirectWarning,
  UserError,
  ValidationError,
} from '../../../src/lab/exceptions.js';
import { intFault, stringFault } from '../../../src/lab/server/faults.js';
import { FRAMES } from '../../../src/lab/server/traceback.js';
import { versionInfo } from '../../../src/lab/server/version.js';

describe('fault mapping', () => {
  it.each([
    [new RedirectWarning('go'), 2],
    [new AccessError('no'), 4],
    [new AccessDenied(), 3],
    [new UserError('bad'), 2],
    [new ValidationError('invalid'), 2],
    [new MissingError('gone'), 2],
    [new ApplicationError('KeyError', "'x'"), 1],
    [new Error('bug'), 1],
  ])('maps %s to integer fault %i', (error, code) => {
    expect(intFault(error, []).faultCode).toBe(code);
  });

  it('keeps the message as the string of faults 2 to 4, and a traceback for fault 1', () => {
    expect(intFault(new AccessDenied(), [])).toEqual({
      faultCode: 3,
      faultString: 'Access Denied',
    });
    const fault = intFault(new ApplicationError('AttributeError', 'no method'), [FRAMES.rpc]);
    expect(fault.faultString.split('\n')[0]).toBe('Traceback (most recent call last):');
    expect(fault.faultString.trim().split('\n').at(-1)).toBe('AttributeError: no method');
  });

  it('gives the legacy routes their string codes', () => {
    expect(stringFault(new MissingError('gone'), []).faultCode).toBe(
      'warning -- MissingError\n\ngone',
    );
    expect(stringFault(new AccessError('no'), []).faultCode).toBe('warning -- AccessError\n\nno');
    expect(stringFault(new AccessDenied(), [])).toEqual({
      faultCode: 'AccessDenied',
      faultString: 'Access Denied',
    });
    expect(stringFault(new UserError('bad'), []).faultCode).toBe('warning -- UserError\n\nbad');
    expect(stringFault(new ApplicationError('KeyError', "'x'"), []).faultCode).toBe("'x'");
  });
});

describe('common.version', () => {
  it("answers the chosen serie in Odoo's four keys and says it is the lab", () => {
    const info = versionInfo({ serie: '16.0', costScale: 0.5, workers: 4 });
    expect(info).toMatchObject({
      server_version: '16.0',
      server_version_info: [16, 0, 0, 'final', 0, ''],
      server_serie: '16.0',
      protocol_version: 1,
      lab: { name: 'odoo-capacity lab', scale: 0.5, workers: 4 },
    });
    expect((info.lab as { note: string }).note).toMatch(/^Not Odoo/);
  });
});
