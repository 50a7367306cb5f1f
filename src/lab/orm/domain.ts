// Odoo domains to parameterised SQL: prefix '&', '|', '!' with implicit '&', the common
// operators, dotted paths through relational fields, child_of on parent_path, and the
// active_test filter. Field names are checked against the model; values only ever become
// parameters.
import type { ModelDef, ResolvedField } from './model.js';
import { pyRepr, valueError } from './python.js';
import { displayNameExpr, fieldExpr, ident, subAlias, type SqlContext } from './sql.js';

const OPERATORS = new Set([
  '=',
  '!=',
  '<>',
  '<',
  '>',
  '<=',
  '>=',
  '=?',
  '=like',
  '=ilike',
  'like',
  'not like',
  'ilike',
  'not ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
  'any',
  'not any',
]);

const TRUE_SQL = 'TRUE';
const FALSE_SQL = 'FALSE';

function isFalsy(value: unknown): boolean {
  return value === false || value === null || value === undefined;
}

/** Whether the domain names `active` itself, in which case Odoo does not add active = True. */
function mentionsActive(domain: unknown[]): boolean {
  return domain.some((t) => Array.isArray(t) && t[0] === 'active');
}

/**
 * The WHERE expression for `domain` on `model` over `alias`, with Odoo's implicit active filter
 * unless the domain mentions `active` or the context has active_test=False.
 */
export function compileSearchDomain(
  ctx: SqlContext,
  model: ModelDef,
  domain: unknown,
  alias: string,
): string {
  const terms = normalizeDomainInput(domain);
  const where = compileDomain(ctx, model, terms, alias);
  const active = ctx.registry.field(model.name, 'active', ctx.serie);
  if (active && ctx.context.active_test !== false && !mentionsActive(terms)) {
    return `(${fieldExpr(ctx, active, alias)} IS TRUE) AND (${where})`;
  }
  return where;
}

