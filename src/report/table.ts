// The report's derived tables: one shape for every table, so the HTML and Markdown templates
// render them the same way and a test can check that Markdown and JSON carry the same numbers.

import { roundMeasure } from './round.js';

export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  /** Right-aligned in HTML and Markdown. */
  numeric?: boolean;
}

export interface Table {
  /** Stable id: the HTML anchor, the Markdown marker comment, the JSON key. */
  id: string;
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
  /** One line under the table, e.g. what was left out. */
  note?: string;
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** "+2", "-1", "changed", "unchanged", "new" (no before) or "gone" (no after). */
export function changeCell(before: Cell, after: Cell): string {
  if (before === null && after === null) return 'unchanged';
  if (before === null) return 'new';
  if (after === null) return 'gone';
  if (typeof before === 'number' && typeof after === 'number') {
    const delta = roundMeasure(after - before);
    return delta === 0 ? 'unchanged' : delta > 0 ? `+${delta}` : String(delta);
  }
  return before === after ? 'unchanged' : 'changed';
}

/** The columns of a then/now or today/recommended table. */
export function changeColumns(before: string, after: string): Column[] {
  return [
    { key: 'item', label: 'item' },
    { key: 'before', label: before, numeric: true },
    { key: 'after', label: after, numeric: true },
    { key: 'change', label: 'change' },
  ];
}

export function changeRow(item: string, before: Cell, after: Cell): Record<string, Cell> {
  return { item, before, after, change: changeCell(before, after) };
}

/** Every table in a value, depth first in document order (the report's tables, not the plan's). */
export function collectTables(value: unknown, out: Table[] = []): Table[] {
  if (Array.isArray(value)) {
    for (const item of value) collectTables(item, out);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (
      typeof record.id === 'string' &&
      Array.isArray(record.columns) &&
      Array.isArray(record.rows)
    )
      out.push(record as unknown as Table);
    else
      for (const [key, item] of Object.entries(record))
        if (key !== 'plan') collectTables(item, out);
  }
  return out;
}
