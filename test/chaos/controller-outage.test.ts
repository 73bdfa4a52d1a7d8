// The controller unreachable for 30 s in the middle of an apply, and a flapping link (every other
// request dropped) while changes are monitored (docs/durability.md). An apply's retries are bounded
// (the Channel Move Time runs), so an outage longer than them ends the apply FAILED, waiting for an
// operator, with nothing half-applied; the operator's retry once the controller is back finishes the
// job, once. A flapping link while changes are monitored costs retries; what a bounded retry cannot
// absorb ends FAILED for an operator, never lost or doubled. Windows are 8 s here (test/chaos/case.ts
// says why).
import { simPost, simRequest } from '../support/sim-client';
import { eventually } from '../support/stack';
import { FLOORS, injectEveryFault, submitEveryType } from './case';
import { controllerUnreachable } from './outages';
import { useChaosCases } from './use-chaos-cases';

describe('controller outages', () => {
  const { startCase, expectNothingLostOrDoubled } = useChaosCases();

  it('unreachable for 30 s mid-apply: FAILED with nothing applied, then retried once by an operator', async () => {
    const c = await startCase();
    const { eventIds } = await controllerUnreachable(c, 30_000);
    await expectNothingLostOrDoubled(c, eventIds);
    const results = await Promise.all(eventIds.map((id) => c.rrm.result(id)));
    expect(results.map((r) => r.outcome)).not.toContain('FAILED');
  });

  it('a flapping link while monitoring: every event reaches its outcome, nothing taken twice', async () => {
    const c = await startCase();
    await injectEveryFault(c);
    const eventIds = await submitEveryType(c);
    // The link starts flapping once every change is on the network: monitored, or (the failover,
    // which has no window) decided.
    await Promise.all(
      eventIds.map((id, i) =>
        eventually(async () => {
          const s = await c.rrm.status(id);
          return (FLOORS[i] === 'failover' ? s.outcome : s.stage === 'monitor') ? true : undefined;
        }, 60_000),
      ),
    );
    await simPost(c.sim.url, '/v1/inject/flapping', { every: 2 });
    try {
      await expectNothingLostOrDoubled(c, eventIds);
    } finally {
      const { refused } = (await simRequest<{ refused: number }>(c.sim.url, 'DELETE', '/v1/inject/flapping'))
        .body;
      // The link did drop requests while the events watched their changes.
      expect(refused).toBeGreaterThan(0);
    }
  });
});
