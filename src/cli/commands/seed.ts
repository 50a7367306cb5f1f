// `seed`: tops up the pools of products, customers, stock and orders the scenarios use;
// `--cleanup` removes what carries the seed and load markers, as far as Odoo allows.
import type { Command } from 'commander';
import { BadInputError } from '../../core/errors.js';
import { resolveTarget, type TargetFlags } from '../../core/target.js';
import type { CleanupSummary } from '../../odoo/seed-cleanup.js';
import {
  DEFAULT_SEED_PLAN,
  type SeedPlan,
  type SeedProgress,
  type SeedSummary,
} from '../../odoo/seed.js';
import type { SettingsSummary } from '../../odoo/seed-settings.js';
import { numberFlag } from '../flags.js';
import { printJson, printLines, type GlobalOptions } from '../output.js';
import { addTargetOptions } from '../target-options.js';

interface SeedFlags extends TargetFlags, GlobalOptions {
  products: string;
  customers: string;
  readyOrders: string;
  deliveredOrders: string;
  stock: string;
  lines: string;
  cleanup?: boolean;
  /** false with --no-settings. */
  settings: boolean;
}

const count = (flag: string, raw: string, min = 0): number =>
  numberFlag(flag, raw, { integer: true, min, max: 1_000_000 });

function parsePlan(flags: SeedFlags): SeedPlan {
  return {
    products: count('--products', flags.products),
    customers: count('--customers', flags.customers),
    readyOrders: count('--ready-orders', flags.readyOrders),
    deliveredOrders: count('--delivered-orders', flags.deliveredOrders),
    stock: count('--stock', flags.stock),
    linesPerOrder: count('--lines', flags.lines, 1),
    settings: flags.settings !== false,
  };
}

const PHASE_LABEL: Record<SeedProgress['phase'], string> = {
  settings: 'settings',
  products: 'products',
  customers: 'customers',
  stock: 'stock',
  'ready-orders': 'ready orders',
  'delivered-orders': 'delivered orders',
  cleanup: 'cleanup',
};

/** A progress bar on stderr when it is a terminal; nothing otherwise. */
async function progressBar(): Promise<{ update(p: SeedProgress): void; stop(): void }> {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    { format: '{phase} [{bar}] {value}/{total}', stream: process.stderr, clearOnComplete: true },
    Presets.shades_classic,
  );
  let phase: string | undefined;
  return {
    update(p) {
      const label = PHASE_LABEL[p.phase].padEnd(16);
      if (phase !== p.phase) {
        if (phase !== undefined) bar.stop();
        bar.start(p.total, p.done, { phase: label });
        phase = p.phase;
      } else {
        bar.setTotal(p.total);
        bar.update(p.done, { phase: label });
      }
    },
    stop: () => bar.stop(),
  };
}

/** One line on Storage Locations and what it means for stock-moves. */
function renderSettings(settings: SettingsSummary): string {
  const label = 'settings'.padEnd(17);
  const revert = 'seed --cleanup switches Storage Locations off again';
  switch (settings.storageLocations) {
    case 'enabled':
      return `${label} Storage Locations switched on: Internal Transfers ${settings.internalTransfers ? 'active' : 'still archived'}; ${revert}`;
    case 'skipped':
      return `${label} Storage Locations left off (--no-settings): Internal Transfers archived, stock-moves skips internal transfers`;
    case 'unchanged':
      if (!settings.internalTransfers)
        return `${label} Storage Locations is on but Internal Transfers is archived: unarchive it (Inventory → Configuration → Operation Types), or stock-moves skips internal transfers`;
      return settings.enabledBySeed
        ? `${label} Internal Transfers active, nothing changed (an earlier seed switched Storage Locations on; ${revert})`
        : `${label} Internal Transfers active, nothing changed`;
  }
}

function renderSeed(summary: SeedSummary): string[] {
  const pool = (name: string, p: { wanted: number; existing: number; created: number }) =>
    `${name.padEnd(17)} ${p.wanted} wanted: ${p.existing} there, ${p.created} created`;
  return [
    `seeded ${summary.serie}`,
    renderSettings(summary.settings),
    pool('products', summary.products),
    pool('customers', summary.customers),
    `${'stock'.padEnd(17)} ${summary.stockAdjusted} products topped up`,
    pool('ready orders', summary.readyOrders) +
      (summary.readyOrders.notReserved > 0
        ? ` (${summary.readyOrders.notReserved} deliveries not fully reserved)`
        : ''),
    pool('delivered orders', summary.deliveredOrders),
  ];
}

