// What a fault did, counted from outside the workflows: from the controller's change log, the events'
// results, the audit table and the coordinators' state. Nothing here asks a workflow what it did;
// the chaos suite asserts every count is zero, and bench/chaos.bench.ts prints them.
import type { Pool } from 'pg';
import { temporal } from '@temporalio/proto';
import type { RrmClient } from '../../client/library';
import { configOf } from '../../domain/radio';
import { loadAuditKeys, verifyAuditChain } from '../../audit';
import type { RunningSimulator } from '../../simulator/server';
import type { ChangeRecord } from '../../simulator/types';
import { RADIOS } from '../../domain/regulatory';
import { TEST_AUDIT_ENV } from '../support/stack';

export interface FaultLedger {
  events: number;
  /** Events that never reached an outcome, each with where it stands (so a failure says where it stuck). */
  lost: string[];
  /** Changes of an event the controller took more than once (per radio: its apply, its undo). */
  appliedTwice: string[];
  /** Events whose change was made worse on purpose that did not end ROLLED_BACK. */
  missedRollbacks: string[];
  /** Radios whose configuration is not what their event's outcome says (applied, or undone). */
  wrongState: string[];
  /** Audit idempotency keys written more than once, and events with a decision signed twice. */
  auditDuplicates: string[];
  /** Events whose records are missing one (a gap in their sequence) or stand out of order in the chain. */
  auditOutOfOrder: string[];
  /** The audit chain failed verification (its first bad record). */
  auditBroken?: string;
  /** Radios whose turn is still held, or watched, once every event has ended. */
  turnsHeld: string[];
}

export interface LedgerInput {
  rrm: RrmClient;
  sim: RunningSimulator;
  pool: Pool;
  eventIds: string[];
  /** Every AP the events may have touched (their own and their neighbours). */
  apIds: string[];
  /** Events whose change the test made worse: they must end ROLLED_BACK. */
  mustRollBack?: string[];
  /** How long the events may still take to reach their outcome. */
  timeoutMs?: number;
}

/** Waits for every event's result (up to `timeoutMs`), then counts what was lost or doubled. */
export async function countFaults(input: LedgerInput): Promise<FaultLedger> {
  const { rrm, sim, pool, eventIds, apIds } = input;
  const results = await Promise.all(eventIds.map((id) => resultWithin(rrm, id, input.timeoutMs ?? 90_000)));
  const lost = await Promise.all(
    eventIds.filter((_, i) => results[i]?.outcome === undefined).map((id) => whereStuck(rrm, id)),
  );
  const missedRollbacks = (input.mustRollBack ?? []).filter(
    (id) => results[eventIds.indexOf(id)]?.outcome !== 'ROLLED_BACK',
  );

  const log = apIds.flatMap((apId) => sim.world.changes(apId).map((c) => ({ apId, ...c })));
  const appliedTwice = changedTwice(log, eventIds);
  const finals = await finalDecisions(pool, eventIds);
  const wrongState = eventIds.flatMap((eventId) => radiosOutOfPlace(sim, log, eventId, finals.get(eventId)));

  const { rows: keys } = await pool.query<{ idempotency_key: string; n: number }>(
    `select idempotency_key, count(*)::int as n from audit_records group by 1 having count(*) > 1`,
  );
  const { rows: decisions } = await pool.query<{ event_id: string; execution_status: string; n: number }>(
    `select event_id, execution_status, count(*)::int as n from audit_records
      where event_id = any($1) group by 1, 2 having count(*) > 1`,
    [eventIds],
  );
  const auditDuplicates = [
    ...keys.map((k) => `key ${k.idempotency_key} ×${k.n}`),
    ...decisions.map((d) => `${d.event_id} ${d.execution_status} ×${d.n}`),
  ];
  const auditOutOfOrder = await recordsOutOfOrder(pool, eventIds);
  const verified = await verifyAuditChain(pool, loadAuditKeys(TEST_AUDIT_ENV));
  const auditBroken = verified.ok ? undefined : JSON.stringify(verified.firstBad);

  const turnsHeld = (
    await Promise.all(
      apIds.map(async (apId) => {
        const state = await apStateAnswered(rrm, apId);
        return RADIOS.filter((r) => state.radios[r].holder || state.radios[r].watch).map(
          (r) => `${apId}/${r}: ${JSON.stringify(state.radios[r].holder ?? state.radios[r].watch)}`,
        );
      }),
    )
  ).flat();

  return {
    events: eventIds.length,
    lost,
    missedRollbacks,
    appliedTwice,
    wrongState,
    auditDuplicates,
    auditOutOfOrder,
    auditBroken,
    turnsHeld,
  };
}

