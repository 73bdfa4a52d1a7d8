// Property: over random sequences of radar, interference, QoE collapses and rollbacks on a floor of
// five APs in a row (each the RF neighbour of the next), with time passing:
// - no plan ever puts a radio on a channel (or a bonded sub-channel) inside a Non-Occupancy Period of
//   its own detection or of a neighbour's;
// - the CAC a plan (or a rollback) counts is exactly the outage the radio then has, so the loop, which
//   starts a move's monitor window when its CAC ends (domain/rollback-rules.ts, monitorWindowEnd),
//   never samples a radio in CAC as serving;
// - a radar move leaves the radio transmitting at once (no CAC): the Channel Move Time ends with it.
// The decisions are the loop's own pure functions: the planners, the coordinators' closures
// (domain/radio-turns.ts) and the DFS rules (domain/dfs.ts); the radios' DFS states are the simulator's.
import fc from 'fast-check';
import type { ControllerStep } from '../../domain/controller-steps';
import {
  closedChannelsFor,
  isDfsChannel,
  radarClosedChannels,
  rollbackCac,
  rollbackForbidden,
} from '../../domain/dfs';
import { PLANNERS, type ActionPlan } from '../../domain/plans';
import { radioOf, type RadioState } from '../../domain/radio';
import * as turns from '../../domain/radio-turns';
import { bondedSubchannels, channelsOfBand } from '../../domain/regulatory';
import { DfsStates } from '../../simulator/dfs-states';
import { ap, context, event, obs } from './plan-fixtures';

const APS = ['ap-1', 'ap-2', 'ap-3', 'ap-4', 'ap-5'];
const neighboursOf = (i: number) => APS.filter((_, j) => Math.abs(i - j) === 1);
const START: Pick<RadioState, 'channel' | 'width'>[] = [
  { channel: 52, width: 80 },
  { channel: 100, width: 40 },
  { channel: 36, width: 40 },
  { channel: 116, width: 20 },
  { channel: 149, width: 80 },
];

type Step =
  | { kind: 'radar'; ap: number; sub: number }
  /** `jammed`: every non-DFS channel busy too, so the move must choose among DFS channels. */
  | { kind: 'interference'; ap: number; jammed: boolean }
  /** A QoE collapse with `poor` of ten clients poor: most poor moves the channel, a few steer. */
  | { kind: 'qoe'; ap: number; poor: number; jammed: boolean }
  | { kind: 'rollback'; ap: number }
  | { kind: 'time'; minutes: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('radar' as const), ap: fc.nat(4), sub: fc.nat(3) }),
  fc.record({ kind: fc.constant('interference' as const), ap: fc.nat(4), jammed: fc.boolean() }),
  fc.record({ kind: fc.constant('qoe' as const), ap: fc.nat(4), poor: fc.nat(10), jammed: fc.boolean() }),
  fc.record({ kind: fc.constant('rollback' as const), ap: fc.nat(4) }),
  fc.record({ kind: fc.constant('time' as const), minutes: fc.integer({ min: 1, max: 40 }) }),
);

