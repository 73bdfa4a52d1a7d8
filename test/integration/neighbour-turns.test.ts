// Actions that change neighbours take the neighbours' radio turns too, always in the global order
// (AP id, radio): two failovers of neighbouring APs at once neither deadlock nor change one AP at
// the same time, and a watched action on a shared neighbour is superseded by them, its change kept.
import { fastSampling } from '../support/policy';
import { getAp, getChanges, simPost } from '../support/sim-client';
import { inStage, statusWhen } from '../support/scenarios';
import { startStack, type Stack } from '../support/stack';

describe('neighbour turns under concurrent events', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ policy: fastSampling() });
  });
  afterAll(() => stack?.stop());

  it('serialises two failovers of mutual neighbours without deadlock, superseding a watched neighbour', async () => {
    const a = stack.ap('ap-05');
    const b = stack.ap('ap-06');
    const aNeighbours = (await getAp(stack.sim.url, a)).neighbors;
    const bNeighbours = (await getAp(stack.sim.url, b)).neighbors;
    expect(aNeighbours).toContain(b);
    expect(bNeighbours).toContain(a);
    const shared = aNeighbours.find((n) => n !== b && bNeighbours.includes(n))!;
    expect(shared).toBeDefined();

    // A MEDIUM-severity action watches the shared neighbour's radio while it is monitored.
    const [held] = await stack.rrm.submit([
      { type: 'SPECTRUM_SAT', apId: shared, severity: 'MEDIUM', data: {} },
    ]);
    const watched = await inStage(stack, held.eventId, 'monitor');

    await simPost(stack.sim.url, '/v1/inject/ap-failure', { apId: a });
    await simPost(stack.sim.url, '/v1/inject/ap-failure', { apId: b });
    const submitted = await stack.rrm.submit([
      { type: 'HW_FAILURE', apId: a, eventId: `failover-${a}` },
      { type: 'HW_FAILURE', apId: b, eventId: `failover-${b}` },
    ]);
    const results = await Promise.all(
      submitted.map((s) => statusWhen(stack, s.eventId, (st) => st.outcome !== undefined, 60_000)),
    );
    expect(results.map((r) => r.outcome)).toEqual(['APPLIED', 'APPLIED']);
    const superseded = await statusWhen(stack, held.eventId, (s) => s.outcome !== undefined);
    expect(superseded.outcome).toBe('SUPERSEDED');

    // Each failover's changes, on every AP, happen in one block that the other's never enters.
    const spans = new Map<string, [number, number]>();
    for (const apId of new Set([...aNeighbours, ...bNeighbours])) {
      for (const change of await getChanges(stack.sim.url, apId)) {
        const owner = submitted.find((s) => change.changeId.startsWith(`${s.eventId}:`));
        if (!owner) continue;
        const t = Date.parse(change.appliedAt);
        const [from, to] = spans.get(owner.eventId) ?? [t, t];
        spans.set(owner.eventId, [Math.min(from, t), Math.max(to, t)]);
      }
    }
    expect(spans.size).toBe(2);
    const [first, second] = [...spans.values()].sort((x, y) => x[0] - y[0]);
    expect(second[0]).toBeGreaterThanOrEqual(first[1]);

    // The shared neighbour was changed by a failover after the watched change, which stays applied.
    const sharedChanges = (await getChanges(stack.sim.url, shared)).filter((c) =>
      submitted.some((s) => c.changeId.startsWith(`${s.eventId}:`)),
    );
    expect(sharedChanges.length).toBeGreaterThan(0);
    for (const c of sharedChanges) {
      expect(Date.parse(c.appliedAt)).toBeGreaterThanOrEqual(Date.parse(watched.appliedAt!));
    }
    expect(superseded.reason).toContain('the change stays');
  });
});
