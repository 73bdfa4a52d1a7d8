// When radios hit by radar left their channel, as the simulator's change log says: the figure every
// radar bench measures (submit → move).
import type { RunningSimulator } from '../simulator/server';

export interface Moves {
  /** Ms from `since` to each radio's move, sorted. */
  times: number[];
  /** Radios not moved within the wait. */
  missing: number;
}

/** When each radio's 5 GHz channel changed in the controller after `since` (waits up to 60 s). */
export async function movesSince(sim: RunningSimulator, apIds: string[], since: number): Promise<Moves> {
  const movedAt = new Map<string, number>();
  const deadline = Date.now() + 60_000;
  while (movedAt.size < apIds.length && Date.now() < deadline) {
    for (const apId of apIds.filter((id) => !movedAt.has(id))) {
      const move = sim.world
        .changes(apId)
        .find(
          (c) =>
            c.radio === '5g' && c.current.channel !== c.previous.channel && Date.parse(c.appliedAt) >= since,
        );
      if (move) movedAt.set(apId, Date.parse(move.appliedAt) - since);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { times: [...movedAt.values()].sort((a, b) => a - b), missing: apIds.length - movedAt.size };
}
