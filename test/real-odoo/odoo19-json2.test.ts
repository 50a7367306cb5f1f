// The toolkit over JSON-2 against a real, unmodified Odoo 19.0 with an API key made for the run:
// the short real-Odoo suite (support/series-suite.ts), with the key in no file or output.
import { SKIP_REASON } from './support/real-odoo.js';
import { describeRealOdoo } from './support/series-suite.js';

if (SKIP_REASON) console.warn(`test/real-odoo: skipped, ${SKIP_REASON}`);

describeRealOdoo('19.0', { full: false, transport: 'json2' });
