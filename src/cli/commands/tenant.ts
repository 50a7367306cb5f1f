// `tenant`: tenant placement (stay shared, dedicated database or dedicated stack) from runs'
// per-database statistics, models/tenants.yaml and models/tenancy.yaml.
import { join } from 'node:path';
import type { Command } from 'commander';
import { BadInputError } from '../../core/errors.js';
import {
  TENANT_PLACEMENT_SCHEMA_VERSION,
  type TenantPlacementJson,
} from '../../core/plan-types.js';
import { collect, parseDegradations } from '../flags.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';

interface TenantOptions extends GlobalOptions {
  run: string[];
  models: string;
  neighbourDegradation?: string[];
  noisyNeighbour?: string[];
}

async function runTenant(options: TenantOptions): Promise<TenantPlacementJson> {
  const degradation = parseDegradations(options.neighbourDegradation);
  const [{ loadTenants }, { loadTenancy }, { readRun }, placement] = await Promise.all([
    import('../../core/models/tenants.js'),
    import('../../core/models/tenancy.js'),
    import('../../core/run-dir.js'),
    import('../../planner/tenant-placement.js'),
  ]);
  const [tenants, tenancy] = await Promise.all([
    loadTenants(join(options.models, 'tenants.yaml')),
    loadTenancy(join(options.models, 'tenancy.yaml')),
  ]);
  const runs = await Promise.all(options.run.map((dir) => readRun(dir)));
  for (const spec of options.noisyNeighbour ?? []) {
    const match = /^([^=]+)=([^,]+),(.+)$/.exec(spec);
    if (!match)
      throw new BadInputError(
        `--noisy-neighbour ${spec}: expected <database>=<neighbour alone run>,<neighbour while it peaked run>`,
      );
    const [alone, contended] = await Promise.all([readRun(match[2]!), readRun(match[3]!)]);
    const figure = placement.degradationFromRuns(alone, contended);
    if (figure === null)
      throw new BadInputError(
        `--noisy-neighbour ${spec}: the two runs share no class with a valid step to compare`,
      );
    degradation.set(match[1]!, figure);
  }
  const shares = placement.databaseShares(runs);
  if (shares.length === 0)
    throw new BadInputError(
      `${options.run.join(', ')}: no tenant database statistics in the valid steps`,
      { hint: 'Run the ladder with PGURL set so the runner records per-database statistics.' },
    );
  for (const db of degradation.keys())
    if (!tenants.tenants.some((t) => t.database === db))
      throw new BadInputError(
        `--neighbour-degradation ${db}: no tenant with that database in models/tenants.yaml`,
      );
  const placed = placement.placeTenants(shares, tenants, tenancy, degradation);
  return {
    schemaVersion: TENANT_PLACEMENT_SCHEMA_VERSION,
    kind: 'odoo-capacity-tenant-placement',
    generatedAt: new Date().toISOString(),
    runs: options.run,
    ...placed,
  };
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

function renderTenants(result: TenantPlacementJson): string[] {
  const lines: string[] = [];
  for (const d of result.decisions) {
    lines.push(
      `${d.tenant} (${d.database}): ${d.decision.toUpperCase()}  score ${d.score.toFixed(2)}  DB time ${pct(d.metrics.dbTimeShare)}, worker time ${pct(d.metrics.workerTimeShare)}, growth ${pct(d.metrics.growthPerMonth)}/month, neighbour p95 ${pct(d.metrics.neighbourP95Degradation)}  [${d.confidence.grade}]`,
    );
    for (const r of d.reasons) lines.push(`  - ${r}`);
  }
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return lines;
}

export function registerTenant(program: Command): void {
  program
    .command('tenant')
    .description('decide tenant placement: stay shared, dedicated database or dedicated stack')
    .requiredOption(
      '--run <dir>',
      'run directory with per-database statistics (repeatable)',
      collect,
    )
    .option('--models <dir>', 'models directory (tenants.yaml, tenancy.yaml)', 'models')
    .option(
      '--neighbour-degradation <db=fraction>',
      "noisy-neighbour result: how much the neighbours' p95 rose while this tenant peaked, e.g. lab=0.3",
      collect,
    )
    .option(
      '--noisy-neighbour <db=alone,contended>',
      "the neighbour's run alone and its run while this tenant peaked; their p95 gives the degradation",
      collect,
    )
    .option('--json', 'print the decisions as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ odoo-capacity tenant --run runs/multi-tenant-peak
  $ odoo-capacity tenant --run runs/x --neighbour-degradation tenant_a=0.35 --json
  $ odoo-capacity tenant --run runs/a-peak --noisy-neighbour tenant_a=runs/b-alone,runs/b-during-a

Thresholds and weights are in models/tenancy.yaml; tenant facts in models/tenants.yaml.
Exit: 0 decided, 2 bad input.`,
    )
    .action(async (options: TenantOptions) => {
      const result = await runTenant(options);
      if (options.json) printJson(result);
      else printLines(renderTenants(result));
    });
}
