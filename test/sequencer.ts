// Starts the real-Odoo files first, longest first: on a fresh clone vitest has no durations yet.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const FIRST = [
  'test/real-odoo/series.test.ts',
  'test/real-odoo/parity.test.ts',
  'test/real-odoo/posting-collisions.test.ts',
  'test/real-odoo/plan-apply.test.ts',
  'test/real-odoo/workload-derive.test.ts',
  'test/real-odoo/odoo19-json2.test.ts',
];

function rank(spec: TestSpecification): number {
  const at = FIRST.findIndex((file) => spec.moduleId.endsWith(file));
  return at === -1 ? FIRST.length : at;
}

export default class RealOdooFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the rest keep vitest's own order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
