// Planning a burst's neighbourhood as one: radios that changed channels in the same seconds each
// chose blind to the others, and pile up on the same few channels. The joint plan is a colouring of
// the neighbour graph: each radio takes one of its candidate channels, the cost being its own channel
// score (interference, client compatibility, DFS/CAC; closed channels are never candidates) plus a
// cost for every pair of neighbours left on overlapping channels. Pure: called from workflow code. A
// greedy pass (most-connected radio first) then local improvement, and only the moves worth their
// disruption are kept: a move costs its radio's clients a channel switch, so each must name what it
// gains for its radio (fewer co-channel neighbour pairs, or less measured interference), not only a
// better channel score.
import { CHANNEL_SCORE_WEIGHTS, type CandidateScore } from './channel-selection';
import { bondedSubchannels, type ChannelWidth, type Radio, type RegulatoryDomain } from './regulatory';

export interface BondedChannel {
  channel: number;
  width: ChannelWidth;
}

/** One radio of the neighbourhood, as the plan sees it. */
export interface JointRadio {
  apId: string;
  /** Where it operates now. */
  current: BondedChannel;
  /** Its RF neighbours among the radios planned (others are ignored). */
  neighbours: string[];
  /** Every channel it may take, scored by its own scan (`candidateScores`); the current one included unless closed. */
  candidates: CandidateScore[];
}

export interface JointPlanOptions {
  radio: Radio;
  domain: RegulatoryDomain;
  /** The least fall of the plan's cost a move must bring to be made (a move costs its radio's clients a moment). */
  minImprovement: number;
  /**
   * The least fall of a radio's non-Wi-Fi interference, as a share of airtime (0..1), that is a gain
   * of its own: a move that leaves its radio's co-channel pairs as they were must bring this much.
   */
  minInterferenceGain: number;
  /**
   * Every move names its gain, and the plan never raises the co-channel pairs. False only to replay
   * the bursts a run planned before the rule (workflows/burst-replan/replan.ts).
   */
  namedGainsOnly: boolean;
}

/**
 * What a move gains for its radio, the other radios as planned: the co-channel neighbour pairs it
 * is in when it stays (`before`) and when it moves (`after`); or, its pairs no more than before, its
 * measured non-Wi-Fi interference as a share of airtime (0..1, the worst 20 MHz sub-channel of its
 * scan: 1 − the channel score's `interference` component), falling by at least `margin`.
 */
export type JointMoveGain =
  | { kind: 'co-channel-pairs'; before: number; after: number }
  | { kind: 'interference'; before: number; after: number; margin: number };

export interface JointMove {
  apId: string;
  from: BondedChannel;
  to: BondedChannel;
  /** How much the plan's cost falls with this move, the others as planned. */
  improvement: number;
  /** What it is made for; absent only when the plan was made without `namedGainsOnly` and it names none. */
  gain?: JointMoveGain;
}

export interface JointPlan {
  assignment: Record<string, BondedChannel>;
  moves: JointMove[];
  /** Neighbour pairs on overlapping channels, before and after the plan. */
  coChannelPairs: { before: number; after: number };
  cost: { before: number; after: number };
}

/**
 * What a pair of neighbours on overlapping channels costs: as much as each losing half of its
 * overlap component (a loud co-channel neighbour halves it), so a pair weighs more than the score
 * between a clean non-DFS channel and an unchecked DFS one.
 */
export const CO_CHANNEL_PAIR_COST = CHANNEL_SCORE_WEIGHTS.overlap;

/** Cost differences smaller than this are no improvement (float noise). */
const EPSILON = 1e-9;
/** Local improvement stops after this many passes over the radios, improving or not. */
const MAX_PASSES = 20;