const CLEANUP_SETTINGS: Record<CleanupSummary['settings']['storageLocations'], string> = {
  disabled: 'Storage Locations switched off again (seed had switched it on)',
  'already-off': 'Storage Locations already off (seed had switched it on)',
  untouched: 'Storage Locations left as it is (seed did not switch it on)',
  refused: 'Storage Locations stays on: Odoo refused to switch it off',
};

function renderCleanup(summary: CleanupSummary): string[] {
  return [
    `orders: ${summary.orders.deleted} of ${summary.orders.found} deleted`,
    `invoices: ${summary.invoices.deleted} of ${summary.invoices.found} deleted`,
    `products: ${summary.products.deleted} deleted, ${summary.products.archived} archived`,
    `customers: ${summary.customers.deleted} deleted, ${summary.customers.archived} archived`,
    `load receipts and transfers: ${summary.loadPickings.deleted} of ${summary.loadPickings.found} deleted`,
    `settings: ${CLEANUP_SETTINGS[summary.settings.storageLocations]}`,
    ...summary.remains.map((r) => `remains: ${r}`),
  ];
}

export function registerSeed(program: Command): void {
  const command = program
    .command('seed')
    .description(
      'create or top up the products, customers, stock and order pools the scenarios use (marked for cleanup)',
    )
    .option('--products <n>', 'storable products OC-P-0001…', String(DEFAULT_SEED_PLAN.products))
    .option('--customers <n>', 'customers OC-C-0001…', String(DEFAULT_SEED_PLAN.customers))
    .option(
      '--ready-orders <n>',
      'confirmed orders whose delivery awaits validation',
      String(DEFAULT_SEED_PLAN.readyOrders),
    )
    .option(
      '--delivered-orders <n>',
      'delivered orders awaiting invoicing',
      String(DEFAULT_SEED_PLAN.deliveredOrders),
    )
    .option(
      '--stock <n>',
      'free stock each product keeps after the pools are made',
      String(DEFAULT_SEED_PLAN.stock),
    )
    .option('--lines <n>', 'lines per seeded order', String(DEFAULT_SEED_PLAN.linesPerOrder))
    .option(
      '--no-settings',
      "leave Inventory settings as they are (seed otherwise switches on Storage Locations when it is off, for stock-moves' internal transfers)",
    )
    .option(
      '--cleanup',
      'remove the records carrying seed and load markers, as Odoo allows; switch off Storage Locations if seed switched it on',
    )
    .option('--json', 'print the summary as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ ODOO_URL=http://127.0.0.1:8069 ODOO_DB=lab ODOO_PASSWORD=admin odoo-capacity seed
  $ odoo-capacity seed --products 50 --customers 20 --ready-orders 200 --delivered-orders 200 --stock 1000
  $ odoo-capacity seed --no-settings          # change no Inventory setting; stock-moves then skips internal transfers
  $ odoo-capacity seed --cleanup --json
  $ ODOO_API_KEY=... ODOO_TRANSPORT=json2 odoo-capacity seed   # Odoo 19+ over JSON-2

Safe to run twice: what exists is counted and only what is missing is created.
Settings: a fresh Odoo keeps Internal Transfers archived until Inventory → Settings → Storage
Locations is on; seed switches it on as an administrator would (res.config.settings) and
remembers it (system parameter odoo_capacity.seed.storage_locations), so --cleanup switches it
off again only if seed switched it on.
Exit: 0 done, 1 Odoo refused a step, 2 bad input or credentials, 3 target unreachable.`,
    );
  addTargetOptions(command).action(async (flags: SeedFlags) => {
    const plan = flags.cleanup ? undefined : parsePlan(flags);
    const target = resolveTarget(flags);
    if (!target)
      throw new BadInputError('seed: no target: set ODOO_URL (or --url)', {
        hint: 'For the lab: ODOO_URL=http://127.0.0.1:8069 ODOO_DB=lab ODOO_PASSWORD=admin',
      });
    const { OdooClient } = await import('../../odoo/client.js');
    const client = new OdooClient(target);
    const bar = await progressBar();
    try {
      if (plan) {
        const { seed } = await import('../../odoo/seed.js');
        const summary = await seed(client, plan, (p) => bar.update(p));
        bar.stop();
        if (flags.json) printJson(summary);
        else printLines(renderSeed(summary));
      } else {
        const { cleanupSeed } = await import('../../odoo/seed-cleanup.js');
        const summary = await cleanupSeed(client, (p) => bar.update(p));
        bar.stop();
        if (flags.json) printJson(summary);
        else printLines(renderCleanup(summary));
      }
    } finally {
      bar.stop();
    }
  });
}
