// Loading of models and configuration: YAML parsed once at the edge and validated with a schema.
// Errors name the file, the line and the field, and say what was expected.
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { readInputFile } from './read-input.js';
import { BadInputError } from './errors.js';

type Path = readonly PropertyKey[];

function formatPath(path: Path): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Validates already-parsed data; `where` names the source (a file or a flag) in errors. */
export function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  where: string,
  locate: (path: Path) => string = () => '',
): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const more =
    result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  throw new BadInputError(
    `${where}${locate(issue.path)}: ${formatPath(issue.path)}: ${issue.message}${more}`,
    { hint: 'Fix the field named above; models/README.md documents every field.' },
  );
}

/** Parses YAML text and validates it; errors point at file:line. */
export function parseYaml<S extends z.ZodType>(schema: S, text: string, file: string): z.infer<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = lineCounter.linePos(err.pos[0]);
    throw new BadInputError(
      `${file}:${pos.line}:${pos.col}: malformed YAML: ${err.message.split('\n')[0]}`,
      {
        hint: 'Check the indentation and quoting at that line.',
      },
    );
  }
  const locate = (path: Path): string => {
    // Walk up to the deepest node that exists, so a missing field points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return `:${lineCounter.linePos(node.range[0]).line}`;
    }
    return '';
  };
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // The parser stops an alias bomb (aliases of aliases, expanding to billions of nodes) here.
    const excessive = /alias/i.test((error as Error).message);
    throw new BadInputError(
      excessive
        ? `${file}: YAML aliases expand too far (${(error as Error).message.split('\n')[0]})`
        : `${file}: malformed YAML: ${(error as Error).message.split('\n')[0]}`,
      {
        hint: excessive
          ? 'Write the values out instead of nesting aliases of aliases.'
          : 'Check the indentation and quoting of the file.',
        cause: error,
      },
    );
  }
  return validate(schema, data, file, locate);
}

export async function loadYamlFile<S extends z.ZodType>(
  schema: S,
  file: string,
): Promise<z.infer<S>> {
  const text = await readInputFile(file, 'Check the path, or pass --models <dir>.');
  return parseYaml(schema, text, file);
}