export function planJointly(radios: JointRadio[], opts: JointPlanOptions): JointPlan {
  const graph = new NeighbourGraph(radios, opts);
  const current = Object.fromEntries(radios.map((r) => [r.apId, r.current]));
  const assignment: Record<string, BondedChannel> = {};
  // Greedy: the most connected radios choose first, each seeing its neighbours' choices so far.
  for (const r of [...radios].sort((a, b) => b.neighbours.length - a.neighbours.length || byId(a, b))) {
    assignment[r.apId] = graph.bestFor(r, assignment);
  }
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let improved = false;
    for (const r of radios) {
      const best = graph.bestFor(r, assignment);
      if (
        graph.localCost(r, best, assignment) <
        graph.localCost(r, assignment[r.apId], assignment) - EPSILON
      ) {
        assignment[r.apId] = best;
        improved = true;
      }
    }
    if (!improved) break;
  }
  // Moves not worth their disruption go back, the least worth first, recomputing after each, until
  // every one left lowers the plan's cost by the least improvement and names its gain. Moves may name
  // their gains from each other alone (two radios swapping channels each leave the pair the other
  // would make): such a group goes back as one.
  const unworthy = (r: JointRadio, improvement: number) =>
    improvement < opts.minImprovement - EPSILON || (opts.namedGainsOnly && !graph.gainOf(r, assignment));
  for (;;) {
    const moved = radios
      .filter((r) => !same(assignment[r.apId], r.current))
      .map((r) => ({ r, improvement: graph.improvementOf(r, assignment) }))
      .sort((a, b) => a.improvement - b.improvement || byId(a.r, b.r));
    const weakest = moved.find(({ r, improvement }) => unworthy(r, improvement));
    if (weakest) {
      assignment[weakest.r.apId] = weakest.r.current;
      continue;
    }
    // Then groups, the least worth first too.
    const byWorth = moved.map((m) => m.r);
    const idle = opts.namedGainsOnly && graph.withoutIdleGroup(byWorth, assignment);
    if (!idle) break;
    Object.assign(assignment, idle);
  }
  // Never worse than leaving everything where it is: by its own cost, nor in co-channel pairs (moves
  // each keeping its own pairs for less interference may together add some).
  const pairsIn = (a: Record<string, BondedChannel>) => graph.coChannelPairs(a).length;
  const before = { cost: graph.cost(current), pairs: pairsIn(current) };
  const after = { cost: graph.cost(assignment), pairs: pairsIn(assignment) };
  const kept = after.cost <= before.cost && (!opts.namedGainsOnly || after.pairs <= before.pairs);
  const plan = kept ? assignment : current;
  return {
    assignment: plan,
    moves: radios.filter((r) => !same(plan[r.apId], r.current)).map((r) => moveOf(r, plan, graph)),
    coChannelPairs: { before: before.pairs, after: kept ? after.pairs : before.pairs },
    cost: { before: before.cost, after: kept ? after.cost : before.cost },
  };
}

function moveOf(r: JointRadio, plan: Record<string, BondedChannel>, graph: NeighbourGraph): JointMove {
  const move = { apId: r.apId, from: r.current, to: plan[r.apId], improvement: graph.improvementOf(r, plan) };
  const gain = graph.gainOf(r, plan);
  return gain ? { ...move, gain } : move;
}

/** A move's gain in words: "co-channel neighbour pairs 2 → 0", "non-Wi-Fi interference 58 % → 19 % …". */
export function describeGain(gain: JointMoveGain): string {
  if (gain.kind === 'co-channel-pairs') return `co-channel neighbour pairs ${gain.before} → ${gain.after}`;
  const pct = (share: number) => `${Math.round(share * 100)} %`;
  return (
    `non-Wi-Fi interference ${pct(gain.before)} → ${pct(gain.after)} of airtime ` +
    `(margin ${Math.round(gain.margin * 100)} points)`
  );
}

/**
 * The RF neighbourhoods of a burst: the moved APs grouped by the controller's neighbour lists (two
 * moved APs are in one neighbourhood when a chain of neighbours links them), each sorted by id.
 */
