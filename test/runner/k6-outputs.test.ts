// Which K6_* variables reach k6 with `run --out`, what run.json records of them, and that a value
// carrying a credential is masked in log lines once the settings are read.
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { redact } from '../../src/core/redact.js';
import {
  PROMETHEUS_TREND_STATS,
  k6OutputArgs,
  k6OutputEnv,
  k6OutputSettings,
  outputProblems,
} from '../../src/runner/k6-outputs.js';

describe('k6OutputSettings', () => {
  it('passes the output settings and TLS check, and leaves out (with a note) what sets the load', () => {
    const settings = k6OutputSettings(['experimental-prometheus-rw'], {
      K6_PROMETHEUS_RW_SERVER_URL: 'http://127.0.0.1:9090/api/v1/write',
      K6_WEB_DASHBOARD: 'true',
      K6_INSECURE_SKIP_TLS_VERIFY: 'true',
      K6_INFLUXDB_ORGANIZATION: 'ops',
      K6_VUS: '50',
      K6_HTTP_DEBUG: 'full',
      K6_SYSTEM_TAGS: 'status',
      K6_OUT: 'json=all.json',
      K6_BIN: '/usr/bin/k6',
      K6_VERSION: '2.2.0',
      ODOO_PASSWORD: 'not-a-k6-variable',
      PATH: '/usr/bin',
    });
    expect(settings.env).toEqual({
      K6_PROMETHEUS_RW_SERVER_URL: 'http://127.0.0.1:9090/api/v1/write',
      K6_PROMETHEUS_RW_TREND_STATS: PROMETHEUS_TREND_STATS,
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_HOST: '127.0.0.1',
      K6_INSECURE_SKIP_TLS_VERIFY: 'true',
      K6_INFLUXDB_ORGANIZATION: 'ops',
    });
    expect(settings.notes).toEqual([
      expect.stringMatching(/^K6_VUS is not passed to k6: the runner sets the load/),
      expect.stringMatching(/^K6_HTTP_DEBUG is not passed to k6/),
      expect.stringMatching(/^K6_SYSTEM_TAGS is not passed to k6/),
      'K6_OUT is not passed to k6: name each output with run --out',
    ]);
    expect(settings.record.variables).toEqual(Object.keys(settings.env).sort());
  });

  it('keeps the user’s own trend statistics and dashboard host', () => {
    const settings = k6OutputSettings(['experimental-prometheus-rw', 'web-dashboard'], {
      K6_PROMETHEUS_RW_TREND_STATS: 'p(99)',
      K6_WEB_DASHBOARD_HOST: '0.0.0.0',
    });
    expect(settings.env).toEqual({
      K6_PROMETHEUS_RW_TREND_STATS: 'p(99)',
      K6_WEB_DASHBOARD_HOST: '0.0.0.0',
    });
  });

  it('records outputs with their credentials masked, and masks credentials in log lines', () => {
    const settings = k6OutputSettings(['influxdb=http://k6:influx-pw-7c2a91@127.0.0.1:8086/k6'], {
      K6_PROMETHEUS_RW_SERVER_URL: 'https://oc:rw-url-pw-41d8e6@metrics.example/api/v1/write',
      K6_PROMETHEUS_RW_PASSWORD: 'rw-basic-pw-93b0f4',
      K6_PROMETHEUS_RW_HEADERS_AUTHORIZATION: 'Bearer rw-token-0a5e77c3',
      K6_CLOUD_TOKEN: 'cloud-token-6f1d2b',
    });
    expect(settings.record.outputs).toEqual(['influxdb=http://k6:***@127.0.0.1:8086/k6']);
    expect(JSON.stringify(settings.record)).not.toMatch(/pw-|token-/);
    const line =
      'push failed: influx-pw-7c2a91 rw-url-pw-41d8e6 rw-basic-pw-93b0f4 rw-token-0a5e77c3 cloud-token-6f1d2b';
    expect(redact(line)).toBe('push failed: *** *** *** *** ***');
  });

  it('refuses an --out that is not <name> or <name>=<argument>, and notes an unknown name', () => {
    for (const bad of ['', '=x', 'Prometheus', 'json=']) {
      expect(() => k6OutputSettings([bad], {}), bad).toThrow(BadInputError);
    }
    expect(() => k6OutputSettings(['x y'], {})).toThrow(/run --out "x y": not a k6 output/);
    expect(k6OutputSettings(['xk6-otlp'], {}).notes).toEqual([
      expect.stringMatching(/^--out xk6-otlp: not an output built into k6 v2 .*passed as is/),
    ]);
  });
});

