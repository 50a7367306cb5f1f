// The toolkit against each real Odoo series, one after another (one Odoo at a time): 17.0 in
// full, with the ladder, plan and report; 16.0 and 18.0 with the short set (doctor, seed twice,
// the five scenarios held 10 s with their effects read back, cleanup), which keeps CI in time.
import { describeRealOdoo } from './support/series-suite.js';
import { SKIP_REASON } from './support/real-odoo.js';

if (SKIP_REASON) console.warn(`test/real-odoo: skipped, ${SKIP_REASON}`);

describeRealOdoo('17.0', { full: true });
describeRealOdoo('16.0', { full: false });
describeRealOdoo('18.0', { full: false });
