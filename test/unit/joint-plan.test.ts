// The joint re-plan of a burst's neighbourhood (domain/joint-plan.ts): a colouring of the neighbour
// graph with the channel score as the cost. Examples, then properties over random neighbourhoods.
import fc from 'fast-check';
import { CHANNEL_SCORE_WEIGHTS, type CandidateScore } from '../../domain/channel-selection';
import {
  coChannelPairs,
  describeGain,
  neighbourhoods,
  planJointly,
  type BondedChannel,
  type JointRadio,
} from '../../domain/joint-plan';
import { PLANNERS, type JointReplanMoveData } from '../../domain/plans';
import { ap, context, event } from './plan-fixtures';
import { isDfsChannel } from '../../domain/dfs';

const OPTS = {
  radio: '5g' as const,
  domain: 'US' as const,
  minImprovement: 0.05,
  minInterferenceGain: 0.2,
  namedGainsOnly: true,
};
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

/** A candidate scored from its components, as `candidateScores` does (no foreign BSS heard). */
function scored(
  channel: number,
  c: { interference?: number; compatibility?: number; unobserved?: number[] } = {},
): CandidateScore {
  const base = clean(channel);
  const [interference, compatibility] = [c.interference ?? 1, c.compatibility ?? 1];
  const w = CHANNEL_SCORE_WEIGHTS;
  const total =
    w.interference * interference + w.overlap + w.compatibility * compatibility + w.dfs * base.dfs;
  return { ...base, interference, compatibility, total, ...(c.unobserved && { unobserved: c.unobserved }) };
}

const on = (channel: number): BondedChannel => ({ channel, width: 20 });

/** The co-channel pairs `apId` is in on `channel`, the other radios where `assignment` has them. */
function pairsOf(
  radios: JointRadio[],
  assignment: Record<string, BondedChannel>,
  apId: string,
  channel: BondedChannel,
) {
  return coChannelPairs(radios, { ...assignment, [apId]: channel }, '5g', 'US').filter((p) =>
    p.includes(apId),
  ).length;
}

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

  it('leaves a radio where it is when its move lowers the cost by less than the least improvement', () => {
    // b shares 36 with a; 100 is free of a but scores 0.28 worse: the move lowers the cost by 0.02.
    const radios: JointRadio[] = [
      { apId: 'a', current: on(36), neighbours: ['b'], candidates: [clean(36)] },
      { apId: 'b', current: on(36), neighbours: ['a'], candidates: [clean(36), clean(100, 0.72)] },
    ];
    expect(planJointly(radios, OPTS).moves).toEqual([]);
    expect(planJointly(radios, { ...OPTS, minImprovement: 0.01 }).moves).toMatchObject([
      { apId: 'b', to: on(100), gain: { kind: 'co-channel-pairs', before: 1, after: 0 } },
    ]);
  });

  it('prefers an unchecked DFS channel to a co-channel neighbour', () => {
    const radios: JointRadio[] = [
      { apId: 'a', current: on(36), neighbours: ['b'], candidates: [clean(36)] },
      { apId: 'b', current: on(36), neighbours: ['a'], candidates: [clean(36), clean(100)] },
    ];
    expect(planJointly(radios, OPTS).assignment.b).toEqual(on(100));
  });
});