/** The counts a test asserts are all zero (so a failure names what went wrong, and where). */
export function faultsOf(ledger: FaultLedger): Omit<FaultLedger, 'events'> {
  const { events, ...faults } = ledger;
  return faults;
}

export const NO_FAULTS: Omit<FaultLedger, 'events'> = {
  lost: [],
  missedRollbacks: [],
  appliedTwice: [],
  wrongState: [],
  auditDuplicates: [],
  auditOutOfOrder: [],
  auditBroken: undefined,
  turnsHeld: [],
};

/** An event without an outcome, and where its workflow stands: pending work and its last history. */
async function whereStuck(rrm: RrmClient, eventId: string): Promise<string> {
  const { EventType, PendingActivityState, PendingWorkflowTaskState, WorkflowTaskFailedCause } =
    temporal.api.enums.v1;
  try {
    const handle = rrm.eventHandle(eventId);
    const { status, raw } = await handle.describe();
    const pending = (raw.pendingActivities ?? []).map(
      (a) =>
        `activity ${a.activityType?.name} ${PendingActivityState[a.state ?? 0]} attempt ${a.attempt}` +
        (a.lastFailure?.message ? ` (${a.lastFailure.message})` : ''),
    );
    if (raw.pendingWorkflowTask)
      pending.push(`workflow task ${PendingWorkflowTaskState[raw.pendingWorkflowTask.state ?? 0]}`);
    const history = (await handle.fetchHistory()).events ?? [];
    const last = history.slice(-4).map((e) => {
      const failed = e.workflowTaskFailedEventAttributes;
      const why = failed
        ? ` (${WorkflowTaskFailedCause[failed.cause ?? 0]}: ${failed.failure?.message ?? ''})`
        : '';
      return `${String(e.eventId)} ${EventType[e.eventType ?? 0]}${why}`;
    });
    return `${eventId}: ${status.name}; pending [${pending.join('; ')}]; last events [${last.join(', ')}]`;
  } catch (err) {
    return `${eventId}: not described (${err instanceof Error ? err.message : String(err)})`;
  }
}

