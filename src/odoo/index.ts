// Public surface of the Odoo client (package.json "exports": "./odoo").
export { OdooClient, createTransport, type ExecuteOptions, type TransportName } from './client.js';
export {
  FaultCode,
  OdooAccessDenied,
  OdooAccessError,
  OdooApplicationError,
  OdooConcurrencyError,
  OdooFault,
  OdooUserError,
  classifyFault,
  isCommittedUnmarshallable,
  type FaultTag,
} from './faults.js';
export type { CallOutcome, ExecuteKwCall, OdooTransport, OdooVersionInfo } from './transport.js';
export { XmlRpcTransport } from './xmlrpc-transport.js';
export { Json2Transport } from './json2-transport.js';
