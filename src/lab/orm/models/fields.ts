// Short constructors for field definitions, named like Odoo's fields.* classes.
import type { FieldDef, Selection } from '../model.js';

type Extra = Partial<FieldDef>;

export const f = {
  char: (string: string, extra: Extra = {}): FieldDef => ({ type: 'char', string, ...extra }),
  text: (string: string, extra: Extra = {}): FieldDef => ({ type: 'text', string, ...extra }),
  int: (string: string, extra: Extra = {}): FieldDef => ({ type: 'integer', string, ...extra }),
  float: (string: string, extra: Extra = {}): FieldDef => ({ type: 'float', string, ...extra }),
  monetary: (string: string, extra: Extra = {}): FieldDef => ({
    type: 'monetary',
    string,
    numeric: true,
    ...extra,
  }),
  bool: (string: string, extra: Extra = {}): FieldDef => ({ type: 'boolean', string, ...extra }),
  date: (string: string, extra: Extra = {}): FieldDef => ({ type: 'date', string, ...extra }),
  datetime: (string: string, extra: Extra = {}): FieldDef => ({
    type: 'datetime',
    string,
    ...extra,
  }),
  selection: (string: string, selection: Selection, extra: Extra = {}): FieldDef => ({
    type: 'selection',
    string,
    selection,
    ...extra,
  }),
  many2one: (string: string, relation: string, extra: Extra = {}): FieldDef => ({
    type: 'many2one',
    string,
    relation,
    ondelete: 'set null',
    ...extra,
  }),
  one2many: (
    string: string,
    relation: string,
    inverseName: string,
    extra: Extra = {},
  ): FieldDef => ({
    type: 'one2many',
    string,
    relation,
    inverseName,
    ...extra,
  }),
  many2many: (
    string: string,
    relation: string,
    relTable: string,
    column1: string,
    column2: string,
    extra: Extra = {},
  ): FieldDef => ({ type: 'many2many', string, relation, relTable, column1, column2, ...extra }),
};

/** The company every lab record belongs to (one company per tenant database). */
export const COMPANY_ID = 1;

export const companyField = (): FieldDef =>
  f.many2one('Company', 'res.company', { default: COMPANY_ID, index: true });

/** Odoo's fields.Datetime.now(): UTC, to the second, as a string. */
export function nowUtc(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

/** Odoo's fields.Date.today() (UTC). */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}
