// Public API of the audit trail.
export { createAuditActivities, type AuditActivities } from './activities';
export { GENESIS_HASH, type AuditRow } from './canonical';
export { InvalidAuditEntryError, parseAuditEntry, type AuditEntry, type ConfigurationChange } from './entry';
export { exportAudit, EXPORT_COLUMNS, type ExportOptions } from './export';
export { AuditConfigError, loadAuditKeys, type AuditKeys } from './keys';
export { pseudonymiseClientId } from './privacy';
export { appendAuditRecord, type AuditReceipt } from './store';
export { verifyAuditChain, type AuditFinding, type AuditProblem, type VerifyResult } from './verify';
