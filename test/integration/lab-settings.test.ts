// Storage Locations on the lab: test/lab/server/support/settings-flow.py must print the same
// document as it did against a fresh Odoo 17.0 (test/fixtures/odoo-17.0-settings.json).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '../../src/core/logger.js';
import { startLab, type LabHandle } from '../../src/lab/server/index.js';

const FLOW = join(import.meta.dirname, '..', 'lab', 'server', 'support', 'settings-flow.py');
const RECORDED = join(import.meta.dirname, '..', 'fixtures', 'odoo-17.0-settings.json');

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab({
    port: 0,
    workers: 1,
    databases: ['settings'],
    costScale: 0,
    log: new Logger('warn'),
  });
});
afterAll(async () => {
  await lab?.stop();
});

describe('Storage Locations on a fresh lab database', () => {
  it('answers the settings flow exactly as a fresh Odoo 17.0 did', async () => {
    const { stdout } = await promisify(execFile)('python3', [FLOW, lab.url, 'settings']);
    const recorded = JSON.parse(readFileSync(RECORDED, 'utf8')) as Record<string, unknown>;
    const answered = JSON.parse(stdout) as Record<string, unknown>;
    // Key by key first, so a failure names the call that differs.
    for (const key of Object.keys(recorded)) expect(answered[key], key).toEqual(recorded[key]);
    expect(answered).toEqual(recorded);
    // What the recording shows: only Receipts and Delivery Orders are active at first; the
    // setting activates Internal Transfers (Pick and Pack stay archived) and archives it again.
    const names = (key: string) => (recorded[key] as { name: string }[]).map((t) => t.name);
    expect(names('types_fresh')).toEqual(['Receipts', 'Delivery Orders']);
    expect(names('types_on')).toEqual(['Receipts', 'Internal Transfers', 'Delivery Orders']);
    expect(names('types_off_all')).toEqual([
      'Receipts',
      'Internal Transfers',
      'Pick',
      'Pack',
      'Delivery Orders',
    ]);
  });
});
