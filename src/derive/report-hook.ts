// `report --compare` when both runs hold their derive.json: last quarter's derived workload
// beside this quarter's, appended to each rendered format.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RenderedReport } from '../report/render.js';
import { compareDerived, parseEvidence, renderDerivedComparison } from './compare.js';
import type { DerivedEvidence } from './read.js';

const TITLE = 'Derived workload: the earlier run beside this one';

async function evidenceIn(dir: string): Promise<DerivedEvidence | undefined> {
  const file = join(dir, 'derive.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseEvidence(text, file);
}

async function compareDir(compare: string, runsDir: string): Promise<string> {
  if (compare.endsWith('.json')) return dirname(compare);
  const { resolveRunDir } = await import('../report/read-run.js');
  return resolveRunDir(compare, runsDir);
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function addDerivedComparison(
  rendered: RenderedReport[],
  runDir: string,
  compare: string | undefined,
  runsDir: string,
): Promise<RenderedReport[]> {
  if (!compare) return rendered;
  const after = await evidenceIn(runDir);
  const before = after && (await evidenceIn(await compareDir(compare, runsDir)));
  if (!after || !before) return rendered;
  const comparison = compareDerived(before, after);
  const table = renderDerivedComparison(comparison);
  return rendered.map((file) => {
    switch (file.format) {
      case 'md':
        return {
          ...file,
          content: `${file.content.trimEnd()}\n\n## ${TITLE}\n\n${table.join('\n')}\n`,
        };
      case 'json': {
        const doc = JSON.parse(file.content) as Record<string, unknown>;
        return {
          ...file,
          content: JSON.stringify({ ...doc, derivedWorkload: comparison }, null, 2) + '\n',
        };
      }
      case 'html': {
        const rows = table
          .slice(4)
          .map(
            (line) =>
              `<tr>${line
                .split('|')
                .slice(1, -1)
                .map(
                  (c, i) =>
                    `<td${i ? ' style="text-align:right"' : ''}>${escapeHtml(c.trim())}</td>`,
                )
                .join('')}</tr>`,
          )
          .join('\n');
        const section = `<section id="derived-workload"><h2>${TITLE}</h2><p>${escapeHtml(table[0]!)}</p><table><thead><tr><th>measured</th><th>before</th><th>after</th><th>change</th></tr></thead><tbody>\n${rows}\n</tbody></table></section>\n`;
        const at = file.content.lastIndexOf('</body>');
        return at < 0
          ? file
          : { ...file, content: file.content.slice(0, at) + section + file.content.slice(at) };
      }
    }
  });
}
