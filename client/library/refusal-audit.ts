// A refused operator control leaves its audit record too (docs/audit-contract.md): who asked, for
// what, and why it was refused. Signed by the worker's operatorRefusal workflow (workflows/).
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { AuditEntry } from '../../audit';
import { SEVERITIES, type Severity } from '../../domain/event-types';
import {
  OPERATOR_REFUSAL_WORKFLOW_TYPE,
  operatorRefusalWorkflowId,
  searchAttributes,
} from '../../workflows/contract';
import type { RrmClient } from './rrm-client';

export interface Refusal {
  control: string;
  eventId: string;
  operator: string;
  /** The operator's own reason for the control, if given. */
  reason?: string;
  /** Why it was refused. */
  refusal: string;
}

/** What the audit names of an event that is not known: no AP, no type. */
const UNKNOWN = { apId: '-', eventType: 'UNKNOWN', severity: 'LOW' as Severity };

/** The event's AP, type and severity, from its workflow's search attributes. */
async function eventOf(rrm: RrmClient, eventId: string): Promise<typeof UNKNOWN> {
  try {
    const { typedSearchAttributes: found } = await rrm.call(() => rrm.eventHandle(eventId).describe());
    const severity = found.get(searchAttributes.severity);
    return {
      apId: found.get(searchAttributes.apId) ?? UNKNOWN.apId,
      eventType: found.get(searchAttributes.eventType) ?? UNKNOWN.eventType,
      severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : UNKNOWN.severity,
    };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return UNKNOWN;
    throw err;
  }
}

/** Starts the refusal's signing; resolves once Temporal holds it (the record follows). */
export async function signRefusal(rrm: RrmClient, refusal: Refusal): Promise<void> {
  const id = randomUUID();
  const entry: AuditEntry = {
    eventId: refusal.eventId,
    ...(await eventOf(rrm, refusal.eventId)),
    actionType: `OPERATOR_${refusal.control.toUpperCase()}`,
    configurationChanges: [],
    rollbackToken: null,
    rollbackEligible: false,
    manualRollbackEligible: false,
    reason: refusal.refusal,
    confidence: 1,
    executionStatus: 'REFUSED',
    degradationDetected: false,
    autoRollbackTriggered: false,
    operator: refusal.operator,
    details: { control: refusal.control, ...(refusal.reason ? { operatorReason: refusal.reason } : {}) },
    idempotencyKey: `refusal:${refusal.eventId}:${id}`,
  };
  await rrm.call(() =>
    rrm.client.workflow.start(OPERATOR_REFUSAL_WORKFLOW_TYPE, {
      workflowId: operatorRefusalWorkflowId(refusal.eventId, id),
      taskQueue: rrm.taskQueue,
      args: [entry],
    }),
  );
}