describe('planJointly: a move is made only for a gain it names', () => {
  it('does not move a radio whose only gain is its own channel score', () => {
    // As in the burst re-planned with "co-channel neighbour pairs 2 → 2, 2 moves": c and d would
    // leave 149 and 44 for channels more of their clients support, gaining no pair and no
    // interference.
    const radios: JointRadio[] = [
      { apId: 'a', current: on(36), neighbours: ['b', 'c'], candidates: [clean(36)] },
      { apId: 'b', current: on(36), neighbours: ['a'], candidates: [clean(36)] },
      {
        apId: 'c',
        current: on(149),
        neighbours: ['a'],
        candidates: [scored(149, { compatibility: 0.5 }), scored(157)],
      },
      {
        apId: 'd',
        current: on(44),
        neighbours: [],
        candidates: [scored(44, { compatibility: 0.6 }), scored(48)],
      },
    ];
    const plan = planJointly(radios, OPTS);
    expect(plan.moves).toEqual([]);
    expect(plan.coChannelPairs).toEqual({ before: 1, after: 1 });
    // Bursts planned before the rule replay as planned then: those moves made, naming nothing.
    const before = planJointly(radios, { ...OPTS, namedGainsOnly: false });
    expect(before.moves.map((m) => [m.apId, m.to.channel, m.gain])).toEqual([
      ['c', 157, undefined],
      ['d', 48, undefined],
    ]);
  });

  it('moves a radio that lowers its co-channel pairs, and names them', () => {
    const radios: JointRadio[] = [
      { apId: 'a', current: on(36), neighbours: ['b', 'c'], candidates: [clean(36)] },
      { apId: 'b', current: on(36), neighbours: ['a', 'c'], candidates: [clean(36), clean(40)] },
      { apId: 'c', current: on(36), neighbours: ['a', 'b'], candidates: [clean(36), clean(40), clean(44)] },
    ];
    const plan = planJointly(radios, OPTS);
    expect(plan.coChannelPairs).toEqual({ before: 3, after: 0 });
    expect(plan.moves).toEqual([
      expect.objectContaining({
        apId: 'b',
        to: on(40),
        gain: { kind: 'co-channel-pairs', before: 1, after: 0 },
      }),
      expect.objectContaining({
        apId: 'c',
        to: on(44),
        gain: { kind: 'co-channel-pairs', before: 1, after: 0 },
      }),
    ]);
  });

  it('moves a radio whose measured interference falls by the margin, and names it', () => {
    // Half of 36's airtime is non-Wi-Fi energy, a tenth of 40's: 0.5 → 0.1, past the margin of 0.2.
    const radios: JointRadio[] = [
      {
        apId: 'a',
        current: on(36),
        neighbours: [],
        candidates: [scored(36, { interference: 0.5 }), scored(40, { interference: 0.9 })],
      },
    ];
    expect(planJointly(radios, OPTS).moves).toEqual([
      expect.objectContaining({
        apId: 'a',
        to: on(40),
        gain: { kind: 'interference', before: 0.5, after: 0.1, margin: 0.2 },
      }),
    ]);
  });

  it('does not move it for less than the margin, though its cost falls by the least improvement', () => {
    // 0.3 → 0.15 of the airtime: the cost falls by 0.06, the interference by 0.15 < 0.2.
    const radios: JointRadio[] = [
      {
        apId: 'a',
        current: on(36),
        neighbours: [],
        candidates: [scored(36, { interference: 0.7 }), scored(40, { interference: 0.85 })],
      },
    ];
    expect(planJointly(radios, OPTS).moves).toEqual([]);
    expect(planJointly(radios, { ...OPTS, minInterferenceGain: 0.15 }).moves).toMatchObject([
      { apId: 'a', gain: { kind: 'interference', before: 0.3, after: 0.15 } },
    ]);
  });

  it('counts no interference gain onto a channel it has not scanned, nor one bought with a co-channel pair', () => {
    // 36 is taken whole by non-Wi-Fi energy. 40 went unscanned: its neutral score is no measurement.
    const unscanned: JointRadio[] = [
      {
        apId: 'a',
        current: on(36),
        neighbours: [],
        candidates: [scored(36, { interference: 0 }), scored(40, { interference: 0.5, unobserved: [40] })],
      },
    ];
    // 44 is clean, but b is on it.
    const taken: JointRadio[] = [
      {
        apId: 'a',
        current: on(36),
        neighbours: ['b'],
        candidates: [scored(36, { interference: 0 }), scored(44)],
      },
      { apId: 'b', current: on(44), neighbours: ['a'], candidates: [scored(44)] },
    ];
    for (const radios of [unscanned, taken]) {
      expect(planJointly(radios, OPTS).moves).toEqual([]);
      // The old rule moved it: the cost falls by 0.2, and by 0.4 for the interference less 0.3 for the pair.
      expect(planJointly(radios, { ...OPTS, namedGainsOnly: false }).moves).toMatchObject([{ apId: 'a' }]);
    }
  });

  it('leaves everything where it is rather than raise the co-channel pairs', () => {
    // a and b each sit on a channel taken whole by non-Wi-Fi energy; swapping them clears it but puts
    // each beside a neighbour that stays (f next to a, g next to b): each move keeps its own pairs
    // (1 → 1) and gains interference, yet the plan would go from 0 pairs to 2.
    const radios: JointRadio[] = [
      {
        apId: 'a',
        current: on(40),
        neighbours: ['b', 'f'],
        candidates: [scored(40, { interference: 0 }), scored(36)],
      },
      {
        apId: 'b',
        current: on(36),
        neighbours: ['a', 'g'],
        candidates: [scored(36, { interference: 0 }), scored(40)],
      },
      { apId: 'f', current: on(36), neighbours: ['a'], candidates: [scored(36)] },
      { apId: 'g', current: on(40), neighbours: ['b'], candidates: [scored(40)] },
    ];
    const before = planJointly(radios, { ...OPTS, namedGainsOnly: false });
    expect(before.coChannelPairs).toEqual({ before: 0, after: 2 });
    expect(before.moves.map((m) => m.gain?.kind)).toEqual(['interference', 'interference']);
    const plan = planJointly(radios, OPTS);
    expect(plan.moves).toEqual([]);
    expect(plan.coChannelPairs).toEqual({ before: 0, after: 0 });
    expect(plan.cost.after).toBe(plan.cost.before);
  });

  it('does not swap two radios, each for the pair the other would make there', () => {
    // Each would rather have the other's channel (more of its clients support it): swapped, each
    // leaves the pair it would make with the other, but together they gain no pair.
    const radios: JointRadio[] = [
      {
        apId: 'a',
        current: on(44),
        neighbours: ['b'],
        candidates: [scored(40), scored(44, { compatibility: 0.5 })],
      },
      {
        apId: 'b',
        current: on(40),
        neighbours: ['a'],
        candidates: [scored(40, { compatibility: 0.5 }), scored(44)],
      },
    ];
    const before = planJointly(radios, { ...OPTS, namedGainsOnly: false });
    expect(before.moves.map((m) => [m.apId, m.to.channel])).toEqual([
      ['a', 40],
      ['b', 44],
    ]);
    expect(planJointly(radios, OPTS).moves).toEqual([]);
  });

  it('moves a neighbour out of the way when that is what splits a pair', () => {
    // a and b share 36, and a's only other channel is c's: c moves on to 44 to make room.
    const radios: JointRadio[] = [
      { apId: 'a', current: on(36), neighbours: ['b', 'c'], candidates: [scored(36), scored(40)] },
      { apId: 'b', current: on(36), neighbours: ['a'], candidates: [scored(36)] },
      {
        apId: 'c',
        current: on(40),
        neighbours: ['a'],
        candidates: [scored(40, { compatibility: 0.9 }), scored(44)],
      },
    ];
    const plan = planJointly(radios, OPTS);
    expect(plan.coChannelPairs).toEqual({ before: 1, after: 0 });
    expect(plan.moves).toMatchObject([
      { apId: 'a', to: on(40), gain: { kind: 'co-channel-pairs', before: 1, after: 0 } },
      { apId: 'c', to: on(44), gain: { kind: 'co-channel-pairs', before: 1, after: 0 } },
    ]);
  });

  it('says what a move gains', () => {
    expect(describeGain({ kind: 'co-channel-pairs', before: 2, after: 0 })).toBe(
      'co-channel neighbour pairs 2 → 0',
    );
    expect(describeGain({ kind: 'interference', before: 0.58, after: 0.19, margin: 0.2 })).toBe(
      'non-Wi-Fi interference 58 % → 19 % of airtime (margin 20 points)',
    );
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
                // Scans report whole percents of non-Wi-Fi duty cycle and of clients supported.
                interference: fc.integer({ min: 0, max: 100 }).map((pct) => pct / 100),
                compatibility: fc.integer({ min: 50, max: 100 }).map((pct) => pct / 100),
                unscanned: fc.boolean(),
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
        minInterferenceGain: fc.integer({ min: 5, max: 50 }).map((pct) => pct / 100),
      }),
    )
    .map(({ edges, radios, ...margins }) => {
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
        candidates: r.candidates.map(({ channel, unscanned, ...c }) =>
          scored(channel, { ...c, ...(unscanned && { unobserved: [channel] }) }),
        ),
      }));
      return { joint, opts: { ...OPTS, ...margins } };
    });

  it('never assigns a closed channel, never raises its own cost, and makes only moves worth their minimum', () => {
    fc.assert(
      fc.property(neighbourhood, ({ joint, opts }) => {
        const plan = planJointly(joint, opts);
        for (const r of joint) {
          const to = plan.assignment[r.apId];
          const stays = to.channel === r.current.channel;
          expect(stays || r.candidates.some((c) => c.channel === to.channel)).toBe(true);
        }
        expect(plan.cost.after).toBeLessThanOrEqual(plan.cost.before + 1e-9);
        for (const m of plan.moves) expect(m.improvement).toBeGreaterThanOrEqual(opts.minImprovement - 1e-9);
        expect(plan.coChannelPairs.after).toBe(coChannelPairs(joint, plan.assignment, '5g', 'US').length);
      }),
      { numRuns: 500, seed: 13 },
    );
  });

  it('makes every move for a gain it names, and never raises the co-channel pairs', () => {
    const named = { 'co-channel-pairs': 0, interference: 0 };
    fc.assert(
      fc.property(neighbourhood, ({ joint, opts }) => {
        const plan = planJointly(joint, opts);
        expect(plan.coChannelPairs.after).toBeLessThanOrEqual(plan.coChannelPairs.before);
        for (const m of plan.moves) {
          const r = joint.find((x) => x.apId === m.apId)!;
          expect(m.gain).toBeDefined();
          named[m.gain!.kind]++;
          const pairs = {
            before: pairsOf(joint, plan.assignment, m.apId, m.from),
            after: pairsOf(joint, plan.assignment, m.apId, m.to),
          };
          if (m.gain!.kind === 'co-channel-pairs') {
            expect(m.gain).toEqual({ kind: 'co-channel-pairs', ...pairs });
            expect(pairs.after).toBeLessThan(pairs.before);
          } else {
            expect(pairs.after).toBe(pairs.before);
            expect(measuredInterference(r, m.from)).toBe(m.gain!.before);
            expect(measuredInterference(r, m.to)).toBe(m.gain!.after);
            expect(m.gain!.before - m.gain!.after).toBeGreaterThanOrEqual(opts.minInterferenceGain - 1e-9);
          }
        }
      }),
      { numRuns: 500, seed: 13 },
    );
    // The neighbourhoods drawn make moves of both kinds.
    expect(named['co-channel-pairs']).toBeGreaterThan(0);
    expect(named.interference).toBeGreaterThan(0);
  });
});

