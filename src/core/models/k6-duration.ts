// k6's duration syntax as the models write it ("30s", "5m", "1h30m"), for the workload and SLO schemas.
import { z } from 'zod';

export const k6Duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ms|h|m|s))+$/, 'expected a k6 duration such as 30s, 5m or 1h30m');
