// The toolkit over JSON-2 against a real, unmodified Odoo 19.0 (fresh database, 2 prefork
// workers), with an API key made for the run: the short real-Odoo suite (doctor listing both
// transports, seed twice, the five scenarios with their effects read back, cleanup) with every
// CLI and k6 call over JSON-2, order-wave over XML-RPC on the same Odoo, and a 2-step ladder
// measuring Odoo's own PostgreSQL with the key in none of the run's files nor in what the CLI
// printed (support/series-suite.ts).
import { SKIP_REASON } from './support/real-odoo.js';
import { describeRealOdoo } from './support/series-suite.js';

if (SKIP_REASON) console.warn(`test/real-odoo: skipped, ${SKIP_REASON}`);

describeRealOdoo('19.0', { full: false, transport: 'json2' });
