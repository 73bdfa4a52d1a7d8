// What verification reports: the first bad record and the kind of damage.

export type AuditProblem =
  /** The record's content no longer matches its signature and hash, or a signed checkpoint. */
  | 'edited'
  /** Records are missing inside the chain. */
  | 'deleted'
  /** A record was added outside the writer: after the head, a second one at a position, a forgery. */
  | 'inserted'
  /** A record sits at another position than the one it was written at. */
  | 'reordered'
  /** The newest records are gone: the chain ends before its head or before a signed checkpoint. */
  | 'truncated'
  /** A record, checkpoint or anchor names a key id that is not configured. */
  | 'unknown_key'
  /** A signature made with another key or secret than the one named: forged, or keys mixed up. */
  | 'bad_signature'
  /** A line of the checkpoint file is not a genuine signed checkpoint. */
  | 'bad_checkpoint'
  /** An archive anchor is not genuine, or anchors do not join up. */
  | 'bad_anchor';

export interface AuditFinding {
  chainPosition: number;
  /** null when the record at that position is missing, or the finding is about a checkpoint/anchor. */
  auditId: string | null;
  problem: AuditProblem;
  detail: string;
}

/** A finding about a position that has no record (missing, or outside the chain). */
export const missing = (chainPosition: number, problem: AuditProblem, detail: string): AuditFinding => ({
  chainPosition,
  auditId: null,
  problem,
  detail,
});