describe('k6OutputArgs and k6OutputEnv', () => {
  it('adds nothing without outputs', () => {
    const none = k6OutputSettings([], {});
    expect(k6OutputArgs(none, { run: 'r', step: 'rate-2' })).toEqual([]);
    expect(k6OutputArgs(undefined, { run: 'r', step: 'rate-2' })).toEqual([]);
    expect(k6OutputEnv(undefined, 0)).toEqual({});
  });

  it('adds each output and tags every sample with the run, the step and the segment', () => {
    const settings = k6OutputSettings(['experimental-prometheus-rw', 'csv=out.csv'], {});
    expect(k6OutputArgs(settings, { run: 'r1', step: 'rate-2', segment: '2/3' })).toEqual([
      '--out',
      'experimental-prometheus-rw',
      '--out',
      'csv=out.csv',
      '--tag',
      'run=r1',
      '--tag',
      'step=rate-2',
      '--tag',
      'segment=2/3',
    ]);
  });

  it('gives each segment’s web dashboard its own port, unless the server is off', () => {
    const settings = k6OutputSettings(['web-dashboard'], { K6_WEB_DASHBOARD_PORT: '6000' });
    expect(k6OutputEnv(settings, 0).K6_WEB_DASHBOARD_PORT).toBe('6000');
    expect(k6OutputEnv(settings, 2).K6_WEB_DASHBOARD_PORT).toBe('6002');
    const byDefault = k6OutputSettings([], { K6_WEB_DASHBOARD: 'true' });
    expect(k6OutputEnv(byDefault, 1).K6_WEB_DASHBOARD_PORT).toBe('5666');
    const off = k6OutputSettings(['web-dashboard'], { K6_WEB_DASHBOARD_PORT: '-1' });
    expect(k6OutputEnv(off, 1).K6_WEB_DASHBOARD_PORT).toBe('-1');
  });
});

describe('outputProblems', () => {
  it('names each failed output once, with k6’s last error, quoted or not', () => {
    const tail = [
      'time="2026-12-04T10:30:44Z" level=error msg="Couldn\'t write stats" error="Post \\"http://127.0.0.1:1/write?db=k6\\": dial tcp 127.0.0.1:1: connect: connection refused" output=InfluxDBv1',
      'time="2026-12-04T10:30:45Z" level=error msg="Couldn\'t write stats" error="timeout" output=InfluxDBv1',
      'time="2026-12-04T10:30:45Z" level=error msg="Failed to send the time series data to the endpoint" error="HTTP POST request failed: 503" output="Prometheus remote write"',
      'time="2026-12-04T10:30:46Z" level=info msg="flushed" output=InfluxDBv1',
      'time="2026-12-04T10:30:46Z" level=error msg="a script error"',
    ];
    expect(outputProblems(tail, 'step 2 (rate-4)')).toEqual([
      "step 2 (rate-4): k6 output InfluxDBv1: Couldn't write stats: timeout",
      'step 2 (rate-4): k6 output Prometheus remote write: Failed to send the time series data to the endpoint: HTTP POST request failed: 503',
    ]);
    expect(outputProblems([], 'step 1')).toEqual([]);
  });
});
