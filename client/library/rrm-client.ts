// The TypeScript client library: submit events, read an event's status and an AP's state. The
// CLI, the HTTP ingest and the main job's driver all go through it.
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Duration, QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { ControlPendingError, within } from './control-pending';
import { contentEventId } from './event-ids';
import { limiter } from './limiter';
import { onceTaskRecovers } from './task-recovery';
import { validateEvent, type FieldError, type RrmEvent } from '../../domain/events';
import { DEFAULT_POLICY, effectiveSeverity, type Policy } from '../../domain/policy';
import { taskPriorityKey } from '../../domain/priority';
import { initialTurnState, viewOf, type ApTurnView } from '../../domain/radio-turns';
import {
  apCoordinatorWorkflowId,
  apStateQuery,
  abandonUpdate,
  commitUpdate,
  eventStatusQuery,
  eventWorkflowId,
  outcomeUpdate,
  retryUpdate,
  rollbackUpdate,
  type OperatorAction,
  EVENT_WORKFLOW_TYPE,
  searchAttributes,
} from '../../workflows/contract';
import type { EventStatus } from '../../workflows/contract';
import type { TemporalConfig } from '../../config/env';

export interface Submitted {
  eventId: string;
  workflowId: string;
  /** True when a workflow for this eventId already existed: nothing new was started. */
  duplicate: boolean;
}

export class InvalidEventsError extends Error {
  constructor(readonly problems: { index: number; errors: FieldError[] }[]) {
    super(
      problems
        .map(
          ({ index, errors }) =>
            `event #${index + 1}: ${errors.map((e) => `${e.field || '(event)'} ${e.message}`).join('; ')}`,
        )
        .join('\n'),
    );
    this.name = 'InvalidEventsError';
  }
}

/** Validates every event (no connection needed): one bad event throws, naming every bad field. */
export function validateEvents(raw: unknown[], now = new Date()): RrmEvent[] {
  const results = raw.map((r) => validateEvent(r, { now, newEventId: contentEventId }));
  const problems = results.flatMap((r, index) => (r.ok ? [] : [{ index, errors: r.errors }]));
  if (problems.length) throw new InvalidEventsError(problems);
  return results.map((r) => (r as { ok: true; event: RrmEvent }).event);
}

export class NotFoundError extends Error {}

/** An operator control the event refused, with its reason (e.g. the old channel is radar-closed). */
export class OperatorRefusedError extends Error {}

/** Workflow starts one client has in flight at once: a huge batch queues instead of flooding Temporal. */
export const MAX_CONCURRENT_STARTS = 32;

export interface CallOptions {
  /**
   * How long one call to Temporal may take, counted from when it is sent (not while it queues behind
   * other starts): it tells an unreachable server from a busy machine. Default: the SDK's own.
   */
  callDeadlineMs?: number;
  /**
   * Ask the server to hand each event's first workflow task straight back to the worker in this
   * process (eager workflow start): a radar move then never waits in the task queue. Only for a
   * client on the worker's own NativeConnection (the main job's); the server falls back to the queue
   * when that worker has no free slot.
   */
  eagerStart?: boolean;
}

export class RrmClient {
  /** Shared by every submit of this client, so concurrent requests share the bound too. */
  private readonly startSlot = limiter(MAX_CONCURRENT_STARTS);

  constructor(
    readonly client: Client,
    readonly taskQueue: string,
    private readonly policy: Policy = DEFAULT_POLICY,
    private readonly options: CallOptions = {},
  ) {}

  /** The same client whose every call to Temporal must answer within `callDeadlineMs`. */
  withCallDeadline(callDeadlineMs: number): RrmClient {
    return new RrmClient(this.client, this.taskQueue, this.policy, { ...this.options, callDeadlineMs });
  }

  /** Runs one call to Temporal within the call deadline, when there is one. */
  call<T>(fn: () => Promise<T>): Promise<T> {
    const { callDeadlineMs } = this.options;
    if (callDeadlineMs === undefined) return fn();
    return this.client.connection.withDeadline(Date.now() + callDeadlineMs, fn);
  }

  /**
   * `connectTimeout` bounds each attempt to connect (the SDK's default: 10 s). `lazy` connects on
   * the first call instead of now: a server process starts, and answers, while Temporal is down.
   * `traced`: each call is a span of the caller's trace, and the workflows it starts continue it.
   */
  static async connect(
    temporal: TemporalConfig,
    policy?: Policy,
    {
      connectTimeout,
      lazy = false,
      traced = false,
    }: { connectTimeout?: Duration; lazy?: boolean; traced?: boolean } = {},
  ): Promise<RrmClient & { close(): Promise<void> }> {
    const options = { ...temporal.connection, connectTimeout };
    const connection = lazy ? Connection.lazy(options) : await Connection.connect(options);
    const interceptors = traced ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
    const rrm = new RrmClient(
      new Client({ connection, namespace: temporal.namespace, interceptors }),
      temporal.taskQueue,
      policy,
    );
    return Object.assign(rrm, { close: () => connection.close() });
  }

  /** `now` is the ingest time (default: this machine's clock); `detectedAt` defaults to it. */
  async submit(raw: unknown[], now = new Date()): Promise<Submitted[]> {
    return this.startAll(validateEvents(raw, now));
  }

  /** Starts events `validateEvents` has already checked: one workflow per eventId. */
  async startAll(events: RrmEvent[]): Promise<Submitted[]> {
    return Promise.all(events.map((e) => this.startSlot(() => this.call(() => this.start(e)))));
  }

