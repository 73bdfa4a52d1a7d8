// What the loop has done, for `rrm stats` and `GET /v1/stats`: events by type and outcome, pending and
// monitored events (Temporal visibility, eventually consistent: a second or so behind), and actions
// executed and rolled back (the audit store, when a pool is given).
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { ALL_EVENT_TYPES, type EventType } from '../../domain/events';
import { limiter } from './limiter';
import { EVENT_WORKFLOW_TYPE } from '../../workflows/contract';
import { OUTCOMES, type Outcome } from '../../workflows/contract';

export interface TypeStats {
  /** Every event of the type, finished or not. */
  total: number;
  /** Events of the type with an outcome, by outcome. */
  outcomes: Record<Outcome, number>;
}

export interface AuditStats {
  /** Configuration changes applied to an AP (execution_status APPLIED). */
  actionsExecuted: number;
  rollbacks: {
    /** Rolled back by the monitor after degradation. */
    automatic: number;
    /** Rolled back at an operator's request. */
    manual: number;
  };
}

export interface RrmStats {
  collectedAt: string;
  /** The task queue the counts are limited to; null: the whole namespace. */
  taskQueue: string | null;
  events: {
    total: number;
    byOutcome: Record<Outcome, number>;
    /** Only types with at least one event. */
    byType: Partial<Record<EventType, TypeStats>>;
  };
  /** Running events waiting for their AP's turn. */
  pending: number;
  /** Running events whose change is in its monitor window. */
  monitoring: number;
  /** Running events whose apply failed, waiting for an operator's retry or abandon. */
  awaitingOperator: number;
  /** Null when no audit store was given. */
  audit: AuditStats | null;
}

export interface StatsOptions {
  /** Count only the events of this task queue (one deployment); the whole namespace when absent. */
  taskQueue?: string;
  /** Visibility count calls in flight at once. */
  concurrency?: number;
}

/** Values go into a visibility query between single quotes. */
const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function collectStats(client: Client, pool?: Pool, opts: StatsOptions = {}): Promise<RrmStats> {
  const base = [`WorkflowType = ${quote(EVENT_WORKFLOW_TYPE)}`];
  if (opts.taskQueue) base.push(`TaskQueue = ${quote(opts.taskQueue)}`);
  const limit = limiter(opts.concurrency ?? 8);
  const count = (...conditions: string[]): Promise<number> =>
    limit(async () => (await client.workflow.count([...base, ...conditions].join(' AND '))).count);
  const running = `ExecutionStatus = 'Running'`;

  // Totals per outcome and per type first; then only the type × outcome cells that can be non-zero.
  const [total, outcomeTotals, typeTotals, pending, monitoring, awaitingOperator, audit] = await Promise.all([
    count(),
    Promise.all(OUTCOMES.map((o) => count(`RrmOutcome = ${quote(o)}`))),
    Promise.all(ALL_EVENT_TYPES.map((t) => count(`RrmEventType = ${quote(t)}`))),
    count(`RrmStage = 'waiting'`, running),
    count(`RrmStage = 'monitor'`, running),
    count(`RrmOutcome = 'FAILED'`, running),
    pool ? auditStats(pool) : Promise.resolve(null),
  ]);

  const byOutcome = zeroOutcomes();
  OUTCOMES.forEach((o, i) => (byOutcome[o] = outcomeTotals[i]));
  const byType: Partial<Record<EventType, TypeStats>> = {};
  await Promise.all(
    ALL_EVENT_TYPES.map(async (type, i) => {
      if (typeTotals[i] === 0) return;
      const outcomes = zeroOutcomes();
      await Promise.all(
        OUTCOMES.filter((o) => byOutcome[o] > 0).map(async (o) => {
          outcomes[o] = await count(`RrmEventType = ${quote(type)}`, `RrmOutcome = ${quote(o)}`);
        }),
      );
      byType[type] = { total: typeTotals[i], outcomes };
    }),
  );

  return {
    collectedAt: new Date().toISOString(),
    taskQueue: opts.taskQueue ?? null,
    events: { total, byOutcome, byType },
    pending,
    monitoring,
    awaitingOperator,
    audit,
  };
}

export async function auditStats(pool: Pool): Promise<AuditStats> {
  const { rows } = await pool.query<{ applied: string; automatic: string; manual: string }>(
    `select count(*) filter (where execution_status = 'APPLIED') as applied,
            count(*) filter (where execution_status = 'ROLLED_BACK' and auto_rollback_triggered) as automatic,
            count(*) filter (where execution_status = 'ROLLED_BACK' and operator is not null) as manual
       from audit_records
      where execution_status in ('APPLIED', 'ROLLED_BACK')`,
  );
  const row = rows[0];
  return {
    actionsExecuted: Number(row.applied),
    rollbacks: { automatic: Number(row.automatic), manual: Number(row.manual) },
  };
}

function zeroOutcomes(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
}
