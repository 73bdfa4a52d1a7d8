// The outages of the chaos suite (docs/durability.md): PostgreSQL stopped, the Temporal server killed,
// the controller unreachable. Each hits every set of floors of a case at once (the suite runs one set,
// bench/chaos.bench.ts ten), checks what must hold while it lasts, and returns the events it submitted
// and when it ended; the caller counts what happened (test/chaos/ledger.ts).
import { CHANNEL_MOVE_TIME_MS, type ClosedChannel } from '../../domain/dfs';
import { simPost, simRequest } from '../support/sim-client';
import { eventually } from '../support/stack';
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
import type { PrivatePostgres } from './private-postgres';
import type { PrivateTemporal } from './private-temporal';

export interface OutageRun {
  eventIds: string[];
  /** When the fault ended (epoch ms). */
  endedAt: number;
  /** Radar moves made while the fault lasted: submit → move in the controller (ms). */
  radarMoves: number[];
}

/**
 * PostgreSQL stopped for `outageMs` while events of every type arrive, a second radar on each set of
 * floors half-way through. Every radar radio must leave channel 52 within the Channel Move Time, and
 * no event may end while nothing can be signed.
 */
export async function databaseStopped(
  c: ChaosCase,
  pg: PrivatePostgres,
  outageMs: number,
): Promise<OutageRun> {
  await injectAll(c);
  await pg.stop();
  const stoppedAt = Date.now();
  const eventIds = await submitAll(c);
  const radarMoves = await Promise.all(
    copyNumbers(c).map((copy) => moveOffRadar(c, c.ap('radar', 'ap-05', copy), stoppedAt)),
  );

  await sleepUntil(stoppedAt + outageMs / 2);
  const secondAt = Date.now();
  const seconds = await c.rrm.submit(
    copyNumbers(c).map((copy) => ({
      type: 'DFS_RADAR',
      apId: c.ap('obss', 'ap-05', copy),
      data: { channel: 52 },
    })),
  );
  eventIds.push(...seconds.map((s) => s.eventId));
  radarMoves.push(
    ...(await Promise.all(
      copyNumbers(c).map((copy) => moveOffRadar(c, c.ap('obss', 'ap-05', copy), secondAt)),
    )),
  );
  const late = radarMoves.filter((ms) => ms > CHANNEL_MOVE_TIME_MS);
  if (late.length)
    throw new Error(`radar moves over the Channel Move Time with PostgreSQL down: ${late.join(', ')} ms`);
  // Nothing could be signed: no event has ended.
  for (const id of eventIds) {
    const { outcome } = await c.rrm.status(id);
    if (outcome) throw new Error(`${id} ended ${outcome} with PostgreSQL down`);
  }

  await sleepUntil(stoppedAt + outageMs);
  await pg.start();
  return { eventIds, endedAt: Date.now(), radarMoves };
}

/**
 * The Temporal server killed with SIGKILL while every event watches its change and each radar
 * closure runs its 30-minute Non-Occupancy Period; down `downMs`, then started on the same history
 * file. The closures must come back with the same channels and the same end.
 */
export async function serverKilled(
  c: ChaosCase,
  temporal: PrivateTemporal,
  downMs: number,
): Promise<OutageRun> {
  await injectAll(c);
  const eventIds = await submitAll(c);
  const watched = eventIds.filter((_, i) => FLOORS[i % FLOORS.length] !== 'failover');
  await Promise.all(watched.map((id) => until(async () => (await c.rrm.status(id)).stage === 'monitor')));
  const radarAps = copyNumbers(c).map((copy) => c.ap('radar', 'ap-05', copy));
  const closures = async () =>
    Promise.all(radarAps.map(async (apId) => (await c.rrm.apState(apId)).closedChannels));
  const before: ClosedChannel[][] = await closures();
  if (before.some((closed) => closed.map((cc) => cc.channel).join() !== '52,56,60,64')) {
    throw new Error(`radar closures before the kill: ${JSON.stringify(before)}`);
  }

  await temporal.kill();
  if (await temporal.listening()) throw new Error('the Temporal server still listens after SIGKILL');
  await sleepUntil(Date.now() + downMs);
  await temporal.start();
  const after = await eventually(async () => closures().catch(() => undefined), 60_000);
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    throw new Error(`radar closures changed across the restart: ${JSON.stringify({ before, after })}`);
  }
  return { eventIds, endedAt: Date.now(), radarMoves: [] };
}

/**
 * The controller gone for `outageMs` with every change in flight (held, then refused; every write
 * failing). Each event must end FAILED in stage apply with nothing applied; once the controller is
 * back, an operator retries each.
 */
export async function controllerUnreachable(c: ChaosCase, outageMs: number): Promise<OutageRun> {
  await injectAll(c);
  await holdChanges(c);
  const eventIds = await submitAll(c);
  await until(async () => (await heldRequests(c)).changeHold.waiting >= eventIds.length);

  const outageAt = Date.now();
  await simPost(c.sim.url, '/v1/inject/controller-fault', { mode: 'unreachable', count: 1000 });
  await simRequest(c.sim.url, 'DELETE', '/v1/inject/change-hold?held=refuse');
  await Promise.all(
    eventIds.map((id) =>
      until(async () => {
        const s = await c.rrm.status(id);
        return s.outcome === 'FAILED' && s.stage === 'apply';
      }),
    ),
  );
  const applied = changesOf(c, eventIds);
  if (applied.length)
    throw new Error(`changes applied by an unreachable controller: ${JSON.stringify(applied)}`);

  await sleepUntil(outageAt + outageMs);
  await simRequest(c.sim.url, 'DELETE', '/v1/inject/controller-fault');
  const endedAt = Date.now();
  for (const id of eventIds) await c.rrm.retry(id, { operator: 'chaos', reason: 'controller is back' });
  return { eventIds, endedAt, radarMoves: [] };
}

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** Milliseconds from `since` to the radio's move off radar channel 52, once it happened. */
const moveOffRadar = (c: ChaosCase, apId: string, since: number) =>
  eventually(async () => {
    const move = c.sim.world
      .changes(apId)
      .find((m) => m.radio === '5g' && m.previous.channel === 52 && m.current.channel !== 52);
    return move ? Date.parse(move.appliedAt) - since : undefined;
  }, 20_000);
