// The scenario's environment, read once per VU at init: a bad variable stops the test with one
// line naming it instead of failing every iteration.
import { parseScenarioEnv, type ScenarioEnv } from '../lib/scenario-env.ts';
import { abortTest } from './abort.ts';

function read(): ScenarioEnv {
  try {
    return parseScenarioEnv(__ENV);
  } catch (error) {
    return abortTest((error as Error).message);
  }
}

export const scenarioEnv: ScenarioEnv = read();
