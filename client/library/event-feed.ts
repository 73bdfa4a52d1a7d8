// The latest events of a deployment, for the floor page's feed (`GET /v1/events`): Temporal visibility
// lists them with their search attributes (type, severity, stage, outcome, AP); when each was decided
// comes from its status, read once per outcome and kept, so a page polling every few seconds costs two
// visibility calls and a status read only for what was decided since. Also the burst re-plans of the
// deployment (`GET /v1/bursts`), from the burstReplan workflow's `state` query.
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { limiter } from './limiter';
import type { RrmClient } from './rrm-client';
import {
  burstReplanWorkflowId,
  burstStateQuery,
  EVENT_WORKFLOW_TYPE,
  searchAttributes,
  type BurstView,
  type EventStatus,
} from '../../workflows/contract';

export interface FeedEvent {
  eventId: string;
  workflowId: string;
  runId: string;
  apId: string | null;
  type: string | null;
  severity: string | null;
  /** The stage and outcome visibility holds (a second or so behind the workflow). */
  stage: string | null;
  outcome: string | null;
  /** The workflow's execution status: RUNNING, COMPLETED, TERMINATED, … */
  execution: string;
  /** When the workflow started (the event was ingested), ISO. */
  startedAt: string;
  /** When its outcome was decided, ISO; null until then (or when its status cannot be read). */
  decidedAt: string | null;
  /** From its start to its decision. */
  secondsToDecision: number | null;
}

export const DEFAULT_FEED_EVENTS = 25;
export const MAX_FEED_EVENTS = 100;
/** Decisions kept (by run): beyond it the oldest are read again if asked for. */
const KEPT_DECISIONS = 2_000;

/** Values go into a visibility query between single quotes. */
const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const EVENT_PREFIX = 'event:';

export class EventFeed {
  private readonly decisions = new Map<string, { outcome: string; decidedAt: string | null }>();
  private readonly reads = limiter(8);

  /** `taskQueue`: this deployment's events only; the whole namespace when absent. */
  constructor(
    private readonly rrm: RrmClient,
    private readonly taskQueue?: string,
  ) {}

  /** The `limit` latest events, newest first. */
  async latest(limit = DEFAULT_FEED_EVENTS): Promise<FeedEvent[]> {
    const base = [`WorkflowType = ${quote(EVENT_WORKFLOW_TYPE)}`];
    if (this.taskQueue) base.push(`TaskQueue = ${quote(this.taskQueue)}`);
    // Visibility lists running executions first: the running and the closed are asked apart, each
    // newest first, and merged.
    const [running, closed] = await Promise.all(
      [`ExecutionStatus = 'Running'`, `ExecutionStatus != 'Running'`].map((status) =>
        this.rrm.call(() => this.first([...base, status].join(' AND '), limit)),
      ),
    );
    const newest = [...running, ...closed]
      .sort((a, b) => b.startTime.getTime() - a.startTime.getTime())
      .slice(0, limit);
    return Promise.all(newest.map((info) => this.entry(info)));
  }

  private async first(query: string, limit: number): Promise<WorkflowExecutionInfo[]> {
    const found: WorkflowExecutionInfo[] = [];
    for await (const info of this.rrm.client.workflow.list({ query, pageSize: limit })) {
      found.push(info);
      if (found.length >= limit) break;
    }
    return found;
  }

  private async entry(info: WorkflowExecutionInfo): Promise<FeedEvent> {
    const attribute = (key: (typeof searchAttributes)[keyof typeof searchAttributes]) =>
      info.typedSearchAttributes.get(key) ?? null;
    const outcome = attribute(searchAttributes.outcome);
    const eventId = info.workflowId.startsWith(EVENT_PREFIX)
      ? info.workflowId.slice(EVENT_PREFIX.length)
      : info.workflowId;
    const decidedAt = outcome === null ? null : await this.decidedAt(info, eventId, outcome);
    const seconds = decidedAt === null ? null : (Date.parse(decidedAt) - info.startTime.getTime()) / 1000;
    return {
      eventId,
      workflowId: info.workflowId,
      runId: info.runId,
      apId: attribute(searchAttributes.apId),
      type: attribute(searchAttributes.eventType),
      severity: attribute(searchAttributes.severity),
      stage: attribute(searchAttributes.stage),
      outcome,
      execution: info.status.name,
      startedAt: info.startTime.toISOString(),
      decidedAt,
      secondsToDecision: seconds === null ? null : Math.max(0, Math.round(seconds * 10) / 10),
    };
  }

  /** When the event reached `outcome`: its status, read once per run and outcome. */
  private async decidedAt(
    info: WorkflowExecutionInfo,
    eventId: string,
    outcome: string,
  ): Promise<string | null> {
    const known = this.decisions.get(info.runId);
    if (known?.outcome === outcome) return known.decidedAt;
    const status = await this.reads(() => this.statusOf(info, eventId)).catch(() => undefined);
    if (!status) return null; // not kept: read again next time
    // Visibility may lag the status: keep what the status says for the outcome it has.
    const decidedAt = status.outcome === outcome ? (status.decidedAt ?? null) : null;
    if (status.outcome === outcome) {
      if (this.decisions.size >= KEPT_DECISIONS) this.decisions.delete(this.decisions.keys().next().value!);
      this.decisions.set(info.runId, { outcome, decidedAt });
    }
    return decidedAt;
  }

  /** A running event answers its query; a completed one's result is its final status. */
  private async statusOf(info: WorkflowExecutionInfo, eventId: string): Promise<EventStatus | undefined> {
    if (info.status.name === 'RUNNING') return this.rrm.status(eventId);
    if (info.status.name !== 'COMPLETED') return undefined;
    const handle = this.rrm.client.workflow.getHandle(info.workflowId, info.runId);
    return this.rrm.call(() => handle.result() as Promise<EventStatus>);
  }
}

/** The burst re-plans of a deployment: what its burstReplan workflow holds, empty when none runs. */
export interface BurstsView extends BurstView {
  running: boolean;
}

export async function collectBursts(rrm: RrmClient, taskQueue: string): Promise<BurstsView> {
  const view = await rrm.queryIfRunning(burstReplanWorkflowId(taskQueue), burstStateQuery);
  return view ? { ...view, running: true } : { running: false, pending: [], planned: [], reservations: [] };
}
