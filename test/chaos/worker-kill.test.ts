// kill -9 of the worker at each stage of an event (docs/durability.md), for DFS_RADAR, NON_WIFI_BURST
// (channel change and OBSS-PD), HW_FAILURE (neighbour steps) and DENSITY_SPIKE, each on a floor of its
// own. The worker is its own OS process; every kill point is reached deterministically (a held
// controller change, a locked audit table, a stage seen in `status`), then the worker is killed with
// SIGKILL, the hook released and a new worker process started. What happened is counted from outside:
// the controller's change log, the events' results, the audit table and the coordinators' state.
// Windows are 8 s here (test/chaos/case.ts says why).
import { Connection } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { simGet, simPost, simRequest } from '../support/sim-client';
import { eventually } from '../support/stack';
import { FLOORS, injectEveryFault, startChaosCase, submitEveryType, type ChaosCase } from './case';
import { countFaults, faultsOf, NO_FAULTS } from './ledger';

describe('kill -9 of the worker at each stage of an event', () => {
  let db: TestDatabase;
  let connection: Connection;
  const running: ChaosCase[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  });
  afterAll(async () => {
    for (const c of running) await c.close();
    await connection?.close();
    await db?.drop();
  });

  async function startCase(): Promise<ChaosCase> {
    const c = await startChaosCase({ connection, databaseUrl: db.url });
    running.push(c);
    return c;
  }

  async function submitAll(c: ChaosCase): Promise<string[]> {
    await injectEveryFault(c);
    return submitEveryType(c);
  }

  async function expectNothingLostOrDoubled(c: ChaosCase, eventIds: string[]): Promise<void> {
    const ledger = await countFaults({ rrm: c.rrm, sim: c.sim, pool: db.pool, eventIds, apIds: c.allAps });
    expect(faultsOf(ledger)).toEqual(NO_FAULTS);
  }

  /** Holds every configuration change of the case's APs at the controller, before it is applied. */
  async function holdChanges(c: ChaosCase): Promise<void> {
    for (const apId of c.allAps) await simPost(c.sim.url, '/v1/inject/change-hold', { apId });
  }

  const holds = (c: ChaosCase) =>
    simGet<{ changeHold: { waiting: number }; scanHold: { waiting: number } }>(c.sim.url, '/v1/inject');
  const heldChanges = async (c: ChaosCase) => (await holds(c)).changeHold.waiting;
  const heldScans = async (c: ChaosCase) => (await holds(c)).scanHold.waiting;

  /** Lifts every hold: the held changes go through although the worker that sent them is gone. */
  const liftHolds = (c: ChaosCase) => simRequest(c.sim.url, 'DELETE', '/v1/inject/change-hold?held=apply');

  it('in apply, between the controller taking the change and the workflow learning of it', async () => {
    const c = await startCase();
    await holdChanges(c);
    const eventIds = await submitAll(c);
    // Every one of the five events has a change in flight at the controller.
    await eventually(async () => ((await heldChanges(c)) >= eventIds.length ? true : undefined), 30_000);
    await c.worker.kill();
    await liftHolds(c);
    // With no worker running, the controller took the four radio changes (the failover's first step
    // marks its AP down, which its change log does not list).
    const taken = c.allAps.flatMap((apId) => c.sim.world.changes(apId));
    expect(taken.filter((t) => eventIds.some((id) => t.changeId.startsWith(`${id}:`)))).toHaveLength(4);
    await c.worker.start();
    await expectNothingLostOrDoubled(c, eventIds);
  });

  it('in plan, with the turn held and the channel scan not yet answered', async () => {
    const c = await startCase();
    for (const apId of c.allAps) await simPost(c.sim.url, '/v1/inject/scan-hold', { apId });
    const eventIds = await submitAll(c);
    // The radar move and the confident burst plan with a scan of their radio.
    await eventually(async () => ((await heldScans(c)) >= 2 ? true : undefined), 30_000);
    await c.worker.kill();
    await simRequest(c.sim.url, 'DELETE', '/v1/inject/scan-hold');
    await c.worker.start();
    await expectNothingLostOrDoubled(c, eventIds);
  });

  it('while waiting for the turn, and while the turn holder applies', async () => {
    const c = await startCase();
    const apId = c.ap('radar', 'ap-05');
    // The spike's AP takes a DFS move's turn first: the spike waits behind it.
    await simPost(c.sim.url, '/v1/inject/change-hold', { apId });
    await simPost(c.sim.url, '/v1/inject/radar', { channel: 52 });
    await simPost(c.sim.url, '/v1/inject/client-surge', { apId, radio: '5g', count: 30 });
    const [radar, spike] = await c.rrm.submit([
      { type: 'DFS_RADAR', apId, data: { channel: 52 } },
      { type: 'DENSITY_SPIKE', apId, data: { associatedClients: 60 } },
    ]);
    await eventually(async () => {
      const state = await c.rrm.apState(apId);
      return state.radios['5g'].holder?.eventId === radar.eventId && state.queue.length > 0
        ? true
        : undefined;
    }, 30_000);
    await c.worker.kill();
    await liftHolds(c);
    await c.worker.start();
    await expectNothingLostOrDoubled(c, [radar.eventId, spike.eventId]);
  });

  it('in the monitor window', async () => {
    const c = await startCase();
    const eventIds = await submitAll(c);
    const watched = eventIds.filter((_, i) => FLOORS[i] !== 'failover');
    await Promise.all(watched.map((id) => statusStage(c, id, 'monitor')));
    await c.worker.kill();
    await c.worker.start();
    await expectNothingLostOrDoubled(c, eventIds);
  });

  it('in a rollback, with the undo taken by the controller but not yet known to the workflow', async () => {
    const c = await startCase();
    const eventIds = await submitAll(c);
    const burst = eventIds[FLOORS.indexOf('burst')];
    await statusStage(c, burst, 'monitor');
    await holdChanges(c);
    // A jammer beside the AP on its new channel: the change made things worse and is rolled back.
    const apId = c.ap('burst', 'ap-03');
    const { x, y } = c.sim.world.apState(apId);
    const radio = c.sim.world.apState(apId).radios['5g']!;
    await simPost(c.sim.url, '/v1/inject/interferer', {
      interfererId: `${c.prefix}-jammer`,
      type: 'jammer',
      radio: '5g',
      channels: [radio.channel],
      dutyCyclePct: 95,
      powerDbm: 20,
      x: x + 2,
      y: y + 2,
    });
    await statusStage(c, burst, 'rollback');
    await eventually(async () => ((await heldChanges(c)) >= 1 ? true : undefined), 30_000);
    await c.worker.kill();
    await liftHolds(c);
    await c.worker.start();
    await expectNothingLostOrDoubled(c, eventIds);
    expect((await c.rrm.result(burst)).outcome).toBe('ROLLED_BACK');
  });

  it('while audit records are being written', async () => {
    const c = await startCase();
    // The audit table locked by another session: every append of the worker waits on the lock.
    const lock = await db.pool.connect();
    try {
      await lock.query('begin');
      await lock.query('lock table audit_records in exclusive mode');
      const eventIds = await submitAll(c);
      await eventually(async () => {
        const { rows } = await db.pool.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
        );
        return rows[0].n > 0 ? true : undefined;
      }, 30_000);
      await c.worker.kill();
      await lock.query('commit');
      await c.worker.start();
      await expectNothingLostOrDoubled(c, eventIds);
    } finally {
      await lock.query('rollback').catch(() => undefined);
      lock.release();
    }
  });

  async function statusStage(c: ChaosCase, eventId: string, stage: string) {
    return eventually(async () => {
      const s = await c.rrm.status(eventId);
      return s.stage === stage ? s : undefined;
    }, 30_000);
  }
});
