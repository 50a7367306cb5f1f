// Journal entry numbers as Odoo's account.move._compute_name gives them per series and period,
// on real PostgreSQL (facts checked on Odoo 17.0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OdooSerie } from '../../../src/lab/contract.js';
import { sequenceMatchesDate, splitSequence } from '../../../src/lab/orm/account/move-name.js';
import { orm } from '../../../src/lab/orm/index.js';
import { LabDbs, type LabDb } from './harness.js';

const labs = new LabDbs();
beforeAll(() => labs.start());
afterAll(() => labs.stop());

const MISC = 3;
const YEAR = new Date().getUTCFullYear();

type Move = { id: number; name: string | false; state: string; display_name: string };

/** `count` balanced entries in the miscellaneous journal, created by one call. */
async function entries(db: LabDb, date: string, refs: (string | false)[]): Promise<number[]> {
  return db.call<number[]>('account.move', 'create', [
    refs.map((ref) => ({
      move_type: 'entry',
      journal_id: MISC,
      date,
      ref,
      line_ids: [
        [0, 0, { account_id: 5, debit: 10, credit: 0, balance: 10 }],
        [0, 0, { account_id: 3, debit: 0, credit: 10, balance: -10 }],
      ],
    })),
  ]);
}

async function read(db: LabDb, ids: number[]): Promise<Move[]> {
  return db.call<Move[]>('account.move', 'read', [ids, ['name', 'state', 'display_name']]);
}

const namesOf = async (db: LabDb, ids: number[]) => (await read(db, ids)).map((m) => m.name);

describe('sequence names', () => {
  it("split into prefix and number, and match their date's year and month", () => {
    expect(splitSequence(`INV/${YEAR}/00042`)).toEqual({ prefix: `INV/${YEAR}/`, number: 42 });
    expect(splitSequence('/')).toEqual({ prefix: '', number: 0 });
    expect(sequenceMatchesDate('INV/2026/00001', '2026-12-04')).toBe(true);
    expect(sequenceMatchesDate('INV/2025/00001', '2026-01-04')).toBe(false);
    expect(sequenceMatchesDate('MISC/2026/11/0001', '2026-11-30')).toBe(true);
    expect(sequenceMatchesDate('MISC/2026/11/0001', '2026-12-01')).toBe(false);
    expect(sequenceMatchesDate('/', '2026-12-01')).toBe(true);
  });
});

describe.each<OdooSerie>(['16.0', '17.0'])('%s: numbering drafts', (serie) => {
  let db: LabDb;
  beforeAll(async () => {
    db = await labs.create(serie);
  });

  it("numbers the first draft of a period in _compute_name's order; the second draft of the call gets '/'", async () => {
    const [b, a] = await entries(db, `${YEAR}-11-15`, ['B', 'A']);
    expect(await read(db, [a!, b!])).toEqual([
      {
        id: a,
        name: `MISC/${YEAR}/11/0001`,
        state: 'draft',
        display_name: `Draft Entry MISC/${YEAR}/11/0001`,
      },
      { id: b, name: '/', state: 'draft', display_name: `Draft Entry (* ${b})` },
    ]);
    expect(await db.call('account.move', 'action_post', [[b]])).toBe(false);
    expect(await namesOf(db, [a!, b!])).toEqual([`MISC/${YEAR}/11/0001`, `MISC/${YEAR}/11/0002`]);
    expect((await read(db, [b!]))[0]!.display_name).toBe(`MISC/${YEAR}/11/0002`);
  });

  it("starts each month again, whatever a previous month's draft holds", async () => {
    const [first, second] = await entries(db, `${YEAR}-12-02`, [false, false]);
    expect(await namesOf(db, [first!, second!])).toEqual([`MISC/${YEAR}/12/0001`, '/']);
  });

  it('a draft moved into a period that has numbers loses its own; a later post numbers it there', async () => {
    const [october] = await entries(db, `${YEAR}-10-05`, [false]);
    expect(await namesOf(db, [october!])).toEqual([`MISC/${YEAR}/10/0001`]);
    await db.call('account.move', 'write', [[october], { date: `${YEAR}-12-03` }]);
    expect(await namesOf(db, [october!])).toEqual(['/']);
    expect(await db.call('account.move', 'action_post', [[october]])).toBe(false);
    expect(await namesOf(db, [october!])).toEqual([`MISC/${YEAR}/12/0002`]);
  });

  it('a name given at creation is kept', async () => {
    const [given] = await db.call<number[]>('account.move', 'create', [
      [{ move_type: 'entry', journal_id: MISC, date: `${YEAR}-09-01`, name: '/' }],
    ]);
    expect(await namesOf(db, [given!])).toEqual(['/']);
  });
});

describe('18.0: numbering drafts', () => {
  it('numbers none: drafts read False and are numbered when posted', async () => {
    const db = await labs.create('18.0');
    const [a, b] = await entries(db, `${YEAR}-11-15`, [false, false]);
    expect(await read(db, [a!])).toEqual([
      { id: a, name: false, state: 'draft', display_name: `Draft Entry (* ${a})` },
    ]);
    expect(await db.call('account.move', 'action_post', [[b, a]])).toBe(false);
    expect(await namesOf(db, [a!, b!])).toEqual([`MISC/${YEAR}/11/0001`, `MISC/${YEAR}/11/0002`]);
  });
});

describe("the unique-name constraint's message", () => {
  it("is Odoo's _sql_constraints text (16.0 declares it in its auto-installed account_sequence)", () => {
    expect(orm.sqlConstraintMessage?.('account_move_unique_name')).toBe(
      'Another entry with the same name already exists.',
    );
    expect(orm.sqlConstraintMessage?.('account_account_code_company_uniq')).toBeUndefined();
  });
});
