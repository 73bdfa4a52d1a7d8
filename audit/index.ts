// Public API of the audit trail.
export { type Anchor } from './anchors';
export { archiveAuditPartitions, type ArchiveOptions, type ArchiveResult } from './archive';
export { verifyArchive, type ArchiveCheckResult } from './archive-check';
export { GENESIS_HASH, type AuditRow } from './canonical';
export {
  readCheckpoints,
  startCheckpointTimer,
  writeCheckpoint,
  CHECKPOINT_FILE,
  type Checkpoint,
} from './checkpoint';
export { loadCheckpointKeys, type CheckpointKeys } from './checkpoint-keys';
export { InvalidAuditEntryError, parseAuditEntry, type AuditEntry, type ConfigurationChange } from './entry';
export { exportAudit, EXPORT_COLUMNS, type ExportOptions } from './export';
export { type AuditFinding, type AuditProblem } from './findings';
export { createAuditWriter, type AuditWriter, type AuditWriterOptions } from './group-commit';
export { AuditConfigError, loadAuditKeys, type AuditKeys } from './keys';
export { pseudonymiseClientId } from './privacy';
export { AuditRecordUnstorableError } from './storable';
export { appendAuditRecord, type AuditReceipt } from './store';
export { verifyAuditChain, type VerifyOptions, type VerifyResult } from './verify';
