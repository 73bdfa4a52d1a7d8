// Every row of the policy table acting on the real stack (DFS radar and interference bursts have
// suites of their own). Sampling runs every 2 s here (a policy setting); the real windows are
// covered in skipped time.
import { fastSampling } from '../support/policy';
import { DEFAULT_POLICY } from '../../domain/policy';
import { maxTxPowerForObssPd } from '../../domain/regulatory';
import { STORY } from '../../simulator/scenario';
import { getAp, getClients, getMetrics, getRadio, simPost, simRequest } from '../support/sim-client';
import { inStage, statusWhen } from '../support/scenarios';
import { startStack, type Stack } from '../support/stack';
import { controllerFace } from '../support/controller-face';

describe('every event type on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ policy: fastSampling() });
  });
  afterAll(() => stack?.stop());

  const auditOf = (eventId: string) =>
    stack.query<{ execution_status: string; action_type: string; configuration_changes: unknown[] }>(
      'select execution_status, action_type, configuration_changes from audit_records where event_id = $1 order by chain_position',
      [eventId],
    );
  const clientsOf = (apId: string) => getClients(stack.sim.url, apId);

  /** OpenWiFi's gateway cannot tell who could be steered where (docs/controllers.md): the event says so. */
  async function steeringUnavailable(eventId: string): Promise<void> {
    const status = await statusWhen(stack, eventId, (s) => s.outcome !== undefined);
    expect(status.outcome).toBe('NO_ACTION');
    expect(status.reason).toMatch(/steering is not available \(OpenWiFi/);
  }

  it('SPECTRUM_SAT raises OBSS-PD by 3 dB with TX power under the 1:1 cap', async () => {
    const apId = stack.ap('ap-06');
    const before = await getRadio(stack.sim.url, apId);
    const [e] = await stack.rrm.submit([{ type: 'SPECTRUM_SAT', apId, data: { utilizationPct: 88 } }]);
    const status = await inStage(stack, e.eventId, 'monitor');
    expect(status.actionType).toBe('OBSS_PD_TUNE');
    const after = await getRadio(stack.sim.url, apId);
    expect(after.obssPdDbm).toBe(before.obssPdDbm + 3);
    expect(after.txPowerDbm).toBeLessThanOrEqual(maxTxPowerForObssPd(after.obssPdDbm));
    await stack.rrm.commit(e.eventId, { operator: 'test' });
    expect((await auditOf(e.eventId)).map((r) => r.execution_status)).toEqual(['APPLIED', 'COMMITTED']);
  });

  it('QOE_DEGRADATION with a few poor clients steers them to the neighbour they hear best', async () => {
    const apId = stack.ap('ap-08');
    const { poorQoe, channelChangeShare, minCandidateRssiDbm } = DEFAULT_POLICY.qoe;
    await simPost(stack.sim.url, '/v1/inject/roamers', { apId, radio: '5g', count: 2 });
    const clients = await clientsOf(apId);
    const poor = clients.filter((c) => c.qoe < poorQoe);
    expect(poor.length / clients.length).toBeLessThanOrEqual(channelChangeShare);
    const steerable = poor.filter(
      (c) => c.btmCapable && c.candidates.some((k) => k.rssiDbm >= minCandidateRssiDbm),
    );
    expect(steerable.length).toBeGreaterThan(0);
    const [e] = await stack.rrm.submit([
      {
        type: 'QOE_DEGRADATION',
        apId,
        data: { clients: clients.map(({ clientId, qoe }) => ({ clientId, qoe })) },
      },
    ]);
    if (controllerFace() === 'openwifi') return steeringUnavailable(e.eventId);
    const status = await inStage(stack, e.eventId, 'monitor');
    expect(status.actionType).toBe('CLIENT_STEERING');
    // Every steerable poor client left, each for the neighbour it hears best; nobody else moved.
    const stillHere = new Set((await clientsOf(apId)).map((c) => c.clientId));
    const moved = clients.filter((c) => !stillHere.has(c.clientId));
    expect(moved.map((c) => c.clientId).sort()).toEqual(steerable.map((c) => c.clientId).sort());
    for (const client of moved) {
      const best = client.candidates.find((k) => k.rssiDbm >= minCandidateRssiDbm)!;
      expect((await clientsOf(best.apId)).map((c) => c.clientId)).toContain(client.clientId);
    }
    // Client ids reach the audit only as keyed hashes.
    const rows = await auditOf(e.eventId);
    expect(JSON.stringify(rows)).not.toContain(moved[0].clientId);

    // Rolling steering back steers the clients home, as far as BSS transition allows: a client that
    // hears its old AP below -75 dBm is not pushed back.
    const targets = [...new Set(status.changes.map((c) => String(c.newValue)))];
    const awayViews = (await Promise.all(targets.map((t) => clientsOf(t)))).flat();
    expect(await stack.rrm.rollback(e.eventId, { operator: 'test' })).toMatchObject({
      outcome: 'ROLLED_BACK',
    });
    const home = new Set((await clientsOf(apId)).map((c) => c.clientId));
    for (const { clientId } of moved) {
      if (home.has(clientId)) continue;
      const homeCandidate = awayViews
        .find((c) => c.clientId === clientId)
        ?.candidates.find((c) => c.apId === apId);
      expect(homeCandidate === undefined || homeCandidate.rssiDbm < -75).toBe(true);
    }
    await simRequest(stack.sim.url, 'DELETE', '/v1/inject/roamers');
  });

  it('QOE_DEGRADATION with most clients poor changes the channel', async () => {
    const apId = stack.ap('ap-07');
    const before = await getRadio(stack.sim.url, apId);
    const clients = [0.2, 0.3, 0.4, 0.9].map((qoe, i) => ({ clientId: `02:00:00:aa:00:0${i}`, qoe }));
    const [e] = await stack.rrm.submit([{ type: 'QOE_DEGRADATION', apId, data: { clients } }]);
    const status = await inStage(stack, e.eventId, 'monitor');
    expect(status.actionType).toBe('CHANNEL_CHANGE');
    expect((await getRadio(stack.sim.url, apId)).channel).not.toBe(before.channel);
    await stack.rrm.commit(e.eventId, { operator: 'test' });
  });

  it('DENSITY_SPIKE caps admission during the spike and lifts the cap when it ends', async () => {
    const apId = stack.ap(STORY.densitySpike.apId);
    await simPost(stack.sim.url, '/v1/inject/client-surge', { apId, radio: '5g', count: 30 });
    const surged = await getRadio(stack.sim.url, apId);
    const [e] = await stack.rrm.submit([
      { type: 'DENSITY_SPIKE', apId, data: { associatedClients: surged.clientCount } },
    ]);

    const status = await inStage(stack, e.eventId, 'monitor');
    expect(status.actionType).toBe('ADMISSION_CONTROL');
    const capped = await getRadio(stack.sim.url, apId);
    expect(capped.admissionCap).toBe(capped.clientCount);
    const refused = await simPost<{ refused: number }>(stack.sim.url, '/v1/inject/client-surge', {
      apId,
      radio: '5g',
      count: 5,
    });
    expect(refused.refused).toBe(5);

    await simRequest(stack.sim.url, 'DELETE', `/v1/inject/client-surge/${apId}`);
    // Associations are counted over a trailing minute: the spike is over once that window has passed.
    const lifted = await statusWhen(stack, e.eventId, (s) => s.outcome !== undefined, 120_000);
    expect(lifted).toMatchObject({ outcome: 'APPLIED', reason: 'spike over: admission cap lifted' });
    expect((await getRadio(stack.sim.url, apId)).admissionCap).toBeNull();
    expect((await auditOf(e.eventId)).map((r) => r.execution_status)).toEqual(['APPLIED', 'LIFTED']);
  }, 180_000);

  it('HW_FAILURE fails the AP over: marked down, neighbours raise TX power within limits, no rollback', async () => {
    const apId = stack.ap(STORY.hwFailure.apId);
    const neighbours = (await getAp(stack.sim.url, apId)).neighbors;
    const before = await Promise.all(neighbours.map((n) => getRadio(stack.sim.url, n)));
    await simPost(stack.sim.url, '/v1/inject/ap-failure', { apId });
    const [e] = await stack.rrm.submit([{ type: 'HW_FAILURE', apId, data: { component: 'ap' } }]);
    const status = await statusWhen(stack, e.eventId, (s) => s.outcome !== undefined);
    expect(status).toMatchObject({ outcome: 'APPLIED', actionType: 'FAILOVER' });
    expect(status.rollbackToken).toBeUndefined();
    expect((await getAp(stack.sim.url, apId)).adminStatus).toBe('DOWN');
    const after = await Promise.all(neighbours.map((n) => getRadio(stack.sim.url, n)));
    after.forEach((radio, i) => {
      expect(radio.txPowerDbm).toBeGreaterThanOrEqual(before[i].txPowerDbm);
      expect(radio.txPowerDbm).toBeLessThanOrEqual(Math.min(21, maxTxPowerForObssPd(radio.obssPdDbm)));
    });
    expect(after.some((radio, i) => radio.txPowerDbm > before[i].txPowerDbm)).toBe(true);
    const refusal = await stack.rrm.rollback(e.eventId, { operator: 'test' }).catch((err: Error) => err);
    expect(refusal).toBeInstanceOf(Error);
  });

  it('POWER_BUDGET_EXCEEDED lowers TX power until the AP fits its PoE budget', async () => {
    const apId = stack.ap(STORY.powerBudget.apId);
    await simPost(stack.sim.url, '/v1/inject/power-budget', {
      apId,
      budgetWatts: STORY.powerBudget.budgetWatts,
    });
    const over = await getAp(stack.sim.url, apId);
    expect(over.power.drawWatts).toBeGreaterThan(over.power.budgetWatts);
    const throughputOver = (await getMetrics(stack.sim.url, apId)).throughputMbps;
    const [e] = await stack.rrm.submit([
      // As the sensing system reports it: a controller without PoE figures plans with these.
      { type: 'POWER_BUDGET_EXCEEDED', apId, data: { budgetWatts: 12.95, drawWatts: over.power.drawWatts } },
    ]);
    const status = await inStage(stack, e.eventId, 'monitor');
    expect(status.actionType).toBe('TX_POWER_REDUCTION');
    const fitted = await getAp(stack.sim.url, apId);
    expect(fitted.power.drawWatts).toBeLessThanOrEqual(fitted.power.budgetWatts);
    expect((await getMetrics(stack.sim.url, apId)).throughputMbps).toBeGreaterThan(throughputOver);
    await stack.rrm.commit(e.eventId, { operator: 'test' });
  });

  it('LOAD_IMBALANCE steers clients to under-loaded neighbours', async () => {
    const apId = stack.ap(STORY.loadImbalance.apId);
    await simPost(stack.sim.url, '/v1/inject/client-surge', { apId, radio: '5g', count: 25, settled: true });
    const before = (await getRadio(stack.sim.url, apId)).clientCount;
    const [e] = await stack.rrm.submit([{ type: 'LOAD_IMBALANCE', apId, data: { clientCount: before } }]);
    if (controllerFace() === 'openwifi') return steeringUnavailable(e.eventId);
    const status = await inStage(stack, e.eventId, 'monitor');
    expect(status.actionType).toBe('CLIENT_STEERING');
    expect((await getRadio(stack.sim.url, apId)).clientCount).toBeLessThan(before);
    await stack.rrm.commit(e.eventId, { operator: 'test' });
    expect((await auditOf(e.eventId)).map((r) => [r.execution_status, r.action_type])).toEqual([
      ['APPLIED', 'CLIENT_STEERING'],
      ['COMMITTED', 'CLIENT_STEERING'],
    ]);
  });
});
