// The target and statistics flags shared by every command that talks to Odoo or PostgreSQL.
import type { Command } from 'commander';

export function addTargetOptions(command: Command): Command {
  return command
    .option('--url <url>', 'Odoo web address, e.g. http://127.0.0.1:8069 (default: $ODOO_URL)')
    .option('--db <name>', 'Odoo database (default: $ODOO_DB)')
    .option('--user <login>', 'Odoo login (default: $ODOO_USER, else admin)')
    .option(
      '--password-file <file>',
      'file holding the password or API key (default: $ODOO_PASSWORD / $ODOO_API_KEY)',
    )
    .option(
      '--transport <name>',
      'xmlrpc, or json2 for Odoo 19+ with an API key (default: $ODOO_TRANSPORT, else xmlrpc)',
    )
    .option(
      '--pg-url <url>',
      'PostgreSQL for statistics, without a password (default: $PGURL; password: PGPASSWORD or ~/.pgpass)',
    );
}