export function neighbourhoods(moved: string[], neighboursOf: (apId: string) => string[]): string[][] {
  const inBurst = new Set(moved);
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const start of [...inBurst].sort()) {
    if (seen.has(start)) continue;
    const group: string[] = [];
    for (const queue = [start]; queue.length > 0;) {
      const apId = queue.pop()!;
      if (seen.has(apId)) continue;
      seen.add(apId);
      group.push(apId);
      queue.push(...neighboursOf(apId).filter((n) => inBurst.has(n) && !seen.has(n)));
    }
    groups.push(group.sort());
  }
  return groups;
}

/** Neighbour pairs (each once, ids in order) whose channels overlap under `assignment`. */
export function coChannelPairs(
  radios: Pick<JointRadio, 'apId' | 'neighbours'>[],
  assignment: Record<string, BondedChannel>,
  radio: Radio,
  domain: RegulatoryDomain,
): [string, string][] {
  const pairs: [string, string][] = [];
  const planned = new Set(radios.map((r) => r.apId));
  for (const r of radios) {
    for (const n of r.neighbours) {
      if (!planned.has(n) || n <= r.apId) continue;
      if (overlaps(assignment[r.apId], assignment[n], radio, domain)) pairs.push([r.apId, n]);
    }
  }
  return pairs;
}

export function overlaps(
  a: BondedChannel,
  b: BondedChannel,
  radio: Radio,
  domain: RegulatoryDomain,
): boolean {
  const subs = new Set(bondedSubchannels(radio, a.channel, a.width, domain));
  return bondedSubchannels(radio, b.channel, b.width, domain).some((c) => subs.has(c));
}

/** The radios, their candidates and neighbours, and the costs of assignments over them. */
class NeighbourGraph {
  private readonly byId: Map<string, JointRadio>;

  constructor(
    private readonly radios: JointRadio[],
    private readonly opts: JointPlanOptions,
  ) {
    this.byId = new Map(radios.map((r) => [r.apId, r]));
  }

  /** The radio's own cost on a channel: its score without the overlap part, which the pairs count. */
  ownCost(r: JointRadio, ch: BondedChannel): number {
    const score = r.candidates.find((c) => same(c, ch));
    // Staying where it is when that is no candidate (closed, say) is never chosen by the plan.
    if (!score) return same(ch, r.current) ? Number.POSITIVE_INFINITY : 1;
    return 1 - (score.total - CHANNEL_SCORE_WEIGHTS.overlap * score.overlap + CHANNEL_SCORE_WEIGHTS.overlap);
  }

  /** Own cost plus the pairs it makes with the neighbours already assigned. */
  localCost(r: JointRadio, ch: BondedChannel, assignment: Record<string, BondedChannel>): number {
    return this.ownCost(r, ch) + CO_CHANNEL_PAIR_COST * this.pairsOf(r, ch, assignment);
  }

  /** The co-channel pairs the radio on `ch` makes with the neighbours already assigned. */
  pairsOf(r: JointRadio, ch: BondedChannel, assignment: Record<string, BondedChannel>): number {
    return r.neighbours.filter((n) => {
      const theirs = assignment[n];
      return (
        theirs !== undefined && this.byId.has(n) && overlaps(ch, theirs, this.opts.radio, this.opts.domain)
      );
    }).length;
  }

  /**
   * The radio's measured non-Wi-Fi interference on `ch` as a share of airtime: none when `ch` is no
   * candidate or a sub-channel of it went unscanned (its neutral score is no measurement).
   */
  interferenceOn(r: JointRadio, ch: BondedChannel): number | undefined {
    const score = r.candidates.find((c) => same(c, ch));
    return score && !score.unobserved ? Math.round((1 - score.interference) * 1e4) / 1e4 : undefined;
  }

