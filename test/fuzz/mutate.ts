// Mutations of a well-formed document for fuzzing readers: one value anywhere in it, deep fields
// included, replaced by something hostile or removed.
import fc from 'fast-check';

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const out: Path[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = [...prefix, Array.isArray(value) ? Number(k) : k];
    out.push(p, ...paths(v, p));
  }
  return out;
}

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    -1,
    0,
    -0.5,
    1e308,
    -1e308,
    5e-324,
    '',
    'NaN',
    '1e999',
    {},
    [],
    true,
    '__proto__',
    'x'.repeat(10_000),
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer().map((n) => [n]),
  fc
    .integer({ min: 1, max: 2000 })
    .map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
);

export interface Mutation {
  pick: number;
  remove: boolean;
  value: unknown;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  remove: fc.boolean(),
  value: hostileValue,
});

/** A copy of doc with the mutation applied at one of its paths. */
export function mutate<T>(doc: T, m: Mutation): T {
  const copy = structuredClone(doc) as unknown;
  const all = paths(copy);
  if (all.length === 0) return m.value as T;
  const path = all[m.pick % all.length]!;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (m.remove && !Array.isArray(parent)) delete parent[last];
  else parent[last] = m.value;
  return copy as T;
}