function normalizeDomainInput(domain: unknown): unknown[] {
  if (domain === null || domain === undefined || domain === false) return [];
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${pyRepr(domain)}`);
  return domain;
}

export function compileDomain(
  ctx: SqlContext,
  model: ModelDef,
  domain: unknown,
  alias: string,
): string {
  const terms = normalizeDomainInput(domain);
  const stack: string[] = [];
  const pop = (): string => {
    const top = stack.pop();
    if (top === undefined)
      throw valueError(`Domain ${pyRepr(terms)} is syntactically not correct.`);
    return top;
  };
  for (let i = terms.length - 1; i >= 0; i--) {
    const token = terms[i];
    if (token === '!') {
      stack.push(`(NOT (${pop()}))`);
    } else if (token === '&' || token === '|') {
      const first = pop();
      const second = pop();
      stack.push(`(${first} ${token === '&' ? 'AND' : 'OR'} ${second})`);
    } else {
      stack.push(compileLeaf(ctx, model, token, alias));
    }
  }
  if (stack.length === 0) return TRUE_SQL;
  return stack.reverse().join(' AND ');
}

function compileLeaf(ctx: SqlContext, model: ModelDef, leaf: unknown, alias: string): string {
  if (!Array.isArray(leaf) || leaf.length !== 3) throw valueError(`Invalid leaf ${pyRepr(leaf)}`);
  const [left, rawOperator, value] = leaf as [unknown, unknown, unknown];
  if (typeof rawOperator !== 'string' || !OPERATORS.has(rawOperator.toLowerCase()))
    throw valueError(`Invalid leaf ${pyRepr(leaf)}`);
  const operator = rawOperator.toLowerCase();
  // Odoo's TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1).
  if (left === 1 || left === 0) {
    if (operator === '=' && value === 1) return left === 1 ? TRUE_SQL : FALSE_SQL;
    throw valueError(`Invalid leaf ${pyRepr(leaf)}`);
  }
  if (typeof left !== 'string' || left === '') throw valueError(`Invalid leaf ${pyRepr(leaf)}`);
  const [head, ...rest] = left.split('.');
  const field = ctx.registry.field(model.name, head!, ctx.serie);
  if (!field) throw valueError(`Invalid field ${model.name}.${head} in leaf ${pyRepr(leaf)}`);
  if (rest.length > 0)
    return compilePath(ctx, field, [rest.join('.'), operator, value], alias, leaf);
  return compileField(ctx, model, field, operator, value, alias, leaf);
}

/** A dotted path: the rest of the leaf is evaluated on the comodel. */
function compilePath(
  ctx: SqlContext,
  field: ResolvedField,
  subLeaf: unknown[],
  alias: string,
  leaf: unknown,
): string {
  const { def } = field;
  if (!def.relation) throw valueError(`Invalid field path ${pyRepr(leaf)}: not a relational field`);
  const comodel = ctx.registry.get(def.relation);
  const sub = subAlias(ctx, comodel.table);
  const inner = compileDomain(ctx, comodel, [subLeaf], sub);
  return relationalMembership(ctx, field, alias, comodel, sub, inner);
}

/** `alias` is related (through `field`) to a comodel row of `sub` satisfying `inner`. */
function relationalMembership(
  ctx: SqlContext,
  field: ResolvedField,
  alias: string,
  comodel: ModelDef,
  sub: string,
  inner: string,
): string {
  const { def } = field;
  const from = `${ident(comodel.table)} ${ident(sub)}`;
  if (def.type === 'many2one') {
    return `(${fieldExpr(ctx, field, alias)} IN (SELECT ${ident(sub)}."id" FROM ${from} WHERE ${inner}))`;
  }
  const selfId = ownIdExpr(ctx, field, alias);
  if (def.type === 'one2many') {
    return `(${selfId} IN (SELECT ${ident(sub)}.${ident(def.inverseName!)} FROM ${from} WHERE ${inner}))`;
  }
  const rel = subAlias(ctx, def.relTable!);
  return `(${selfId} IN (SELECT ${ident(rel)}.${ident(def.column1!)} FROM ${ident(def.relTable!)} ${ident(rel)} JOIN ${from} ON ${ident(sub)}."id" = ${ident(rel)}.${ident(def.column2!)} WHERE ${inner}))`;
}

/** The id of the row that owns an x2many field (the _inherits parent's id when inherited). */
function ownIdExpr(ctx: SqlContext, field: ResolvedField, alias: string): string {
  return field.via ? `${ident(alias)}.${ident(field.via)}` : `${ident(alias)}."id"`;
}

function compileField(
  ctx: SqlContext,
  model: ModelDef,
  field: ResolvedField,
  operator: string,
  value: unknown,
  alias: string,
  leaf: unknown,
): string {
  const { def } = field;
  if (def.compute)
    throw valueError(`Non-stored field ${model.name}.${field.name} cannot be searched.`);
  if (operator === '=?') {
    if (isFalsy(value)) return TRUE_SQL;
    operator = '=';
  }
  if (operator === 'any' || operator === 'not any') {
    if (!def.relation)
      throw valueError(`Invalid leaf ${pyRepr(leaf)}: 'any' needs a relational field`);
    const comodel = ctx.registry.get(def.relation);
    const sub = subAlias(ctx, comodel.table);
    const inner = compileDomain(ctx, comodel, value, sub);
    const member = relationalMembership(ctx, field, alias, comodel, sub, inner);
    return operator === 'any' ? member : `(NOT ${member})`;
  }
  if (operator === 'child_of' || operator === 'parent_of') {
    return hierarchy(ctx, model, field, operator, value, alias, leaf);
  }
  if (def.type === 'one2many' || def.type === 'many2many') {
    return x2manyLeaf(ctx, field, operator, value, alias, leaf);
  }
  const expr = fieldExpr(ctx, field, alias);
  if (def.type === 'many2one' && hasNames(value)) {
    return many2oneByName(ctx, field, operator, value, expr);
  }
  return scalarLeaf(ctx, field, operator, value, expr, leaf);
}

function hasNames(value: unknown): boolean {
  if (typeof value === 'string') return true;
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');
}

/** ('partner_id', 'ilike', 'Acme'): Odoo matches the comodel's display name (name_search). */
function many2oneByName(
  ctx: SqlContext,
  field: ResolvedField,
  operator: string,
  value: unknown,
  expr: string,
): string {
  const comodel = ctx.registry.get(field.def.relation!);
  const sub = subAlias(ctx, comodel.table);
  const name = displayNameExpr(ctx, comodel, sub);
  const negative = operator === '!=' || operator === '<>' || operator.startsWith('not ');
  const positiveOp = negative ? operator.replace(/^not /, '').replace(/^(!=|<>)$/, '=') : operator;
  const inner = textMatch(ctx, name, positiveOp, value);
  const ids = `(SELECT ${ident(sub)}."id" FROM ${ident(comodel.table)} ${ident(sub)} WHERE ${inner})`;
  return negative ? `(${expr} IS NULL OR ${expr} NOT IN ${ids})` : `(${expr} IN ${ids})`;
}

function textMatch(ctx: SqlContext, expr: string, operator: string, value: unknown): string {
  const { params } = ctx;
  switch (operator) {
    case '=':
      return `${expr} = ${params.add(String(value))}`;
    case 'in':
      return `${expr} = ANY(${params.add((value as unknown[]).map(String))})`;
    case 'like':
      return `${expr}::text LIKE ${params.add(`%${String(value)}%`)}`;
    case 'ilike':
      return `${expr}::text ILIKE ${params.add(`%${String(value)}%`)}`;
    case '=like':
      return `${expr}::text LIKE ${params.add(String(value))}`;
    case '=ilike':
      return `${expr}::text ILIKE ${params.add(String(value))}`;
    default:
      throw valueError(`Invalid operator ${pyRepr(operator)} for a name`);
  }
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return [value];
}

function scalarLeaf(
  ctx: SqlContext,
  field: ResolvedField,
  operator: string,
  value: unknown,
  expr: string,
  leaf: unknown,
): string {
  const { params } = ctx;
  const boolean = field.def.type === 'boolean';
  switch (operator) {
    case '=':
    case '!=':
    case '<>': {
      const negate = operator !== '=';
      if (boolean) {
        const truthy = !isFalsy(value) && value !== 0;
        const isTrue = `${expr} IS TRUE`;
        return truthy !== negate ? isTrue : `(${expr} IS NOT TRUE)`;
      }
      if (isFalsy(value)) return negate ? `${expr} IS NOT NULL` : `${expr} IS NULL`;
      const p = params.add(scalarParam(field, value, leaf));
      return negate ? `(${expr} != ${p} OR ${expr} IS NULL)` : `${expr} = ${p}`;
    }
    case '<':
    case '>':
    case '<=':
    case '>=':
      if (isFalsy(value) && !boolean) return FALSE_SQL;
      return `${expr} ${operator} ${params.add(scalarParam(field, value, leaf))}`;
    case 'in':
    case 'not in': {
      const list = asList(value);
      const withNull = list.some(isFalsy);
      const values = list.filter((v) => !isFalsy(v)).map((v) => scalarParam(field, v, leaf));
      if (operator === 'in') {
        const parts: string[] = [];
        if (values.length > 0) parts.push(`${expr} = ANY(${params.add(values)})`);
        if (withNull) parts.push(`${expr} IS NULL`);
        return parts.length === 0 ? FALSE_SQL : `(${parts.join(' OR ')})`;
      }
      if (values.length === 0) return withNull ? `${expr} IS NOT NULL` : TRUE_SQL;
      const notIn = `${expr} != ALL(${params.add(values)})`;
      return withNull ? `(${notIn} AND ${expr} IS NOT NULL)` : `(${notIn} OR ${expr} IS NULL)`;
    }
    case 'like':
    case 'ilike':
    case '=like':
    case '=ilike':
      return textMatch(ctx, expr, operator, value);
    case 'not like':
    case 'not ilike':
      return `(NOT (${textMatch(ctx, expr, operator.slice(4), value)}) OR ${expr} IS NULL)`;
    default:
      throw valueError(`Invalid leaf ${pyRepr(leaf)}`);
  }
}

/** Checks a value's type against the field so a wrong type is Odoo's ValueError, not a crash. */
function scalarParam(field: ResolvedField, value: unknown, leaf: unknown): unknown {
  switch (field.def.type) {
    case 'integer':
    case 'many2one':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
      if (typeof value === 'boolean') return value ? 1 : 0;
      break;
    case 'float':
    case 'monetary':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        return Number(value);
      break;
    case 'boolean':
      return Boolean(value);
    case 'date':
    case 'datetime':
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(value))
        return value;
      break;
    default:
      if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  throw valueError(
    `Invalid value ${pyRepr(value)} for field ${field.name} in leaf ${pyRepr(leaf)}`,
  );
}

function x2manyLeaf(
  ctx: SqlContext,
  field: ResolvedField,
  operator: string,
  value: unknown,
  alias: string,
  leaf: unknown,
): string {
  const comodel = ctx.registry.get(field.def.relation!);
  const sub = subAlias(ctx, comodel.table);
  const any = relationalMembership(ctx, field, alias, comodel, sub, TRUE_SQL);
  const positive = operator === '=' || operator === 'in';
  const negative = operator === '!=' || operator === '<>' || operator === 'not in';
  if (positive || negative) {
    const list = asList(value);
    if (list.length === 0 || list.every(isFalsy)) return positive ? `(NOT ${any})` : any;
    let inner: string;
    if (hasNames(value)) {
      inner = textMatch(ctx, displayNameExpr(ctx, comodel, sub), 'in', list);
    } else {
      const ids = list.map((v) => {
        if (typeof v !== 'number' || !Number.isInteger(v))
          throw valueError(`Invalid value ${pyRepr(v)} in leaf ${pyRepr(leaf)}`);
        return v;
      });
      inner = `${ident(sub)}."id" = ANY(${ctx.params.add(ids)})`;
    }
    const member = relationalMembership(ctx, field, alias, comodel, sub, inner);
    return positive ? member : `(NOT ${member})`;
  }
  if (operator.includes('like')) {
    const negated = operator.startsWith('not ');
    const inner = textMatch(
      ctx,
      displayNameExpr(ctx, comodel, sub),
      negated ? operator.slice(4) : operator,
      value,
    );
    const member = relationalMembership(ctx, field, alias, comodel, sub, inner);
    return negated ? `(NOT ${member})` : member;
  }
  throw valueError(`Invalid leaf ${pyRepr(leaf)}`);
}

/** child_of / parent_of on models with a stored parent_path (stock.location, product.category). */
function hierarchy(
  ctx: SqlContext,
  model: ModelDef,
  field: ResolvedField,
  operator: string,
  value: unknown,
  alias: string,
  leaf: unknown,
): string {
  const target =
    field.name === 'id' ? model : field.def.relation ? ctx.registry.get(field.def.relation) : null;
  if (!target?.parentStore) throw valueError(`Invalid leaf ${pyRepr(leaf)}: no hierarchy`);
  const ids = asList(value).filter((v): v is number => typeof v === 'number');
  const a = subAlias(ctx, target.table);
  const b = subAlias(ctx, target.table);
  const p = ctx.params.add(ids);
  const related =
    operator === 'child_of'
      ? `${ident(a)}.parent_path LIKE ${ident(b)}.parent_path || '%'`
      : `${ident(b)}.parent_path LIKE ${ident(a)}.parent_path || '%'`;
  const expr = field.name === 'id' ? `${ident(alias)}."id"` : fieldExpr(ctx, field, alias);
  return `(${expr} IN (SELECT ${ident(a)}."id" FROM ${ident(target.table)} ${ident(a)} JOIN ${ident(target.table)} ${ident(b)} ON ${related} WHERE ${ident(b)}."id" = ANY(${p})))`;
}

/** ORDER BY from Odoo's order spec ("name desc, id"); only known fields are accepted. */
export function compileOrder(
  ctx: SqlContext,
  model: ModelDef,
  order: unknown,
  alias: string,
): string {
  const spec =
    order === null || order === undefined || order === false ? (model.order ?? 'id') : order;
  if (typeof spec !== 'string') throw invalidOrder(spec);
  const parts: string[] = [];
  for (const raw of spec.split(',')) {
    const match = /^\s*([a-z0-9_]+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$/i.exec(raw);
    if (!match) throw invalidOrder(spec);
    const field = ctx.registry.field(model.name, match[1]!, ctx.serie);
    if (
      !field ||
      field.def.compute ||
      field.def.type === 'one2many' ||
      field.def.type === 'many2many'
    )
      throw invalidOrder(spec);
    const direction = (match[2] ?? 'asc').toUpperCase();
    const nulls = match[3] ? ` NULLS ${match[3].toUpperCase()}` : '';
    parts.push(`${fieldExpr(ctx, field, alias)} ${direction}${nulls}`);
  }
  return parts.join(', ');
}

function invalidOrder(spec: unknown): Error {
  return valueError(
    `Invalid "order" specified (${String(spec)}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
  );
}
