// DFS channel states in the simulated controller, as hostapd keeps them: usable → CAC → available;
// radar → unavailable for the Non-Occupancy Period → usable. The world's clock is moved by hand.
import { NON_OCCUPANCY_PERIOD_MS, type DfsState } from '../../domain/dfs';
import { SimulatorError } from '../../simulator/errors';
import { builtInScenario } from '../../simulator/scenario';
import type { RegulatoryDomain } from '../../domain/regulatory';
import { World } from '../../simulator/world';

const MINUTE = 60_000;

function worldAt(domain: RegulatoryDomain = 'US') {
  let now = Date.parse('2026-03-01T12:00:00Z');
  const world = new World({ seed: 1, scenario: builtInScenario(domain), clock: () => new Date(now) });
  let changes = 0;
  return {
    world,
    pass: (ms: number) => void (now += ms),
    move: (apId: string, channel: number, width: 20 | 40 | 80) =>
      world.applyConfig(apId, '5g', {
        changeId: `c-${++changes}`,
        expectedVersion: world.apState(apId).version,
        changes: { channel, width },
      }),
    stateOf: (apId: string, channel: number): DfsState =>
      world.dfsStates(apId, '5g').channels.find((c) => c.channel === channel)!.state,
  };
}

describe('DFS channel states and CAC in the simulated controller', () => {
  it('keeps the DFS channels a radio serves on from the start available, the others usable', () => {
    const { world, stateOf } = worldAt();
    expect(world.dfsStates('ap-05', '5g').transmitting).toBe(true);
    for (const c of [52, 56, 60, 64]) expect(stateOf('ap-05', c)).toBe('available');
    expect(stateOf('ap-05', 100)).toBe('usable');
    expect(stateOf('ap-03', 52)).toBe('usable');
  });

  it('runs a 60 s CAC on a move onto usable DFS channels: silent until it passes, then available for good', () => {
    const { world, pass, move, stateOf } = worldAt();
    move('ap-03', 100, 40);
    const during = world.dfsStates('ap-03', '5g');
    expect(during.transmitting).toBe(false);
    expect(during.cacUntil).toBe('2026-03-01T12:01:00.000Z');
    expect([stateOf('ap-03', 100), stateOf('ap-03', 104)]).toEqual(['cac', 'cac']);
    pass(MINUTE - 1);
    expect(world.dfsStates('ap-03', '5g').transmitting).toBe(false);
    pass(1);
    expect(world.dfsStates('ap-03', '5g')).toMatchObject({ transmitting: true, cacUntil: null });
    expect([stateOf('ap-03', 100), stateOf('ap-03', 104)]).toEqual(['available', 'available']);
    // Away and back: a checked channel needs no second CAC.
    move('ap-03', 36, 40);
    move('ap-03', 100, 40);
    expect(world.dfsStates('ap-03', '5g').transmitting).toBe(true);
  });

  it('shows the CAC as an outage: no clients, no traffic, until the check passes', () => {
    const { world, pass, move } = worldAt();
    const before = world.metrics('ap-03', '5g');
    expect(before.transmitting).toBe(true);
    expect(before.clientCount).toBeGreaterThan(0);
    expect(before.throughputMbps).toBeGreaterThan(0);

    move('ap-03', 100, 40);
    const during = world.metrics('ap-03', '5g');
    expect(during).toMatchObject({ transmitting: false, clientCount: 0, throughputMbps: 0, clients: [] });
    expect(world.clientViews('ap-03', '5g')).toEqual([]);
    expect(world.apState('ap-03').radios['5g']!.clientCount).toBe(0);
    // The 2.4 GHz radio has no DFS channels: it serves on through the 5 GHz radio's CAC.
    expect(world.metrics('ap-03', '2g').transmitting).toBe(true);

    pass(MINUTE);
    const after = world.metrics('ap-03', '5g');
    expect(after.transmitting).toBe(true);
    expect(after.clientCount).toBeGreaterThan(0);
    expect(world.clientViews('ap-03', '5g').length).toBe(after.clientCount);
  });

  it('needs no CAC for non-DFS channels, and a move off a CAC ends it', () => {
    const { world, move } = worldAt();
    move('ap-03', 100, 40);
    move('ap-03', 36, 40);
    expect(world.dfsStates('ap-03', '5g')).toMatchObject({ transmitting: true, cacUntil: null });
  });

  it('checks the EU weather radar channels for 10 minutes', () => {
    const { world, pass, move } = worldAt('EU');
    move('ap-03', 120, 20);
    expect(world.dfsStates('ap-03', '5g').cacUntil).toBe('2026-03-01T12:10:00.000Z');
    pass(9 * MINUTE);
    expect(world.dfsStates('ap-03', '5g').transmitting).toBe(false);
    pass(MINUTE);
    expect(world.dfsStates('ap-03', '5g').transmitting).toBe(true);
  });

  it('makes radar channels unavailable for the Non-Occupancy Period, refuses moves onto them, then usable', () => {
    const { world, pass, move, stateOf } = worldAt();
    world.injectRadar(52);
    for (const c of [52, 56, 60, 64]) expect(stateOf('ap-05', c)).toBe('unavailable');
    // Only the radio on the channel heard it.
    expect(stateOf('ap-03', 52)).toBe('usable');
    move('ap-05', 36, 80);
    world.clearRadar(52);
    const refusal = (() => {
      try {
        move('ap-05', 56, 20);
      } catch (err) {
        return err as SimulatorError;
      }
    })();
    expect(refusal).toMatchObject({ statusCode: 422, code: 'channel_unavailable' });
    expect(refusal!.message).toContain('Non-Occupancy Period');
    pass(NON_OCCUPANCY_PERIOD_MS);
    expect(stateOf('ap-05', 56)).toBe('usable');
    move('ap-05', 56, 20);
    expect(world.dfsStates('ap-05', '5g').transmitting).toBe(false); // checked again, from usable
  });

  it("reports each DFS channel's state in the radio's scan, for the loop's channel score", () => {
    const { world } = worldAt();
    const stateIn = (channel: number) =>
      world.scan('ap-05', '5g').channels.find((c) => c.channel === channel);
    expect(stateIn(52)!.dfsState).toBe('available');
    expect(stateIn(100)!.dfsState).toBe('usable');
    expect(stateIn(36)!.dfsState).toBeUndefined();
    world.injectRadar(52);
    expect(stateIn(56)!.dfsState).toBe('unavailable');
  });

  it('fails a CAC that hears radar: the channels become unavailable', () => {
    const { world, move, stateOf } = worldAt();
    move('ap-03', 100, 40);
    world.injectRadar(104);
    expect([stateOf('ap-03', 100), stateOf('ap-03', 104)]).toEqual(['unavailable', 'unavailable']);
    expect(world.dfsStates('ap-03', '5g')).toMatchObject({ transmitting: true, cacUntil: null });
  });
});