describe('planJointly: a neighbourhood with nothing to gain', () => {
  const POOL = [36, 40, 44, 48, 52, 56, 100, 104, 149, 153];
  /** Radios on channels no neighbour shares, no non-Wi-Fi energy anywhere, their clients' support differing. */
  const settled = fc
    .integer({ min: 2, max: 12 })
    .chain((n) =>
      fc.record({
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
        picks: fc.array(fc.nat(POOL.length - 1), { minLength: n, maxLength: n }),
        support: fc.array(
          fc.array(fc.integer({ min: 50, max: 100 }), { minLength: POOL.length, maxLength: POOL.length }),
          { minLength: n, maxLength: n },
        ),
      }),
    )
    .map(({ edges, picks, support }) => {
      const neighbours = picks.map(() => new Set<number>());
      for (const [a, b] of edges)
        if (a !== b) {
          neighbours[a].add(b);
          neighbours[b].add(a);
        }
      const channels: number[] = [];
      picks.forEach((pick, i) => {
        const taken = [...neighbours[i]].filter((j) => j < i).map((j) => channels[j]);
        const free = POOL.filter((c) => !taken.includes(c));
        channels.push(free[pick % free.length]);
      });
      return channels.map((channel, i): JointRadio => ({
        apId: `ap-${i}`,
        current: on(channel),
        neighbours: [...neighbours[i]].map((j) => `ap-${j}`),
        candidates: POOL.map((c, k) => scored(c, { compatibility: support[i][k] / 100 })),
      }));
    });

  it('leaves every radio where it is: better channel scores alone move none, alone or in a ring', () => {
    fc.assert(
      fc.property(settled, (radios) => {
        const plan = planJointly(radios, OPTS);
        expect(plan.coChannelPairs).toEqual({ before: 0, after: 0 });
        expect(plan.moves).toEqual([]);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});

/** The radio's share of airtime taken by non-Wi-Fi energy on `ch`, if its scan measured all of `ch`. */
function measuredInterference(r: JointRadio, ch: BondedChannel): number | undefined {
  const score = r.candidates.find((c) => c.channel === ch.channel && c.width === ch.width);
  return score && !score.unobserved ? Math.round((1 - score.interference) * 100) / 100 : undefined;
}

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
  const plan = (data: Omit<JointReplanMoveData, 'burst'>, closed: number[] = []) =>
    PLANNERS.JOINT_REPLAN.plan(
      context({
        event: event('JOINT_REPLAN', { burst, ...data }, { apId: 'ap-1' }),
        ap: ap('ap-1', { '5g': { channel: 149, width: 80 } }),
        closed,
      }),
    );

  it('moves the radio to the planned channel, saying which burst it answers (a move recorded before gains)', () => {
    expect(plan({ channel: 36, width: 80 })).toMatchObject({
      kind: 'change',
      actionType: 'CHANNEL_CHANGE',
      explanation:
        'joint re-plan of burst b1 (3 radios, co-channel neighbour pairs 3 → 0): 149/80 → 36/80 MHz',
    });
  });

  it('says what the move gains its radio', () => {
    expect(
      plan({ channel: 36, width: 80, gain: { kind: 'co-channel-pairs', before: 2, after: 0 } }),
    ).toMatchObject({
      explanation:
        'joint re-plan of burst b1 (3 radios, co-channel neighbour pairs 3 → 0): 149/80 → 36/80 MHz, ' +
        'for co-channel neighbour pairs 2 → 0',
    });
    expect(
      plan({
        channel: 36,
        width: 80,
        gain: { kind: 'interference', before: 0.58, after: 0.19, margin: 0.2 },
      }),
    ).toMatchObject({
      explanation:
        'joint re-plan of burst b1 (3 radios, co-channel neighbour pairs 3 → 0): 149/80 → 36/80 MHz, ' +
        'for non-Wi-Fi interference 58 % → 19 % of airtime (margin 20 points)',
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