function floor() {
  let now = Date.parse('2026-03-01T12:00:00Z');
  const dfs = new DfsStates('US', () => now);
  const radios = START.map((r) => ({ ...r }));
  const coordinators = APS.map((apId) =>
    turns.initialTurnState(apId, { cooldownMs: 0, maxQueue: 16, leaseMs: 30_000 }),
  );
  const lastChange: (ControllerStep[] | undefined)[] = APS.map(() => undefined);
  let moves = 0;
  let cacs = 0;
  const subs = (i: number) => bondedSubchannels('5g', radios[i].channel, radios[i].width, 'US');
  APS.forEach((apId, i) => dfs.serving(`${apId}/5g`, subs(i)));
  const closed = (i: number) => closedChannelsFor(coordinators[i].closedChannels, '5g');
  const snapshot = (i: number) => ap(APS[i], { '5g': radios[i] }, { neighbors: neighboursOf(i) });
  /** The radio's scan: its own channel noisy, each DFS channel with the radio's state. */
  const scan = (i: number, jammed = false) => {
    const states = new Map(dfs.view(`${APS[i]}/5g`).channels.map((c) => [c.channel, c.state]));
    const busy = (c: number) => subs(i).includes(c) || (jammed && !isDfsChannel('5g', c, 'US'));
    return channelsOfBand('5g', 'US').map((c) =>
      obs(c, { nonWifiDutyCyclePct: busy(c) ? 80 : 0, dfsState: states.get(c) }),
    );
  };
  /** The radio's outage from now: the CAC the simulator runs on it, 0 when it transmits. */
  const outage = (i: number) => {
    const { cacUntil } = dfs.view(`${APS[i]}/5g`);
    return cacUntil ? Date.parse(cacUntil) - now : 0;
  };
  /** Applies a move, the moment the property is about: never onto a channel closed for this radio. */
  const apply = (i: number, steps: ControllerStep[], plannedCacMs: number) => {
    for (const s of steps) {
      if (s.kind !== 'radio' || s.apId !== APS[i] || s.radio !== '5g') continue;
      radios[i] = {
        channel: s.target.channel ?? radios[i].channel,
        width: s.target.width ?? radios[i].width,
      };
      const onClosed = subs(i).filter((c) => closed(i).includes(c));
      expect({ ap: APS[i], movedOnto: radios[i], onClosed }).toEqual({
        ap: APS[i],
        movedOnto: radios[i],
        onClosed: [],
      });
      dfs.moveOnto(`${APS[i]}/5g`, subs(i));
      expect({ ap: APS[i], movedOnto: radios[i], cacMs: outage(i) }).toEqual({
        ap: APS[i],
        movedOnto: radios[i],
        cacMs: plannedCacMs,
      });
      moves++;
      if (plannedCacMs > 0) cacs++;
    }
  };
  /** A channel plan for ap `i`, applied when it changes something. */
  const act = (i: number, plan: ActionPlan) => {
    if (plan.kind !== 'change') return;
    apply(i, plan.steps, plan.cacMs ?? 0);
    if (plan.steps.some((s) => s.kind === 'radio')) lastChange[i] = plan.steps;
  };

  return {
    moves: () => moves,
    cacs: () => cacs,
    /** Radar heard by ap `i` on the `sub`-th sub-channel of its channel (if DFS): closure, shared, then the move. */
    radar(i: number, sub: number) {
      const channel = subs(i)[sub % subs(i).length];
      if (!isDfsChannel('5g', channel, 'US')) return;
      const closing = radarClosedChannels(channel, radioOf(snapshot(i), '5g')!);
      const until = now + 30 * 60_000;
      coordinators[i] = turns.closeChannels(coordinators[i], '5g', closing, until, `radar-${i}`);
      for (const n of neighboursOf(i)) {
        const j = APS.indexOf(n);
        coordinators[j] = turns.closeChannels(coordinators[j], '5g', closing, until, `radar-${i}`, APS[i]);
      }
      dfs.radar(`${APS[i]}/5g`, channel, subs(i));
      const plan = PLANNERS.DFS_RADAR.plan(
        context({
          event: event('DFS_RADAR', { channel }, { apId: APS[i] }),
          ap: snapshot(i),
          closed: closed(i),
          observations: scan(i),
        }),
      );
      act(i, plan);
      if (plan.kind === 'change')
        expect({ ap: APS[i], transmitting: outage(i) === 0 }).toEqual({ ap: APS[i], transmitting: true });
    },
    interference(i: number, jammed: boolean) {
      const plan = PLANNERS.NON_WIFI_BURST.plan(
        context({
          event: event('NON_WIFI_BURST', { channel: radios[i].channel }, { apId: APS[i], confidence: 0.9 }),
          ap: snapshot(i),
          closed: closed(i),
          observations: scan(i, jammed),
        }),
      );
      act(i, plan);
    },
    qoe(i: number, poor: number, jammed: boolean) {
      const clients = Array.from({ length: 10 }, (_, k) => ({
        clientId: `c-${k}`,
        qoe: k < poor ? 0.2 : 0.9,
      }));
      const plan = PLANNERS.QOE_DEGRADATION.plan(
        context({
          event: event('QOE_DEGRADATION', { clients }, { apId: APS[i], confidence: 0.9 }),
          ap: snapshot(i),
          closed: closed(i),
          observations: scan(i, jammed),
          clients: [],
        }),
      );
      act(i, plan);
    },
    rollback(i: number) {
      const steps = lastChange[i];
      if (!steps || rollbackForbidden(steps, closed(i), 'US')) return;
      const undo = steps.map((s) =>
        s.kind === 'radio' ? { ...s, target: s.from, from: { ...s.from, ...s.target } } : s,
      );
      const cac = rollbackCac(steps, APS[i], '5g', 'US', scan(i));
      apply(i, undo as ControllerStep[], cac?.cacMs ?? 0);
      lastChange[i] = undefined;
    },
    pass(minutes: number) {
      now += minutes * 60_000;
      coordinators.forEach((c, i) => (coordinators[i] = turns.expire(c, now)));
    },
  };
}

describe('DFS on a floor: radar, interference, rollbacks and time (property)', () => {
  it('never moves a radio onto a channel closed by its own or a neighbour’s radar detection, and counts every CAC', () => {
    let moves = 0;
    let cacs = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), (steps) => {
        const f = floor();
        for (const step of steps) {
          if (step.kind === 'time') f.pass(step.minutes);
          else if (step.kind === 'radar') f.radar(step.ap, step.sub);
          else if (step.kind === 'interference') f.interference(step.ap, step.jammed);
          else if (step.kind === 'qoe') f.qoe(step.ap, step.poor, step.jammed);
          else f.rollback(step.ap);
        }
        moves += f.moves();
        cacs += f.cacs();
      }),
      { numRuns: 300, seed: 20261130 },
    );
    // The sequences do move radios (radar, interference and QoE moves, rollbacks), some with a CAC.
    expect(moves).toBeGreaterThan(500);
    expect(cacs).toBeGreaterThan(50);
  });
});
