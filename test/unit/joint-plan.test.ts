// The joint re-plan of a burst's neighbourhood (domain/joint-plan.ts): a colouring of the neighbour
// graph with the channel score as the cost. Examples, then properties over random neighbourhoods.
import fc from 'fast-check';
import type { CandidateScore } from '../../domain/channel-selection';
import {
  coChannelPairs,
  neighbourhoods,
  planJointly,
  type BondedChannel,
  type JointRadio,
} from '../../domain/joint-plan';
import { PLANNERS, type JointReplanMoveData } from '../../domain/plans';
import { ap, context, event } from './plan-fixtures';
import { isDfsChannel } from '../../domain/dfs';

const OPTS = { radio: '5g' as const, domain: 'US' as const, minImprovement: 0.05 };
const NON_DFS_20 = [36, 40, 44, 48, 149, 153, 157, 161, 165];

/** A clean candidate (no interference, every client) on a 20 MHz channel; DFS ones score lower. */
function clean(channel: number, total?: number): CandidateScore {
  const dfs = isDfsChannel('5g', channel, 'US') ? 0.5 : 1;
  const score = total ?? 0.4 + 0.3 + 0.2 + 0.1 * dfs;
  return {
    channel,
    width: 20,
    interference: 1,
    overlap: 1,
    compatibility: 1,
    dfs,
    cacMs: dfs < 1 ? 60_000 : 0,
    total: score,
  };
}

const on = (channel: number): BondedChannel => ({ channel, width: 20 });

/** Radios on a rows × cols grid, neighbours the 8 around each (a campus of APs 20 m apart). */
function campus(
  rows: number,
  cols: number,
  start: (i: number) => number,
  candidates: number[],
): JointRadio[] {
  const id = (r: number, c: number) => `ap-${String(r * cols + c + 1).padStart(2, '0')}`;
  const radios: JointRadio[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const neighbours: string[] = [];
      for (let dr = -1; dr <= 1; dr++)
        for (let dc = -1; dc <= 1; dc++)
          if ((dr || dc) && r + dr >= 0 && r + dr < rows && c + dc >= 0 && c + dc < cols)
            neighbours.push(id(r + dr, c + dc));
      radios.push({
        apId: id(r, c),
        current: on(start(r * cols + c)),
        neighbours,
        candidates: candidates.map((ch) => clean(ch)),
      });
    }
  return radios;
}

describe('planJointly: a burst planned as one', () => {
  it('splits two neighbours that landed on the same channel, moving one of them', () => {
    const radios: JointRadio[] = [
      { apId: 'a', current: on(36), neighbours: ['b'], candidates: [clean(36), clean(40)] },
      { apId: 'b', current: on(36), neighbours: ['a'], candidates: [clean(36), clean(40)] },
    ];
    const plan = planJointly(radios, OPTS);
    expect(plan.coChannelPairs).toEqual({ before: 1, after: 0 });
    expect(plan.moves).toHaveLength(1);
    expect(plan.moves[0]).toMatchObject({ from: on(36), to: on(40) });
    expect(plan.cost.after).toBeLessThan(plan.cost.before);
  });

  it('spreads a 48-AP campus piled onto 36/20 over the free channels: no co-channel neighbours left', () => {
    // As a radar burst leaves a floor: almost every radio on 36, some on 40 and 44.
    const radios = campus(6, 8, (i) => (i % 12 === 0 ? 40 : i % 23 === 0 ? 44 : 36), NON_DFS_20);
    const plan = planJointly(radios, OPTS);
    expect(plan.coChannelPairs.before).toBeGreaterThan(100);
    expect(plan.coChannelPairs.after).toBe(0);
    for (const m of plan.moves) expect(NON_DFS_20).toContain(m.to.channel);
  });

  it('leaves a radio where it is when the move gains less than the least improvement', () => {
    // b on an unchecked DFS channel, alone: moving to a non-DFS one gains 0.05 in score only.
    const radios: JointRadio[] = [
      { apId: 'b', current: on(100), neighbours: [], candidates: [clean(100), clean(36)] },
    ];
    expect(planJointly(radios, { ...OPTS, minImprovement: 0.1 }).moves).toEqual([]);
    expect(planJointly(radios, { ...OPTS, minImprovement: 0.01 }).moves).toHaveLength(1);
  });

  it('prefers an unchecked DFS channel to a co-channel neighbour', () => {
    const radios: JointRadio[] = [
      { apId: 'a', current: on(36), neighbours: ['b'], candidates: [clean(36)] },
      { apId: 'b', current: on(36), neighbours: ['a'], candidates: [clean(36), clean(100)] },
    ];
    expect(planJointly(radios, OPTS).assignment.b).toEqual(on(100));
  });
});

