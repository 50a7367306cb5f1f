// The scenarios' one reader of __ENV: the lab by default, any Odoo by ODOO_*, the runner's OC_*
// overrides, and one clear line naming the variable when a value is wrong.
import { describe, expect, it } from 'vitest';
import {
  LAB_TARGET,
  ScenarioEnvError,
  parseScenarioEnv,
} from '../../scenarios/lib/scenario-env.ts';
import { formatDuration, parseDuration } from '../../scenarios/lib/duration.ts';

describe('parseScenarioEnv', () => {
  it('targets the lab with its default credentials when ODOO_URL is not set', () => {
    const env = parseScenarioEnv({});
    expect(env.target).toEqual(LAB_TARGET);
    expect(env).toMatchObject({ transport: 'xmlrpc', runId: 'adhoc', requestTimeout: '130s' });
    expect(env.overrides).toEqual({});
    expect(parseScenarioEnv({ ODOO_DB: 'tenant2', ODOO_PASSWORD: 's3' }).target).toMatchObject({
      url: LAB_TARGET.url,
      db: 'tenant2',
      secret: 's3',
    });
  });

  it('targets any Odoo by ODOO_*, preferring an API key over a password', () => {
    const env = parseScenarioEnv({
      ODOO_URL: 'https://odoo.example.com/',
      ODOO_DB: 'acme',
      ODOO_USER: 'loadtest',
      ODOO_PASSWORD: 'pw',
      ODOO_API_KEY: 'key',
    });
    expect(env.target).toEqual({
      url: 'https://odoo.example.com',
      db: 'acme',
      user: 'loadtest',
      secret: 'key',
      secretKind: 'api_key',
    });
  });

  it('reads the runner’s overrides', () => {
    const env = parseScenarioEnv({
      OC_EXECUTOR: 'closed',
      OC_RATE: '2.5',
      OC_VUS: '4',
      OC_DURATION: '1m30s',
      OC_WARMUP: '0s',
      OC_RUN_ID: '20261123-0930',
      OC_PROFILE: 'peak-mix',
      OC_WORKLOAD: '{"workload":{}}',
      ODOO_TRANSPORT: 'json2',
    });
    expect(env.overrides).toEqual({
      executor: 'closed',
      rate: 2.5,
      vus: 4,
      durationSeconds: 90,
      warmupSeconds: 0,
    });
    expect(env).toMatchObject({
      runId: '20261123-0930',
      profile: 'peak-mix',
      workloadJson: '{"workload":{}}',
      transport: 'json2',
    });
  });

  it.each([
    [{ ODOO_URL: 'http://x:8069', ODOO_PASSWORD: 'p' }, /^ODOO_DB: /],
    [{ ODOO_URL: 'http://x:8069', ODOO_DB: 'd' }, /^ODOO_PASSWORD or ODOO_API_KEY: /],
    [{ ODOO_URL: 'http://u:p@x:8069', ODOO_DB: 'd', ODOO_PASSWORD: 'p' }, /^ODOO_URL: /],
    [{ OC_RATE: 'fast' }, /^OC_RATE: expected a positive number, got "fast"/],
    [{ OC_RATE: '0' }, /^OC_RATE: /],
    [{ OC_VUS: '2.5' }, /^OC_VUS: expected a positive integer/],
    [{ OC_DURATION: '10 minutes' }, /^OC_DURATION: expected a k6 duration/],
    [{ OC_EXECUTOR: 'ramping' }, /^OC_EXECUTOR: /],
    [{ ODOO_TRANSPORT: 'soap' }, /^ODOO_TRANSPORT: /],
    [{ OC_TRANSPORT: 'soap' }, /^OC_TRANSPORT: /],
    [{ OC_RUN_ID: 'a b' }, /^OC_RUN_ID: /],
  ])('rejects %o naming the variable', (vars, message) => {
    expect(() => parseScenarioEnv(vars)).toThrow(ScenarioEnvError);
    expect(() => parseScenarioEnv(vars)).toThrow(message);
  });

  it('never puts the secret in an error message', () => {
    try {
      parseScenarioEnv({ ODOO_URL: 'http://x:8069', ODOO_PASSWORD: 'hunter2' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });
});

describe('k6 durations', () => {
  it('reads and writes k6 duration strings in seconds', () => {
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1.5s')).toBe(1.5);
    expect(parseDuration('250ms')).toBe(0.25);
    expect(parseDuration('10')).toBeUndefined();
    expect(parseDuration('5 m')).toBeUndefined();
    expect(formatDuration(90)).toBe('90s');
    expect(formatDuration(0.5)).toBe('500ms');
  });
});