  /** The candidate of least local cost (ties: the lower channel). */
  bestFor(r: JointRadio, assignment: Record<string, BondedChannel>): BondedChannel {
    let best: BondedChannel = r.current;
    let bestCost = this.localCost(r, r.current, assignment);
    for (const c of [...r.candidates].sort((a, b) => a.channel - b.channel)) {
      const ch = { channel: c.channel, width: c.width };
      const cost = this.localCost(r, ch, assignment);
      if (cost < bestCost - EPSILON) [best, bestCost] = [ch, cost];
    }
    return best;
  }

  /** How much the total cost falls with the radio where `assignment` has it rather than where it is. */
  improvementOf(r: JointRadio, assignment: Record<string, BondedChannel>): number {
    const others = withoutRadio(r, assignment);
    return this.localCost(r, r.current, others) - this.localCost(r, assignment[r.apId], others);
  }

  /** What the radio gains where `assignment` has it rather than where it is (JointMoveGain), if anything. */
  gainOf(r: JointRadio, assignment: Record<string, BondedChannel>): JointMoveGain | undefined {
    const [to, others] = [assignment[r.apId], withoutRadio(r, assignment)];
    const [before, after] = [this.pairsOf(r, r.current, others), this.pairsOf(r, to, others)];
    if (after < before) return { kind: 'co-channel-pairs', before, after };
    const shed = this.interferenceShed(r, to);
    if (after > before || !shed) return undefined;
    return { kind: 'interference', ...shed, margin: this.opts.minInterferenceGain };
  }

  /** The radio's measured interference where it is and on `to`, when it falls there by the margin. */
  interferenceShed(r: JointRadio, to: BondedChannel): { before: number; after: number } | undefined {
    const [before, after] = [this.interferenceOn(r, r.current), this.interferenceOn(r, to)];
    if (before === undefined || after === undefined) return undefined;
    return before - after >= this.opts.minInterferenceGain - EPSILON ? { before, after } : undefined;
  }

  /**
   * `assignment` with the first group of `moves` that gains nothing undone, if there is one. A move's
   * group: the move, then every move that names no gain once those before it are undone, in turn.
   * It gains something when undoing it raises the co-channel pairs, or a radio of it sheds
   * interference by the margin.
   */
  withoutIdleGroup(
    moves: JointRadio[],
    assignment: Record<string, BondedChannel>,
  ): Record<string, BondedChannel> | undefined {
    const pairs = this.coChannelPairs(assignment).length;
    for (const move of moves) {
      const undone = { ...assignment };
      const group: JointRadio[] = [];
      for (const queue = [move]; queue.length > 0;) {
        const r = queue.pop()!;
        if (same(undone[r.apId], r.current)) continue;
        undone[r.apId] = r.current;
        group.push(r);
        // Only its neighbours' gains depend on where it is.
        for (const n of r.neighbours.flatMap((id) => this.byId.get(id) ?? [])) {
          if (!same(undone[n.apId], n.current) && !this.gainOf(n, undone)) queue.push(n);
        }
      }
      const gains =
        this.coChannelPairs(undone).length > pairs ||
        group.some((r) => this.interferenceShed(r, assignment[r.apId]));
      if (!gains) return undone;
    }
    return undefined;
  }

  cost(assignment: Record<string, BondedChannel>): number {
    const own = this.radios.reduce((sum, r) => sum + this.ownCost(r, assignment[r.apId]), 0);
    return own + CO_CHANNEL_PAIR_COST * this.coChannelPairs(assignment).length;
  }

  coChannelPairs(assignment: Record<string, BondedChannel>): [string, string][] {
    return coChannelPairs(this.radios, assignment, this.opts.radio, this.opts.domain);
  }
}

function withoutRadio(
  r: JointRadio,
  assignment: Record<string, BondedChannel>,
): Record<string, BondedChannel> {
  const others = { ...assignment };
  delete others[r.apId];
  return others;
}

const same = (a: BondedChannel, b: BondedChannel): boolean => a.channel === b.channel && a.width === b.width;
const byId = (a: { apId: string }, b: { apId: string }): number =>
  a.apId < b.apId ? -1 : a.apId > b.apId ? 1 : 0;
