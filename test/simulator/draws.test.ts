// An AP's random draws (clients, samples, roamers) are keyed by its `drawsAs` name: a floor renamed
// with `drawsAs` set to the old names is the same floor, which is what keeps the tests' prefixed
// floors reproducible whatever their prefix.
import { BUILT_IN_SCENARIO } from '../../simulator/scenario';
import type { ScenarioDefinition } from '../../simulator/types';
import { World } from '../../simulator/world';

const renamed = (keepDraws: boolean): ScenarioDefinition => ({
  ...BUILT_IN_SCENARIO,
  aps: BUILT_IN_SCENARIO.aps.map((ap) => ({
    ...ap,
    apId: `b2-${ap.apId}`,
    ...(keepDraws ? { drawsAs: ap.apId } : {}),
  })),
});

/** What the floor looks like at ap-08 after two roamers walk off: clients, then one metrics sample. */
function lookAtAp08(scenario: ScenarioDefinition, prefix: string): string {
  const world = new World({ seed: 1, scenario, clock: () => new Date(0) });
  const apId = `${prefix}ap-08`;
  world.injectRoamers(apId, '5g', 2);
  const seen = { clients: world.clientViews(apId, '5g'), metrics: world.metrics(apId, '5g') };
  return JSON.stringify(seen).replaceAll(prefix, '');
}

describe('random draws keyed by the drawsAs name', () => {
  it('a renamed floor drawing as the old names is the same floor', () => {
    expect(lookAtAp08(renamed(true), 'b2-')).toBe(lookAtAp08(BUILT_IN_SCENARIO, ''));
  });

  it('without drawsAs a renamed floor draws afresh', () => {
    expect(lookAtAp08(renamed(false), 'b2-')).not.toBe(lookAtAp08(BUILT_IN_SCENARIO, ''));
  });
});
