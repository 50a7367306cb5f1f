// Version adaptation: what the scenarios do differently on Odoo 16, 17 and 18, decided from
// common.version as the recorded Odoo 17 and the other series report it.
import { describe, expect, it } from 'vitest';
import { featuresOf, majorVersion } from '../../scenarios/lib/odoo-version.ts';
import { decodeMethodResponse } from '../../scenarios/lib/xmlrpc-codec.ts';
import { loadExchanges } from '../helpers/fixture-server.js';

describe('featuresOf', () => {
  it('reads the recorded Odoo 17 version: button_validate sets the quantities itself', () => {
    const response = loadExchanges().find((e) => e.name === 'common-version')!.response;
    const decoded = decodeMethodResponse(response);
    expect(decoded.status).toBe('value');
    const features = featuresOf(decoded.status === 'value' ? (decoded.value as object) : {});
    expect(features).toEqual({ major: 17, setQuantitiesBeforeValidate: false, moveName: true });
  });

  it('16 sets the done quantities before validating; 18 and 19 do not', () => {
    expect(featuresOf({ server_serie: '16.0' }).setQuantitiesBeforeValidate).toBe(true);
    expect(featuresOf({ server_serie: '18.0' }).setQuantitiesBeforeValidate).toBe(false);
    expect(featuresOf({ server_serie: '19.0' }).setQuantitiesBeforeValidate).toBe(false);
    expect(featuresOf({ server_serie: '18.0' }).moveName).toBe(true);
    expect(featuresOf({ server_serie: '19.0' }).moveName).toBe(false);
  });

  it('reads SaaS and Enterprise series, and refuses what it does not support', () => {
    expect(majorVersion({ server_serie: 'saas~17.4' })).toBe(17);
    expect(majorVersion({ server_version: '18.0+e' })).toBe(18);
    expect(majorVersion({ server_version_info: [16, 0, 0, 'final', 0, ''] })).toBe(16);
    expect(() => featuresOf({ server_serie: '15.0' })).toThrow(/Odoo 15 is not supported/);
    expect(() => featuresOf({ server_serie: 'master' })).toThrow(/server_serie "master"/);
  });
});
