// The four logistics transaction classes and the mix that runs them together, as the scenarios
// define them.
export {
  LOAD_PROFILES,
  TRANSACTION_CLASSES,
  isTransactionClass,
  type LoadProfile,
  type TransactionClass,
} from '../../scenarios/lib/workload.js';
