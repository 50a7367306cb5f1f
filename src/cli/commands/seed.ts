// `seed`: tops up the products, customers, stock and order pools the scenarios use, through
// Odoo's external API (the lab or a real Odoo 16/17/18); `--cleanup` removes what carries the
// seed and load markers, as far as Odoo allows.
import type { Command } from 'commander';
import { BadInputError } from '../../core/errors.js';
import { resolveTarget, type TargetFlags } from '../../core/target.js';
import type { CleanupSummary } from '../../odoo/seed-cleanup.js';
import type { SeedPlan, SeedProgress, SeedSummary } from '../../odoo/seed.js';
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
}

const MAX = 1_000_000;

function count(flag: string, raw: string, min = 0): number {
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > MAX)
    throw new BadInputError(`${flag}: expected an integer from ${min} to ${MAX}, got "${raw}"`);
  return value;
}

export function parsePlan(flags: SeedFlags): SeedPlan {
  return {
    products: count('--products', flags.products),
    customers: count('--customers', flags.customers),
    readyOrders: count('--ready-orders', flags.readyOrders),
    deliveredOrders: count('--delivered-orders', flags.deliveredOrders),
    stock: count('--stock', flags.stock),
    linesPerOrder: count('--lines', flags.lines, 1),
  };
}

const PHASE_LABEL: Record<SeedProgress['phase'], string> = {
  products: 'products',
  customers: 'customers',
  stock: 'stock',
  'ready-orders': 'ready orders',
  'delivered-orders': 'delivered orders',
  cleanup: 'cleanup',
};

/** A progress bar on stderr when it is a terminal; nothing otherwise (style.md §14). */
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

export function renderSeed(summary: SeedSummary): string[] {
  const pool = (name: string, p: { wanted: number; existing: number; created: number }) =>
    `${name.padEnd(17)} ${p.wanted} wanted: ${p.existing} there, ${p.created} created`;
  return [
    `seeded ${summary.serie}`,
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

export function renderCleanup(summary: CleanupSummary): string[] {
  return [
    `orders: ${summary.orders.deleted} of ${summary.orders.found} deleted`,
    `invoices: ${summary.invoices.deleted} of ${summary.invoices.found} deleted`,
    `products: ${summary.products.deleted} deleted, ${summary.products.archived} archived`,
    `customers: ${summary.customers.deleted} deleted, ${summary.customers.archived} archived`,
    ...summary.remains.map((r) => `remains: ${r}`),
  ];
}

export function registerSeed(program: Command): void {
  const command = program
    .command('seed')
    .description(
      'create or top up the products, customers, stock and order pools the scenarios use (marked for cleanup)',
    )
    .option('--products <n>', 'storable products OC-P-0001…', '50')
    .option('--customers <n>', 'customers OC-C-0001…', '20')
    .option('--ready-orders <n>', 'confirmed orders whose delivery awaits validation', '200')
    .option('--delivered-orders <n>', 'delivered orders awaiting invoicing', '200')
    .option('--stock <n>', 'free stock each product keeps after the pools are made', '1000')
    .option('--lines <n>', 'lines per seeded order', '3')
    .option('--cleanup', 'remove the records carrying seed and load markers, as Odoo allows')
    .option('--json', 'print the summary as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ ODOO_URL=http://127.0.0.1:8069 ODOO_DB=lab ODOO_PASSWORD=admin odoo-capacity seed
  $ odoo-capacity seed --products 50 --customers 20 --ready-orders 200 --delivered-orders 200 --stock 1000
  $ odoo-capacity seed --cleanup --json

Safe to run twice: what exists is counted and only what is missing is created.
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
