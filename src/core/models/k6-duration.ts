// k6's duration syntax as the models write it ("30s", "5m", "1h30m"), for the workload and SLO schemas.
import { z } from 'zod';
import { K6_DURATION } from '../../../scenarios/lib/duration.js';

export const k6Duration = z
  .string()
  .regex(K6_DURATION, 'expected a k6 duration such as 30s, 5m or 1h30m');
