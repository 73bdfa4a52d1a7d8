// The kill points of an event (docs/durability.md), each reached deterministically and then hit with
// SIGKILL of the case's worker, for every set of floors of the case at once: the chaos suite runs
// each with one set, bench/chaos.bench.ts with ten. Each returns the events it submitted and when
// the worker died; the caller counts what happened (test/chaos/ledger.ts). A kill point also checks
// that its fault was real (e.g. the controller took the held changes with no worker alive).
import type { Pool } from 'pg';
import { simPost, simRequest } from '../support/sim-client';
import {
  changesOf,
  copyNumbers,
  FLOORS,
  heldRequests,
  holdChanges,
  injectAll,
  submitAll,
  until,
  type ChaosCase,
} from './case';

export const KILL_POINTS = ['plan', 'waiting', 'apply', 'reflex', 'monitor', 'rollback', 'audit'] as const;
export type KillPoint = (typeof KILL_POINTS)[number];

export interface KilledRun {
  eventIds: string[];
  /** When the worker was killed (epoch ms). */
  killedAt: number;
  /** Events that must end ROLLED_BACK (their change was made worse on purpose). */
  mustRollBack: string[];
}

export const KILL_POINT_TITLES: Record<KillPoint, string> = {
  plan: 'in plan, with the turn held and the channel scan not yet answered',
  waiting: 'while waiting for the turn, and while the turn holder applies',
  apply: 'in apply, between the controller taking the change and the workflow learning of it',
  reflex:
    "in a radar reflex, between the controller taking the move and the activity's completion, with a second report of the detection behind it",
  monitor: 'in the monitor window',
  rollback: 'in a rollback, with the undo taken by the controller but not yet known to the workflow',
  audit: 'while audit records are being written',
};

/** Reaches `point` for every set of floors, kills the worker, lets the fault go and starts a new one. */
export async function killWorkerAt(point: KillPoint, c: ChaosCase, pool: Pool): Promise<KilledRun> {
  return KILLS[point](c, pool);
}

type Kill = (c: ChaosCase, pool: Pool) => Promise<KilledRun>;