  private async start(event: RrmEvent): Promise<Submitted> {
    const workflowId = eventWorkflowId(event.eventId);
    const severity = effectiveSeverity(this.policy, event.type, event.severity);
    try {
      await this.client.workflow.start(EVENT_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [event],
        // An eventId is an idempotency key for good: even a finished workflow is not started again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        requestEagerStart: this.options.eagerStart,
        priority: { priorityKey: taskPriorityKey(severity) },
        typedSearchAttributes: [
          { key: searchAttributes.apId, value: event.apId },
          { key: searchAttributes.eventType, value: event.type },
          { key: searchAttributes.severity, value: severity },
          { key: searchAttributes.stage, value: 'validate' },
        ],
        staticSummary: `${event.type} on ${event.apId} ${event.radio} (${severity})`,
        staticDetails: `source ${event.source}, confidence ${event.confidence}, detected ${event.detectedAt}`,
      });
      return { eventId: event.eventId, workflowId, duplicate: false };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        return { eventId: event.eventId, workflowId, duplicate: true };
      throw err;
    }
  }

  eventHandle(eventId: string): WorkflowHandle {
    return this.client.workflow.getHandle(eventWorkflowId(eventId));
  }

  async status(eventId: string): Promise<EventStatus> {
    try {
      return await this.call(() => this.eventHandle(eventId).query(eventStatusQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no event ${eventId}`);
      throw err;
    }
  }

  /**
   * Waits until the event has an outcome and returns its status. An applied change keeps its
   * workflow open while the rollback token lives, so this does not wait for the workflow to end.
   */
  async result(eventId: string): Promise<EventStatus> {
    const handle = this.eventHandle(eventId);
    let running: boolean;
    try {
      running = (await handle.describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no event ${eventId}`);
      throw err;
    }
    if (running) {
      try {
        return await onceTaskRecovers(() => handle.executeUpdate(outcomeUpdate));
      } catch (err) {
        // The workflow ended between describe and update: its result is the final status.
        if (!(err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError)) throw err;
      }
    }
    return (await handle.result()) as EventStatus;
  }

  rollback(eventId: string, action: OperatorAction, deadlineMs?: number): Promise<EventStatus> {
    return this.operatorControl(eventId, rollbackUpdate, action, deadlineMs);
  }

  retry(eventId: string, action: OperatorAction, deadlineMs?: number): Promise<EventStatus> {
    return this.operatorControl(eventId, retryUpdate, action, deadlineMs);
  }

  abandon(eventId: string, action: OperatorAction, deadlineMs?: number): Promise<EventStatus> {
    return this.operatorControl(eventId, abandonUpdate, action, deadlineMs);
  }

  commit(eventId: string, action: OperatorAction, deadlineMs?: number): Promise<EventStatus> {
    return this.operatorControl(eventId, commitUpdate, action, deadlineMs);
  }

  /**
   * Sends a control and waits for the event's answer; with `deadlineMs`, no longer than that: past
   * it, ControlPendingError says whether the event had accepted the control (it goes on) or not yet.
   */
  private async operatorControl(
    eventId: string,
    update: UpdateDefinition<EventStatus, [OperatorAction]>,
    action: OperatorAction,
    deadlineMs?: number,
  ): Promise<EventStatus> {
    const handle = this.eventHandle(eventId);
    let accepted = false;
    const send = async () => {
      const sent = await onceTaskRecovers(() =>
        handle.startUpdate(update, { args: [action], waitForStage: WorkflowUpdateStage.ACCEPTED }),
      );
      accepted = true;
      return sent.result();
    };
    try {
      const { status } = await this.call(() => handle.describe());
      if (status.name !== 'RUNNING') {
        throw new OperatorRefusedError(
          `event ${eventId} is finished (${status.name.toLowerCase()}): nothing to ${update.name}`,
        );
      }
      if (deadlineMs === undefined) return await send();
      return await within(send(), deadlineMs, () => new ControlPendingError(update.name, eventId, accepted));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no event ${eventId}`);
      if (err instanceof WorkflowUpdateFailedError) {
        throw new OperatorRefusedError(`${update.name} refused: ${err.cause?.message ?? err.message}`);
      }
      throw err;
    }
  }

  /** `query` answered by the workflow `workflowId` while it runs; undefined when it does not. */
  async queryIfRunning<T>(workflowId: string, query: QueryDefinition<T, []>): Promise<T | undefined> {
    const handle = this.client.workflow.getHandle(workflowId);
    try {
      const { status } = await this.call(() => handle.describe());
      if (status.name === 'RUNNING') return await this.call(() => handle.query(query));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    return undefined;
  }

  /** The AP's coordinator state, per radio; an AP with no coordinator running is idle. */
  async apState(apId: string): Promise<ApState> {
    const state = await this.queryIfRunning(apCoordinatorWorkflowId(apId), apStateQuery);
    if (state) return { ...state, running: true };
    const { cooldownMs, maxQueuePerAp, coordinator } = this.policy;
    const settings = { cooldownMs, maxQueue: maxQueuePerAp, leaseMs: coordinator.leaseMs };
    return { ...viewOf(initialTurnState(apId, settings)), running: false };
  }
}

/** What `rrm ap` and `GET /v1/aps/:apId` answer. */
export type ApState = ApTurnView & { running: boolean };
