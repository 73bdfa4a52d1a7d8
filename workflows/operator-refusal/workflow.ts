// operatorRefusal (`refusal:<eventId>:<id>`): signs a refused operator control into the audit trail.
// Only the signing activity writes the trail, and a refusal is decided where no activity can run: in
// an event's update validator (an expired rollback token, a radar-closed channel), or before any
// event is reached (an unknown event, a body naming another operator than its token's).
import type { AuditEntry } from '../../audit';
import { audit } from '../activity-proxies';

export async function operatorRefusal(entry: AuditEntry): Promise<void> {
  await audit.recordAudit(entry);
}
