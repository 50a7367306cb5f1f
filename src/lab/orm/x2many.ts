// Odoo's x2many write commands on one2many and many2many fields: (0,0,vals) create, (1,id,vals)
// update, (2,id) delete, (3,id) unlink, (4,id) link, (5,) clear, (6,0,ids) replace. A plain list
// of ids replaces the set, as Odoo accepts for many2many.
import { pyRepr, valueError } from './python.js';
import type { ResolvedField, Runtime } from './model.js';
import { ident } from './sql.js';

type Command = [number, unknown, unknown];

function parseCommands(label: string, value: unknown): Command[] {
  if (value === false || value === null || value === undefined) return [[5, 0, 0]];
  if (!Array.isArray(value)) throw valueError(`Wrong value for ${label}: ${pyRepr(value)}`);
  if (value.length > 0 && value.every((v) => typeof v === 'number' && Number.isInteger(v)))
    return [[6, 0, value]];
  return value.map((command) => {
    if (!Array.isArray(command) || typeof command[0] !== 'number')
      throw valueError(`Wrong value for ${label}: ${pyRepr(command)}`);
    return [command[0], command[1] ?? 0, command[2] ?? 0];
  });
}

function recordId(label: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw valueError(`Wrong value for ${label}: ${pyRepr(value)}`);
}

function idList(label: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw valueError(`Wrong value for ${label}: ${pyRepr(value)}`);
  return value.map((v) => recordId(label, v));
}

/**
 * Applies commands to the x2many `field` of record `id`. `fresh` says the record was just
 * created, so it has no links yet to clear.
 */
export async function applyX2many(
  rt: Runtime,
  modelName: string,
  field: ResolvedField,
  id: number,
  value: unknown,
  fresh = false,
): Promise<void> {
  const label = `${modelName}.${field.name}`;
  const commands = parseCommands(label, value);
  if (field.def.type === 'one2many') await applyOne2many(rt, label, field, id, commands);
  else await applyMany2many(rt, label, field, id, commands, fresh);
}

/** Consecutive (0, 0, vals) commands, created in one batch as Odoo does. */
function createRuns(commands: Command[]): (Command | Command[])[] {
  const result: (Command | Command[])[] = [];
  for (const command of commands) {
    const last = result.at(-1);
    if (command[0] === 0 && Array.isArray(last) && Array.isArray(last[0]))
      (last as Command[]).push(command);
    else result.push(command[0] === 0 ? [command] : command);
  }
  return result;
}

async function applyOne2many(
  rt: Runtime,
  label: string,
  field: ResolvedField,
  id: number,
  commands: Command[],
): Promise<void> {
  const comodel = field.def.relation!;
  const inverse = field.def.inverseName!;
  const table = ident(rt.model(comodel).table);
  const inverseDef = rt.field(comodel, inverse)!.def;
  const detach = async (childIds: number[]) => {
    if (childIds.length === 0) return;
    // A required or cascading inverse cannot be emptied: Odoo deletes the child instead.
    if (inverseDef.required || inverseDef.ondelete === 'cascade')
      await rt.unlink(comodel, childIds);
    else await rt.write(comodel, childIds, { [inverse]: false });
  };
  const current = async () =>
    (
      await rt.query<{ id: number }>(`SELECT id FROM ${table} WHERE ${ident(inverse)} = $1`, [id])
    ).map((r) => r.id);
  for (const run of createRuns(commands)) {
    if (Array.isArray(run[0])) {
      await rt.createMany(
        comodel,
        (run as Command[]).map(([, , vals]) => ({ ...(vals as object), [inverse]: id })),
      );
      continue;
    }
    const [code, target, vals] = run as Command;
    switch (code) {
      case 1:
        await rt.write(comodel, [recordId(label, target)], vals);
        break;
      case 2:
        await rt.unlink(comodel, [recordId(label, target)]);
        break;
      case 3:
        await detach([recordId(label, target)]);
        break;
      case 4:
        await rt.write(comodel, [recordId(label, target)], { [inverse]: id });
        break;
      case 5:
        await detach(await current());
        break;
      case 6: {
        const keep = new Set(idList(label, vals));
        await detach((await current()).filter((c) => !keep.has(c)));
        if (keep.size > 0) await rt.write(comodel, [...keep], { [inverse]: id });
        break;
      }
      default:
        throw valueError(`Wrong value for ${label}: unknown command ${pyRepr(code)}`);
    }
  }
}

async function applyMany2many(
  rt: Runtime,
  label: string,
  field: ResolvedField,
  id: number,
  commands: Command[],
  fresh: boolean,
): Promise<void> {
  const { relTable, column1, column2, relation } = field.def;
  const rel = ident(relTable!);
  const c1 = ident(column1!);
  const c2 = ident(column2!);
  const link = async (targets: number[]) => {
    if (targets.length === 0) return;
    await rt.query(
      `INSERT INTO ${rel} (${c1}, ${c2}) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING`,
      [id, targets],
    );
  };
  const unlinkAll = async () => {
    if (!fresh) await rt.query(`DELETE FROM ${rel} WHERE ${c1} = $1`, [id]);
  };
  for (const [code, target, vals] of commands) {
    switch (code) {
      case 0:
        await link([await rt.create(relation!, vals)]);
        break;
      case 1:
        await rt.write(relation!, [recordId(label, target)], vals);
        break;
      case 2:
        await rt.unlink(relation!, [recordId(label, target)]);
        break;
      case 3:
        await rt.query(`DELETE FROM ${rel} WHERE ${c1} = $1 AND ${c2} = $2`, [
          id,
          recordId(label, target),
        ]);
        break;
      case 4:
        await link([recordId(label, target)]);
        break;
      case 5:
        await unlinkAll();
        break;
      case 6:
        await unlinkAll();
        await link(idList(label, vals));
        break;
      default:
        throw valueError(`Wrong value for ${label}: unknown command ${pyRepr(code)}`);
    }
  }
}
