// Public surface of core (package.json "exports": "./core").
export {
  BadInputError,
  CheckFailedError,
  ExitCode,
  OcError,
  UnreachableError,
  isOcError,
} from './errors.js';
export { Secret } from './secret.js';
export { redact, redactUrl } from './redact.js';
export { Logger, log, type LogLevel } from './logger.js';
export { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
export { loadYamlFile, parseYaml, validate } from './load-yaml.js';
export {
  describeTarget,
  resolvePgUrl,
  resolveTarget,
  type OdooTarget,
  type TargetFlags,
} from './target.js';
