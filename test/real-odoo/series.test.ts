// The toolkit against each real Odoo series, one at a time: 17.0 in full (ladder, plan, report),
// 16.0 and 18.0 with the short set, which keeps CI in time.
import { describeRealOdoo } from './support/series-suite.js';
import { SKIP_REASON } from './support/real-odoo.js';

if (SKIP_REASON) console.warn(`test/real-odoo: skipped, ${SKIP_REASON}`);

describeRealOdoo('17.0', { full: true });
describeRealOdoo('16.0', { full: false });
describeRealOdoo('18.0', { full: false });