describe('planJointly: properties over random neighbourhoods', () => {
  const POOL = [36, 40, 44, 48, 52, 56, 100, 104, 149, 153];
  const neighbourhood = fc
    .integer({ min: 1, max: 10 })
    .chain((n) =>
      fc.record({
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
        radios: fc.array(
          fc.record({
            current: fc.constantFrom(...POOL),
            // A channel not among its candidates is closed to it (radar, its own or a neighbour's).
            candidates: fc.uniqueArray(
              fc.record({
                channel: fc.constantFrom(...POOL),
                total: fc.double({ min: 0.3, max: 1, noNaN: true }),
              }),
              {
                minLength: 1,
                maxLength: POOL.length,
                selector: (c) => c.channel,
              },
            ),
          }),
          { minLength: n, maxLength: n },
        ),
        minImprovement: fc.double({ min: 0, max: 0.3, noNaN: true }),
      }),
    )
    .map(({ edges, radios, minImprovement }) => {
      const id = (i: number) => `ap-${i}`;
      const neighbours = radios.map(() => new Set<string>());
      for (const [a, b] of edges)
        if (a !== b) {
          neighbours[a].add(id(b));
          neighbours[b].add(id(a));
        }
      const joint: JointRadio[] = radios.map((r, i) => ({
        apId: id(i),
        current: on(r.current),
        neighbours: [...neighbours[i]],
        candidates: r.candidates.map((c) => clean(c.channel, c.total)),
      }));
      return { joint, minImprovement };
    });

  it('never assigns a closed channel, never raises its own cost, and makes only moves worth their minimum', () => {
    fc.assert(
      fc.property(neighbourhood, ({ joint, minImprovement }) => {
        const plan = planJointly(joint, { ...OPTS, minImprovement });
        for (const r of joint) {
          const to = plan.assignment[r.apId];
          const stays = to.channel === r.current.channel;
          expect(stays || r.candidates.some((c) => c.channel === to.channel)).toBe(true);
        }
        expect(plan.cost.after).toBeLessThanOrEqual(plan.cost.before + 1e-9);
        for (const m of plan.moves) expect(m.improvement).toBeGreaterThanOrEqual(minImprovement - 1e-9);
        expect(plan.coChannelPairs.after).toBe(coChannelPairs(joint, plan.assignment, '5g', 'US').length);
      }),
      { numRuns: 500, seed: 13 },
    );
  });
});

describe('neighbourhoods of a burst', () => {
  it('groups the moved APs a chain of neighbours links, ignoring APs that did not move', () => {
    const neighbours: Record<string, string[]> = {
      a: ['b', 'x'],
      b: ['a', 'c'],
      c: ['b'],
      d: ['x'],
      x: ['a', 'd'],
    };
    expect(neighbourhoods(['c', 'a', 'b', 'd'], (id) => neighbours[id] ?? [])).toEqual([
      ['a', 'b', 'c'],
      ['d'],
    ]);
  });
});

describe('the JOINT_REPLAN planner: one move of the joint plan, under the radio’s turn', () => {
  const burst = { id: 'b1', radios: 3, coChannelPairsBefore: 3, coChannelPairsAfter: 0 };
  const plan = (data: Pick<JointReplanMoveData, 'channel' | 'width'>, closed: number[] = []) =>
    PLANNERS.JOINT_REPLAN.plan(
      context({
        event: event('JOINT_REPLAN', { burst, ...data }, { apId: 'ap-1' }),
        ap: ap('ap-1', { '5g': { channel: 149, width: 80 } }),
        closed,
      }),
    );

  it('moves the radio to the planned channel, saying which burst it answers', () => {
    expect(plan({ channel: 36, width: 80 })).toMatchObject({
      kind: 'change',
      actionType: 'CHANNEL_CHANGE',
      explanation:
        'joint re-plan of burst b1 (3 radios, co-channel neighbour pairs 3 → 0): 149/80 → 36/80 MHz',
    });
  });

  it('does nothing when the controller refused the planned channel for radar just now', () => {
    const refused = PLANNERS.JOINT_REPLAN.plan(
      context({
        event: event('JOINT_REPLAN', { burst, channel: 120, width: 80 }, { apId: 'ap-1' }),
        ap: ap('ap-1', { '5g': { channel: 149, width: 80 } }),
        unavailable: [124],
      }),
    );
    expect(refused).toMatchObject({ kind: 'no_action' });
  });

  it('does nothing when radar has closed the planned channel since, or the radio is there already', () => {
    expect(plan({ channel: 52, width: 80 }, [56])).toMatchObject({ kind: 'no_action' });
    expect(plan({ channel: 149, width: 80 })).toMatchObject({ kind: 'no_action' });
  });
});
