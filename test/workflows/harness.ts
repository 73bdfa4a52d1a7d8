// The real workflows on Temporal's time-skipping test server with stubbed activities (fake-activities.ts),
// in the style of the samples' sleep-for-days and mutex tests: one server and one worker per test
// file, fresh AP ids per test (a test's workflows live on, harmlessly, through the next tests' skipped
// time). Time skips only while a test sleeps on the server (`env.sleep`); everything else (a workflow
// reacting to a signal, an activity) happens in real time.
//
// The fakes are `jest.fn`s (`h.activities.applyStep`, `h.activities.requestApTurn`, …), so a test
// states the calls it expects with `toHaveBeenCalledWith` / `not.toHaveBeenCalledWith`. They are
// never cleared (the worker, and earlier tests' workflows, outlive each test): an expectation names
// the test's own ids, e.g. `expect.objectContaining({ changeId: changeIdOf(eventId) })`.
//
// The test server never skips time again once a workflow was terminated with an activity or a
// workflow task (local activities included) in flight: the worker's late completion is refused
// ("Completed workflow") and the server's time lock for it is never released. A test that terminates
// a workflow mid-activity gets a file (a server) of its own; the others terminate only between
// attempts (during a retry backoff).
import { LoopMetrics } from '../../workers/metrics';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { validateEvent, type RrmEvent } from '../../domain/events';
import type { ApTurnView } from '../../domain/radio-turns';
import type { RadioState } from '../../domain/radio';
import type { Radio } from '../../domain/regulatory';
import {
  apCoordinatorWorkflowId,
  apStateQuery,
  coordinatorTaskQueue,
  EVENT_WORKFLOW_TYPE,
  eventStatusQuery,
  eventWorkflowId,
} from '../../workflows/contract';
import type { EventStatus } from '../../workflows/contract';
import { policyWith } from '../support/policy';
import { eventually, workflowBundle } from '../support/stack';
import { startTimeSkipping } from '../support/time-skipping';
import { createFakes, type Fakes } from './fake-activities';

export const SECOND = 1_000;
export const MINUTE = 60_000;

/** Matches a change id of the event (`<eventId>:apply:…`, `<eventId>:rollback:…`, `<eventId>:reflex:…`). */
export const changeIdOf = (eventId: string): unknown =>
  expect.stringMatching(new RegExp(`^${eventId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`));

/** The calls of a fake activity whose arguments `match`, in order, retries included. */
export function callsWhere<R, A extends unknown[]>(
  activity: jest.MockInstance<R, A>,
  match: (...args: A) => boolean,
): A[] {
  return activity.mock.calls.filter((args) => match(...args));
}

export interface StartedEvent {
  eventId: string;
  event: RrmEvent;
  handle: WorkflowHandle;
}

export interface Harness extends Fakes {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** A fresh AP on the fake controller. */
  newAp(radios?: Partial<Record<Radio, Partial<RadioState>>>): string;
  /** Starts an event as the client does, detected now on the server's clock. */
  start(raw: Record<string, unknown>): Promise<StartedEvent>;
  status(eventId: string): Promise<EventStatus>;
  /** Polls (in real time) until `ready` holds. */
  statusWhen(eventId: string, ready: (s: EventStatus) => boolean, timeoutMs?: number): Promise<EventStatus>;
  outcomeOf(eventId: string, timeoutMs?: number): Promise<EventStatus>;
  apState(apId: string): Promise<ApTurnView>;
  apStateWhen(apId: string, ready: (s: ApTurnView) => boolean, timeoutMs?: number): Promise<ApTurnView>;
  coordinator(apId: string): WorkflowHandle;
  now(): Promise<number>;
}

export function useHarness(): Harness {
  const h = {} as Harness;
  let workers: Worker[] = [];
  let running: Promise<void[]> | undefined;
  let aps = 0;
  let events = 0;

  beforeAll(async () => {
    h.env = await startTimeSkipping();
    Object.assign(h, createFakes(h.env.client));
    h.taskQueue = `workflows-${randomUUID().slice(0, 8)}`;
    // As the loop runs them: events on their queue, coordinators on theirs, each with its own worker.
    workers = await Promise.all(
      [h.taskQueue, coordinatorTaskQueue(h.taskQueue)].map(async (taskQueue) =>
        Worker.create({
          connection: h.env.nativeConnection,
          namespace: h.env.namespace ?? 'default',
          taskQueue,
          workflowBundle: await workflowBundle(),
          activities: h.activities,
          sinks: new LoopMetrics().sinks(),
        }),
      ),
    );
    running = Promise.all(workers.map((w) => w.run()));
  });

  // Each test starts from the default policy.
  beforeEach(() => {
    h.policy.current = policyWith({});
  });

  afterAll(async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
    await h.env?.teardown();
  });

  h.newAp = (radios = {}) => {
    const apId = `ap-${++aps}`;
    h.controller.addAp(apId, radios);
    return apId;
  };

  h.now = () => h.env.currentTimeMs();

  h.start = async (raw) => {
    const now = new Date(await h.now());
    const validated = validateEvent(
      { eventId: `ev-${++events}`, ...raw },
      { now, newEventId: () => randomUUID() },
    );
    if (!validated.ok) throw new Error(`bad test event: ${JSON.stringify(validated.errors)}`);
    const { event } = validated;
    const workflowId = eventWorkflowId(event.eventId);
    const handle = await h.env.client.workflow.start(EVENT_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: h.taskQueue,
      args: [event],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { eventId: event.eventId, event, handle };
  };

  h.status = (eventId) => h.env.client.workflow.getHandle(eventWorkflowId(eventId)).query(eventStatusQuery);

  h.statusWhen = (eventId, ready, timeoutMs) =>
    pollUntil(`status of ${eventId}`, () => h.status(eventId), ready, timeoutMs);

  h.outcomeOf = (eventId, timeoutMs) => h.statusWhen(eventId, (s) => s.outcome !== undefined, timeoutMs);

  h.coordinator = (apId) => h.env.client.workflow.getHandle(apCoordinatorWorkflowId(apId));

  h.apState = (apId) => h.coordinator(apId).query(apStateQuery);

  h.apStateWhen = (apId, ready, timeoutMs) =>
    pollUntil(`state of ${apId}`, () => h.apState(apId), ready, timeoutMs);

  return h;
}

/**
 * Polls `read` in real time until `ready` holds; a read that fails (a query before the workflow's
 * first task) is tried again. The last value and error seen go into the timeout's message.
 */
function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  ready: (value: T) => boolean,
  timeoutMs = 20 * SECOND,
): Promise<T> {
  let last: T | undefined;
  let lastError: unknown;
  const probe = async () => {
    try {
      last = await read();
      return ready(last) ? last : undefined;
    } catch (err) {
      lastError = err;
      return undefined;
    }
  };
  return eventually(probe, timeoutMs, () => {
    const error = lastError ? `; last error: ${String(lastError)}` : '';
    return `${what} (last seen: ${JSON.stringify(last)}${error})`;
  });
}