const KILLS: Record<KillPoint, Kill> = {
  async plan(c) {
    for (const apId of c.allAps) await simPost(c.sim.url, '/v1/inject/scan-hold', { apId });
    const eventIds = await injectAndSubmit(c);
    // The radar move and the confident burst of each set plan with a scan of their radio.
    await until(async () => (await heldRequests(c)).scanHold.waiting >= 2 * c.copies);
    const killedAt = await kill(c);
    await simRequest(c.sim.url, 'DELETE', '/v1/inject/scan-hold');
    await c.worker.start();
    return { eventIds, killedAt, mustRollBack: [] };
  },

  async waiting(c) {
    // On each burst AP, a DENSITY_SPIKE waits behind a confident burst's move, whose change is held
    // (a radar move takes no turn: the reflex, below).
    const eventIds: string[] = [];
    for (const copy of copyNumbers(c)) {
      const apId = c.ap('burst', 'ap-03', copy);
      const { channel } = c.sim.world.apState(apId).radios['5g']!;
      await simPost(c.sim.url, '/v1/inject/change-hold', { apId });
      await simPost(c.sim.url, '/v1/inject/client-surge', { apId, radio: '5g', count: 30 });
      const [burst] = await c.rrm.submit([
        { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel, dutyCyclePct: 90 } },
      ]);
      await until(async () => (await c.rrm.apState(apId)).radios['5g'].holder?.eventId === burst.eventId);
      const [spike] = await c.rrm.submit([{ type: 'DENSITY_SPIKE', apId, data: { associatedClients: 60 } }]);
      await until(async () => (await c.rrm.apState(apId)).queue.some((q) => q.eventId === spike.eventId));
      eventIds.push(burst.eventId, spike.eventId);
    }
    const killedAt = await kill(c);
    await liftChangeHolds(c);
    await c.worker.start();
    return { eventIds, killedAt, mustRollBack: [] };
  },

  async apply(c) {
    await holdChanges(c);
    const eventIds = await injectAndSubmit(c);
    // Every event has a change in flight at the controller.
    await until(async () => (await heldRequests(c)).changeHold.waiting >= eventIds.length);
    const killedAt = await kill(c);
    await liftChangeHolds(c);
    // With no worker alive, the controller took the four radio changes of each set (a failover's
    // first step marks its AP down, which the change log does not list).
    const mine = changesOf(c, eventIds);
    if (mine.length !== 4 * c.copies) {
      throw new Error(`the controller took ${mine.length} held changes, not ${4 * c.copies}`);
    }
    await c.worker.start();
    return { eventIds, killedAt, mustRollBack: [] };
  },

  async reflex(c) {
    // Radar on 52 heard by each radar AP (on 52/80), reported for two of its sub-channels, as a
    // sensing source reports one detection on a bonded channel; the first report's move is held.
    await simPost(c.sim.url, '/v1/inject/radar', { channel: 52 });
    const eventIds: string[] = [];
    const radarAps = copyNumbers(c).map((copy) => c.ap('radar', 'ap-05', copy));
    for (const apId of radarAps) await simPost(c.sim.url, '/v1/inject/change-hold', { apId });
    const detectedAt = new Date().toISOString();
    for (const apId of radarAps) {
      const reports = await c.rrm.submit(
        [52, 56].map((channel) => ({ type: 'DFS_RADAR', apId, detectedAt, data: { channel } })),
      );
      eventIds.push(...reports.map((r) => r.eventId));
    }
    await until(async () => (await heldRequests(c)).changeHold.waiting >= radarAps.length);
    const killedAt = await kill(c);
    await liftChangeHolds(c);
    // With no worker alive the controller took each AP's held move: one move per detection.
    const moves = changesOf(c, eventIds);
    if (moves.length !== radarAps.length) {
      throw new Error(`the controller took ${moves.length} held moves, not ${radarAps.length}`);
    }
    await c.worker.start();
    return { eventIds, killedAt, mustRollBack: [] };
  },

  async monitor(c) {
    const eventIds = await injectAndSubmit(c);
    const watched = eventIds.filter((_, i) => FLOORS[i % FLOORS.length] !== 'failover');
    await Promise.all(watched.map((id) => inStage(c, id, 'monitor')));
    const killedAt = await kill(c);
    await c.worker.start();
    return { eventIds, killedAt, mustRollBack: [] };
  },

  async rollback(c) {
    const eventIds = await injectAndSubmit(c);
    const bursts = eventIds.filter((_, i) => FLOORS[i % FLOORS.length] === 'burst');
    await Promise.all(bursts.map((id) => inStage(c, id, 'monitor')));
    await holdChanges(c);
    // A jammer beside each burst's AP on its new channel: the change made things worse.
    for (const copy of copyNumbers(c)) await jamOwnChannel(c, c.ap('burst', 'ap-03', copy));
    await Promise.all(bursts.map((id) => inStage(c, id, 'rollback')));
    await until(async () => (await heldRequests(c)).changeHold.waiting >= bursts.length);
    const killedAt = await kill(c);
    await liftChangeHolds(c);
    await c.worker.start();
    return { eventIds, killedAt, mustRollBack: bursts };
  },

  async audit(c, pool) {
    // The audit table locked by another session: every append of the worker waits on the lock.
    const lock = await pool.connect();
    try {
      await lock.query('begin');
      await lock.query('lock table audit_records in exclusive mode');
      const eventIds = await injectAndSubmit(c);
      await until(async () => {
        const { rows } = await pool.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity
            where wait_event_type = 'Lock' and datname = current_database()`,
        );
        return rows[0].n > 0;
      });
      const killedAt = await kill(c);
      await lock.query('commit');
      await c.worker.start();
      return { eventIds, killedAt, mustRollBack: [] };
    } catch (err) {
      await lock.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      lock.release();
    }
  },
};

async function injectAndSubmit(c: ChaosCase): Promise<string[]> {
  await injectAll(c);
  return submitAll(c);
}

async function kill(c: ChaosCase): Promise<number> {
  const killedAt = Date.now();
  await c.worker.kill();
  return killedAt;
}

const inStage = (c: ChaosCase, eventId: string, stage: string) =>
  until(async () => (await c.rrm.status(eventId)).stage === stage);

/** Lifts every hold: the held changes go through although the worker that sent them is gone. */
const liftChangeHolds = (c: ChaosCase) =>
  simRequest(c.sim.url, 'DELETE', '/v1/inject/change-hold?held=apply');

async function jamOwnChannel(c: ChaosCase, apId: string): Promise<void> {
  const { x, y, radios } = c.sim.world.apState(apId);
  await simPost(c.sim.url, '/v1/inject/interferer', {
    interfererId: `${apId}-jammer`,
    type: 'jammer',
    radio: '5g',
    channels: [radios['5g']!.channel],
    dutyCyclePct: 95,
    powerDbm: 20,
    x: x + 2,
    y: y + 2,
  });
}
