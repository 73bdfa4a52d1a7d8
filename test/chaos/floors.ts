// Several copies of the built-in office floor on one simulator, 1 km apart so no floor is an RF
// neighbour of another: each event type of a chaos case gets a floor of its own, and a fault hits all
// of them at the same stage at once. AP ids read `<prefix>-<floor>-ap-05`.
import { BUILT_IN_SCENARIO } from '../../simulator/scenario';
import type { ScenarioDefinition } from '../../simulator/types';

const FLOOR_SPACING_M = 1_000;

export function floors(prefix: string, names: readonly string[]): ScenarioDefinition {
  const shift = (i: number) => i * FLOOR_SPACING_M;
  return {
    ...BUILT_IN_SCENARIO,
    name: `chaos-${prefix}`,
    aps: names.flatMap((name, i) =>
      BUILT_IN_SCENARIO.aps.map((ap) => ({
        ...ap,
        apId: floorAp(prefix, name, ap.apId),
        drawsAs: ap.drawsAs ?? ap.apId,
        x: ap.x + shift(i),
      })),
    ),
    interferers: names.flatMap((name, i) =>
      (BUILT_IN_SCENARIO.interferers ?? []).map((f) => ({
        ...f,
        interfererId: `${prefix}-${name}-${f.interfererId}`,
        x: f.x + shift(i),
      })),
    ),
  };
}

export const floorAp = (prefix: string, floor: string, apId: string): string => `${prefix}-${floor}-${apId}`;
