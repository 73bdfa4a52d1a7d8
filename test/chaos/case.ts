// One chaos case: a simulator with a floor per event type (test/chaos/floors.ts), a worker process
// of its own on a task queue of its own, and a client; plus the five events every case submits.
//
// The monitor windows are 8 s and sampling every 2 s (policy file settings, the only thing
// shortened): the worker must outlive a window's timers across a fault in real time. Rollback
// tokens are off so every run ends. The real windows are covered in skipped time (test/time-skipping).
import { controllerEnvFor } from '../support/controller-face';
import { randomUUID } from 'node:crypto';
import { Client, type Connection } from '@temporalio/client';
import { RrmClient } from '../../client/library';
import { resolvePolicy } from '../../domain/policy-schema';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { simGet, simPost } from '../support/sim-client';
import { eventually } from '../support/stack';
import { floorAp, floors } from './floors';
import { WorkerProcess } from '../support/worker-process';

const WINDOW_MS = 8_000;
export const CHAOS_POLICY = {
  sampleIntervalMs: 2_000,
  events: Object.fromEntries(
    ['DFS_RADAR', 'NON_WIFI_BURST', 'HW_FAILURE', 'DENSITY_SPIKE'].map((type) => [
      type,
      { monitorWindowMs: type === 'HW_FAILURE' ? 0 : WINDOW_MS, rollbackTokenTtlMs: 0 },
    ]),
  ),
};
export const FLOORS = ['radar', 'burst', 'obss', 'failover', 'spike'] as const;
export type Floor = (typeof FLOORS)[number];

export interface ChaosCase {
  prefix: string;
  sim: RunningSimulator;
  /** The case's first worker process. */
  worker: WorkerProcess;
  rrm: RrmClient;
  /** Sets of the five floors. */
  copies: number;
  /** An AP of a floor, in the `copy`-th set of floors. */
  ap(floor: Floor, apId: string, copy?: number): string;
  allAps: string[];
  /** Another worker process (not started) on the case's task queue, stopped with the case. */
  newWorker(): WorkerProcess;
  close(): Promise<void>;
}

export interface ChaosCaseOptions {
  connection: Connection;
  databaseUrl: string;
  temporalAddress?: string;
  /** Sets of the five floors, for that many events of each type at once (default 1). */
  copies?: number;
}

/** A simulator with the floors and a worker process (started) on a task queue of their own. */
export async function startChaosCase(opts: ChaosCaseOptions): Promise<ChaosCase> {
  const prefix = randomUUID().slice(0, 6);
  const copies = Array.from({ length: opts.copies ?? 1 }, (_, i) => i);
  const scenario = floors(
    prefix,
    copies.flatMap((copy) => FLOORS.map((floor) => floorName(floor, copy))),
  );
  const sim = await startSimulator({ port: 0, seed: 1, scenario });
  const taskQueue = `chaos-${prefix}`;
  const workers: WorkerProcess[] = [];
  const newWorker = () => {
    const worker = new WorkerProcess({
      taskQueue,
      databaseUrl: opts.databaseUrl,
      controllerEnv: controllerEnvFor(sim),
      policy: CHAOS_POLICY,
      temporalAddress: opts.temporalAddress,
    });
    workers.push(worker);
    return worker;
  };
  const policy = resolvePolicy(CHAOS_POLICY);
  if (!policy.ok) throw new Error(policy.errors.join('; '));
  const c: ChaosCase = {
    prefix,
    sim,
    worker: newWorker(),
    copies: copies.length,
    rrm: new RrmClient(new Client({ connection: opts.connection }), taskQueue, policy.policy),
    ap: (floor, apId, copy = 0) => floorAp(prefix, floorName(floor, copy), apId),
    allAps: scenario.aps.map((a) => a.apId),
    newWorker,
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await sim.close();
    },
  };
  try {
    await c.worker.start();
  } catch (err) {
    await c.close();
    throw err;
  }
  return c;
}

const floorName = (floor: Floor, copy: number) => (copy === 0 ? floor : `${floor}${copy}`);

/** What makes each floor's event real: radar on 52, the video bridge, a dead AP, a client surge. */
export async function injectEveryFault(c: ChaosCase, copy = 0): Promise<void> {
  const { sim } = c;
  const ap = (floor: Floor, apId: string) => c.ap(floor, apId, copy);
  await simPost(sim.url, '/v1/inject/radar', { channel: 52 });
  await simPost(sim.url, '/v1/inject/interferer', {
    interfererId: `${c.prefix}-${floorName('burst', copy)}-video-bridge-1`,
  });
  await simPost(sim.url, '/v1/inject/ap-failure', { apId: ap('failover', 'ap-09') });
  await simPost(sim.url, '/v1/inject/client-surge', { apId: ap('spike', 'ap-02'), radio: '5g', count: 30 });
}

/** One event of each kind, each on its floor (in FLOORS order), after `injectEveryFault`. */
export async function submitEveryType(c: ChaosCase, copy = 0): Promise<string[]> {
  const { sim } = c;
  const ap = (floor: Floor, apId: string) => c.ap(floor, apId, copy);
  const obssChannel = sim.world.apState(ap('obss', 'ap-01')).radios['5g']!.channel;
  const submitted = await c.rrm.submit([
    { type: 'DFS_RADAR', apId: ap('radar', 'ap-05'), data: { channel: 52 } },
    {
      type: 'NON_WIFI_BURST',
      apId: ap('burst', 'ap-03'),
      confidence: 0.9,
      data: { channel: 44, dutyCyclePct: 90 },
    },
    { type: 'NON_WIFI_BURST', apId: ap('obss', 'ap-01'), confidence: 0.6, data: { channel: obssChannel } },
    { type: 'HW_FAILURE', apId: ap('failover', 'ap-09'), data: { component: 'ap' } },
    { type: 'DENSITY_SPIKE', apId: ap('spike', 'ap-02'), data: { associatedClients: 60 } },
  ]);
  return submitted.map((s) => s.eventId);
}

/** The numbers of the case's sets of floors. */
export const copyNumbers = (c: ChaosCase): number[] => Array.from({ length: c.copies }, (_, i) => i);

/** `injectEveryFault` on every set of floors. */
export async function injectAll(c: ChaosCase): Promise<void> {
  for (const copy of copyNumbers(c)) await injectEveryFault(c, copy);
}

/** `submitEveryType` on every set of floors: five events per set, in FLOORS order. */
export async function submitAll(c: ChaosCase): Promise<string[]> {
  return (await Promise.all(copyNumbers(c).map((copy) => submitEveryType(c, copy)))).flat();
}

/** Waits (up to a minute) until `ready` holds. */
export const until = (ready: () => Promise<boolean>): Promise<true> =>
  eventually(async () => ((await ready()) ? true : undefined), 60_000);

/** Holds every configuration change of the case's APs at the controller, before it is applied. */
export async function holdChanges(c: ChaosCase): Promise<void> {
  for (const apId of c.allAps) await simPost(c.sim.url, '/v1/inject/change-hold', { apId });
}

/** How many changes and scans the simulator's hooks hold right now. */
export const heldRequests = (c: ChaosCase) =>
  simGet<{ changeHold: { waiting: number }; scanHold: { waiting: number } }>(c.sim.url, '/v1/inject');

/** The controller's change records of these events, on every AP of the case. */
export const changesOf = (c: ChaosCase, eventIds: string[]) =>
  c.allAps.flatMap((apId) =>
    c.sim.world.changes(apId).filter((ch) => eventIds.some((id) => ch.changeId.startsWith(`${id}:`))),
  );