async function resultWithin(rrm: RrmClient, eventId: string, timeoutMs: number) {
  // A read that fails or hangs (a Temporal service just restarted may lose an update in flight) is
  // asked again, every 20 s at most: only an event with no outcome by the deadline is lost.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const attempt = new Promise<'retry'>(
      (resolve) => (timer = setTimeout(() => resolve('retry'), Math.min(left, 20_000))),
    );
    try {
      const read = await Promise.race([rrm.result(eventId).catch(() => 'retry' as const), attempt]);
      if (read !== 'retry') return read;
    } finally {
      clearTimeout(timer);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * The coordinator's state; a query to a coordinator that a killed worker had cached times out until
 * the server stops routing to that worker's sticky queue (about 10 s), so it is asked again.
 */
async function apStateAnswered(rrm: RrmClient, apId: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rrm.apState(apId);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

const KINDS = ['apply', 'reflex', 'rollback', 'lift', 'compensate'];
/**
 * apply (a radar reflex's move is one too), rollback, lift, or compensate
 * (`<eventId>:apply:1.0:compensate:2` undoes part of an apply).
 */
const kindOf = (changeId: string, eventId: string) =>
  changeId
    .slice(eventId.length + 1)
    .split(':')
    .filter((part) => KINDS.includes(part))
    .map((part) => (part === 'reflex' ? 'apply' : part))
    .pop() ?? 'other';

/**
 * A change of an event taken twice by the controller: more than one record of one kind (apply, or
 * its undo) for one radio. Change ids are deterministic, and the controller replays a known id, so a
 * retried call never shows here; a change sent again under a new id (a replay that chose
 * differently, a second apply after a crash) does.
 */
function changedTwice(log: (ChangeRecord & { apId: string })[], eventIds: string[]): string[] {
  const counts = new Map<string, string[]>();
  for (const c of log) {
    const eventId = eventIds.find((id) => c.changeId.startsWith(`${id}:`));
    if (!eventId) continue;
    const key = `${eventId} ${kindOf(c.changeId, eventId)} ${c.apId}/${c.radio}`;
    counts.set(key, [...(counts.get(key) ?? []), c.changeId]);
  }
  return [...counts].filter(([, ids]) => ids.length > 1).map(([key, ids]) => `${key}: ${ids.join(', ')}`);
}

/**
 * An event numbers its records 1, 2, 3, ... in its idempotency keys (`<eventId>:<n>:<status>`), in
 * the order it decided them: in the chain they must all be there, in that order.
 */
async function recordsOutOfOrder(pool: Pool, eventIds: string[]): Promise<string[]> {
  const { rows } = await pool.query<{ event_id: string; idempotency_key: string }>(
    `select event_id, idempotency_key from audit_records where event_id = any($1) order by chain_position`,
    [eventIds],
  );
  return eventIds.flatMap((eventId) => {
    const seq = rows
      .filter((r) => r.event_id === eventId && r.idempotency_key.startsWith(`${eventId}:`))
      .map((r) => Number(r.idempotency_key.slice(eventId.length + 1).split(':')[0]));
    return seq.every((n, i) => n === i + 1) ? [] : [`${eventId}: records ${seq.join(', ')} in chain order`];
  });
}

/** Each event's last signed decision (ROLLED_BACK, LIFTED, APPLIED, ...). */
async function finalDecisions(pool: Pool, eventIds: string[]): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ event_id: string; execution_status: string }>(
    `select distinct on (event_id) event_id, execution_status from audit_records
      where event_id = any($1) order by event_id, chain_position desc`,
    [eventIds],
  );
  return new Map(rows.map((r) => [r.event_id, r.execution_status]));
}

/**
 * An event's radios against its signed decision: undone (ROLLED_BACK, LIFTED) → back where its first
 * change found them, with an undo in the log; otherwise → where its last change put them, with none.
 */
function radiosOutOfPlace(
  sim: RunningSimulator,
  log: (ChangeRecord & { apId: string })[],
  eventId: string,
  decision: string | undefined,
): string[] {
  const mine = log.filter((c) => c.changeId.startsWith(`${eventId}:`));
  const undoLogged = mine.some((c) => kindOf(c.changeId, eventId) !== 'apply');
  // A failed apply's compensation puts back what part of it went through.
  const undone = decision === 'ROLLED_BACK' || decision === 'LIFTED' || (decision === 'FAILED' && undoLogged);
  if (undone !== undoLogged) {
    return [
      `${eventId}: signed ${decision ?? 'nothing'}, but the controller log ${undoLogged ? 'has' : 'has no'} undo`,
    ];
  }
  const radios = [...new Set(mine.map((c) => `${c.apId}/${c.radio}`))];
  return radios.flatMap((key) => {
    const [apId, radio] = key.split('/') as [string, ChangeRecord['radio']];
    const changes = mine.filter((c) => c.apId === apId && c.radio === radio);
    const expected = configOf(undone ? changes[0].previous : changes[changes.length - 1].current);
    const actual = configOf(sim.world.apState(apId).radios[radio]!);
    return JSON.stringify(expected) === JSON.stringify(actual)
      ? []
      : [`${eventId} ${key}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`];
  });
}
