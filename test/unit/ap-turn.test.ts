import fc from 'fast-check';

import {
  closeChannels,
  closedChannelsOf,
  enqueue,
  grant,
  initialTurnState,
  isIdle,
  markPreempted,
  nextDeadline,
  nextToGrant,
  preemptor,
  release,
  reopenExpired,
  takeDropped,
  withdraw,
  type ApTurnState,
  type TurnRequest,
} from '../../domain/ap-turn';
import { SEVERITIES, type EventType, type Severity } from '../../domain/events';
import { byPriority, outranks } from '../../domain/priority';

const COOLDOWN = 10_000;
const NOP = 30 * 60_000;
const T0 = '2025-03-01T12:00:00.000Z';
const at = (s: number): string => new Date(Date.parse(T0) + s * 1000).toISOString();

/** An event type of each default severity (DESIGN.md §4). */
const TYPE_OF: Record<Severity, EventType> = {
  CRITICAL: 'DFS_RADAR',
  HIGH: 'NON_WIFI_BURST',
  MEDIUM: 'QOE_DEGRADATION',
  LOW: 'LOAD_IMBALANCE',
};

const req = (eventId: string, severity: Severity, o: Partial<TurnRequest> = {}): TurnRequest => ({
  eventId,
  type: TYPE_OF[severity],
  radio: '5g',
  severity,
  detectedAt: T0,
  bypassesCooldown: severity === 'CRITICAL',
  ...o,
});

const fresh = (): ApTurnState => initialTurnState('ap-1', COOLDOWN);
const ids = (s: ApTurnState): string[] => s.queue.map((r) => r.eventId);

describe('initialTurnState', () => {
  it('starts free, empty, without cooldown or closed channels', () => {
    const s = fresh();
    expect(s).toEqual({
      apId: 'ap-1',
      queue: [],
      holder: null,
      cooldownUntil: 0,
      cooldownMs: COOLDOWN,
      maxQueue: Infinity,
      closedChannels: [],
      arrivals: 0,
      dropped: [],
    });
    expect(isIdle(s)).toBe(true);
    expect(nextToGrant(s, 0)).toBeUndefined();
    expect(nextDeadline(s, 0)).toBeUndefined();
  });
});

describe('enqueue', () => {
  it('keeps the queue in priority order: severity, then detectedAt, then arrival', () => {
    let s = fresh();
    s = enqueue(s, req('low', 'LOW'));
    s = enqueue(s, req('med-late', 'MEDIUM', { detectedAt: at(5) }));
    s = enqueue(s, req('med-early', 'MEDIUM', { detectedAt: at(1) }));
    s = enqueue(s, req('high-a', 'HIGH', { detectedAt: at(2) }));
    s = enqueue(s, req('high-b', 'HIGH', { detectedAt: at(2) }));
    s = enqueue(s, req('crit', 'CRITICAL', { detectedAt: at(9) }));
    expect(ids(s)).toEqual(['crit', 'high-a', 'high-b', 'med-early', 'med-late', 'low']);
    expect(s.queue.map((r) => r.arrival)).toEqual([5, 3, 4, 2, 1, 0]);
    expect(s.arrivals).toBe(6);
  });

  it('ignores a retried request that is already queued', () => {
    const s1 = enqueue(fresh(), req('e1', 'HIGH'));
    const s2 = enqueue(s1, req('e1', 'HIGH'));
    expect(s2).toBe(s1);
    expect(s2.queue).toHaveLength(1);
    expect(s2.arrivals).toBe(1);
  });

  it('ignores a retried request from the current holder', () => {
    const held = grant(enqueue(fresh(), req('e1', 'HIGH')), 'e1', 1_000);
    const again = enqueue(held, req('e1', 'HIGH'));
    expect(again).toBe(held);
    expect(again.queue).toEqual([]);
    expect(again.holder?.eventId).toBe('e1');
  });

  it('does not mutate the previous state', () => {
    const s1 = enqueue(fresh(), req('a', 'LOW'));
    const snapshot = JSON.stringify(s1);
    enqueue(s1, req('b', 'CRITICAL'));
    expect(JSON.stringify(s1)).toBe(snapshot);
  });
});

describe('bounded queue', () => {
  const bounded = (maxQueue: number): ApTurnState => initialTurnState('ap-1', COOLDOWN, maxQueue);
  const droppedIds = (s: ApTurnState): string[] => s.dropped.map((r) => r.eventId);

  it('takes the bound from initialTurnState', () => {
    expect(bounded(3).maxQueue).toBe(3);
    expect(bounded(3).dropped).toEqual([]);
  });

  it('drops the lowest request in priority order when the queue overflows', () => {
    let s = bounded(3);
    s = enqueue(s, req('high', 'HIGH'));
    s = enqueue(s, req('med', 'MEDIUM', { detectedAt: at(5) }));
    s = enqueue(s, req('low', 'LOW'));
    expect(droppedIds(s)).toEqual([]);
    // A newcomer of higher severity pushes out the LOW one.
    s = enqueue(s, req('crit', 'CRITICAL'));
    expect(ids(s)).toEqual(['crit', 'high', 'med']);
    expect(droppedIds(s)).toEqual(['low']);
    // Same severity: the later detectedAt goes.
    s = enqueue(s, req('med-early', 'MEDIUM', { detectedAt: at(1) }));
    expect(ids(s)).toEqual(['crit', 'high', 'med-early']);
    expect(droppedIds(s)).toEqual(['low', 'med']);
    // A newcomer that ranks lowest is dropped itself.
    s = enqueue(s, req('low-2', 'LOW'));
    expect(ids(s)).toEqual(['crit', 'high', 'med-early']);
    expect(droppedIds(s)).toEqual(['low', 'med', 'low-2']);
    expect(s.arrivals).toBe(6);
  });

  it('on a full tie drops the later arrival', () => {
    let s = enqueue(enqueue(bounded(2), req('a', 'HIGH')), req('b', 'HIGH'));
    s = enqueue(s, req('c', 'HIGH'));
    expect(ids(s)).toEqual(['a', 'b']);
    expect(droppedIds(s)).toEqual(['c']);
  });

  it('keeps the whole request in the outbox, so its event can be told', () => {
    let s = enqueue(bounded(1), req('a', 'CRITICAL', { channel: 52 }));
    s = enqueue(s, req('b', 'HIGH', { channel: 44, detectedAt: at(3) }));
    expect(s.dropped).toEqual([{ ...req('b', 'HIGH', { channel: 44, detectedAt: at(3) }), arrival: 1 }]);
  });

  it('does not count the holder as waiting', () => {
    let s = grant(enqueue(bounded(1), req('a', 'HIGH')), 'a', 0);
    s = enqueue(s, req('b', 'LOW'));
    expect(ids(s)).toEqual(['b']);
    expect(droppedIds(s)).toEqual([]);
    s = enqueue(s, req('c', 'MEDIUM'));
    expect(ids(s)).toEqual(['c']);
    expect(droppedIds(s)).toEqual(['b']);
    expect(s.holder?.eventId).toBe('a');
  });

  it('takeDropped empties the outbox and returns what was in it, in drop order', () => {
    let s = enqueue(bounded(1), req('a', 'CRITICAL'));
    s = enqueue(s, req('b', 'LOW'));
    s = enqueue(s, req('c', 'MEDIUM'));
    const taken = takeDropped(s);
    expect(taken.dropped.map((r) => r.eventId)).toEqual(['b', 'c']);
    expect(taken.state.dropped).toEqual([]);
    expect({ ...taken.state, dropped: s.dropped }).toEqual(s);
    // Nothing left to take the second time.
    const again = takeDropped(taken.state);
    expect(again.dropped).toEqual([]);
    expect(again.state).toBe(taken.state);
    // Later drops start a fresh outbox.
    const later = enqueue(taken.state, req('d', 'LOW'));
    expect(droppedIds(later)).toEqual(['d']);
  });

  it('does not duplicate a retried request that is queued or holding, even when full', () => {
    const full = enqueue(enqueue(bounded(2), req('a', 'HIGH')), req('b', 'LOW'));
    expect(enqueue(full, req('b', 'LOW'))).toBe(full);
    expect(enqueue(full, req('a', 'HIGH'))).toBe(full);
    const held = grant(full, 'a', 0);
    expect(enqueue(held, req('a', 'HIGH'))).toBe(held);
  });

  it('does not duplicate a retried request that is already in the dropped outbox', () => {
    const s = enqueue(enqueue(bounded(1), req('a', 'HIGH')), req('b', 'LOW'));
    expect(droppedIds(s)).toEqual(['b']);
    expect(enqueue(s, req('b', 'LOW'))).toBe(s);
  });

  it('property: never more than maxQueue waiting, every request in exactly one place, the dropped rank lowest', () => {
    const arrivals = fc.array(
      fc.record({
        severity: fc.constantFrom(...SEVERITIES),
        detectedAt: fc.integer({ min: 0, max: 3 }),
        grant: fc.boolean(),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), arrivals, (maxQueue, requests) => {
        let s = bounded(maxQueue);
        const seen: string[] = [];
        requests.forEach((r, i) => {
          const id = `e${i}`;
          seen.push(id);
          const before = s;
          s = enqueue(s, req(id, r.severity, { detectedAt: at(r.detectedAt) }));
          expect(s.queue.length).toBeLessThanOrEqual(maxQueue);
          const newlyDropped = s.dropped.slice(before.dropped.length);
          expect(newlyDropped.length).toBe(before.queue.length === maxQueue ? 1 : 0);
          for (const d of newlyDropped) for (const q of s.queue) expect(byPriority(q, d)).toBeLessThan(0);
          if (r.grant) {
            const next = nextToGrant(s, Number.MAX_SAFE_INTEGER);
            if (next) s = grant(s, next.eventId, 0);
          }
          const places = [
            ...ids(s),
            ...s.dropped.map((d) => d.eventId),
            ...(s.holder ? [s.holder.eventId] : []),
          ];
          expect(places.sort()).toEqual([...seen].sort());
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('nextToGrant and grant', () => {
  it('grants nothing while the AP is held', () => {
    let s = enqueue(enqueue(fresh(), req('a', 'HIGH')), req('b', 'CRITICAL'));
    s = grant(s, 'a', 1_000);
    expect(nextToGrant(s, 2_000)).toBeUndefined();
  });

  it('offers the highest-priority request when the AP is free and out of cooldown', () => {
    const s = enqueue(
      enqueue(enqueue(fresh(), req('low', 'LOW')), req('med', 'MEDIUM')),
      req('high', 'HIGH'),
    );
    expect(nextToGrant(s, 0)?.eventId).toBe('high');
  });

  it('moves the request from the queue to the holder with grantedAt', () => {
    const s = grant(enqueue(enqueue(fresh(), req('a', 'HIGH')), req('b', 'LOW')), 'a', 1_234);
    expect(s.holder).toMatchObject({ eventId: 'a', severity: 'HIGH', grantedAt: 1_234, arrival: 0 });
    expect(s.holder?.preemptedBy).toBeUndefined();
    expect(ids(s)).toEqual(['b']);
  });

  it('refuses a second grant while held, and a grant for an unknown request', () => {
    const s = grant(enqueue(enqueue(fresh(), req('a', 'HIGH')), req('b', 'LOW')), 'a', 1_000);
    expect(grant(s, 'b', 2_000)).toBe(s);
    const free = enqueue(fresh(), req('a', 'HIGH'));
    expect(grant(free, 'nope', 1_000)).toBe(free);
  });

  it('respects the cooldown for cooldown-bound requests', () => {
    let s = grant(enqueue(fresh(), req('a', 'HIGH')), 'a', 0);
    s = release(s, 'a', 5_000);
    expect(s.cooldownUntil).toBe(15_000);
    s = enqueue(s, req('b', 'HIGH'));
    expect(nextToGrant(s, 14_999)).toBeUndefined();
    expect(nextToGrant(s, 15_000)?.eventId).toBe('b');
  });

  it('lets a request that bypasses the cooldown through during the cooldown', () => {
    let s = grant(enqueue(fresh(), req('a', 'HIGH')), 'a', 0);
    s = release(s, 'a', 5_000);
    s = enqueue(s, req('hw', 'CRITICAL', { bypassesCooldown: true }));
    expect(nextToGrant(s, 6_000)?.eventId).toBe('hw');
  });

  it('during the cooldown skips bound requests and offers the first eligible one in priority order', () => {
    let s = grant(enqueue(fresh(), req('x', 'HIGH')), 'x', 0);
    s = release(s, 'x', 1_000);
    s = enqueue(s, req('bound-high', 'HIGH'));
    s = enqueue(s, req('bypass-low', 'LOW', { bypassesCooldown: true }));
    s = enqueue(s, req('bypass-med', 'MEDIUM', { bypassesCooldown: true }));
    expect(nextToGrant(s, 2_000)?.eventId).toBe('bypass-med');
    expect(nextToGrant(s, 11_000)?.eventId).toBe('bound-high');
  });
});

describe('release', () => {
  it('frees the AP and runs the cooldown from the last change, not from the release', () => {
    let s = grant(enqueue(fresh(), req('a', 'HIGH')), 'a', 0);
    s = release(s, 'a', 3_000);
    expect(s.holder).toBeNull();
    expect(s.cooldownUntil).toBe(3_000 + COOLDOWN);
  });

  it('leaves the cooldown alone when the holder changed nothing', () => {
    let s = grant(enqueue(fresh(), req('a', 'HIGH')), 'a', 0);
    s = release(s, 'a', null);
    expect(s.holder).toBeNull();
    expect(s.cooldownUntil).toBe(0);
  });

  it('never shortens a running cooldown', () => {
    let s = grant(enqueue(fresh(), req('a', 'HIGH')), 'a', 0);
    s = release(s, 'a', 50_000);
    s = grant(enqueue(s, req('b', 'CRITICAL')), 'b', 51_000);
    s = release(s, 'b', 20_000);
    expect(s.cooldownUntil).toBe(60_000);
  });

  it('by a non-holder changes no cooldown and keeps the holder', () => {
    let s = enqueue(enqueue(fresh(), req('a', 'HIGH')), req('b', 'LOW'));
    s = grant(s, 'a', 0);
    const r = release(s, 'b', 99_000);
    expect(r.cooldownUntil).toBe(0);
    expect(r.holder?.eventId).toBe('a');
    // The non-holder's own queued request is dropped.
    expect(ids(r)).toEqual([]);
    const r2 = release(s, 'ghost', 99_000);
    expect(r2.cooldownUntil).toBe(0);
    expect(r2.holder?.eventId).toBe('a');
    expect(ids(r2)).toEqual(['b']);
  });
});

describe('withdraw', () => {
  it('drops a queued request or the holder without touching the cooldown', () => {
    let s = enqueue(enqueue(fresh(), req('a', 'HIGH')), req('b', 'LOW'));
    s = grant(s, 'a', 0);
    expect(ids(withdraw(s, 'b'))).toEqual([]);
    const w = withdraw(s, 'a');
    expect(w.holder).toBeNull();
    expect(w.cooldownUntil).toBe(0);
    expect(ids(w)).toEqual(['b']);
  });
});

describe('preemption', () => {
  const holding = (holder: Severity): ApTurnState => grant(enqueue(fresh(), req('h', holder)), 'h', 0);

  it('names a waiting event of strictly higher severity', () => {
    const s = enqueue(holding('MEDIUM'), req('c', 'CRITICAL'));
    expect(preemptor(s)?.eventId).toBe('c');
  });

  it('does not preempt for an equal or lower severity', () => {
    expect(preemptor(enqueue(holding('HIGH'), req('h2', 'HIGH')))).toBeUndefined();
    expect(preemptor(enqueue(holding('HIGH'), req('m', 'MEDIUM')))).toBeUndefined();
    expect(preemptor(enqueue(holding('CRITICAL'), req('c2', 'CRITICAL')))).toBeUndefined();
  });

  it('has no preemptor without a holder', () => {
    expect(preemptor(enqueue(fresh(), req('c', 'CRITICAL')))).toBeUndefined();
  });

  it('names the highest-priority waiter', () => {
    let s = enqueue(holding('LOW'), req('m', 'MEDIUM'));
    s = enqueue(s, req('c', 'CRITICAL'));
    s = enqueue(s, req('h', 'HIGH'));
    expect(preemptor(s)?.eventId).toBe('c');
  });

  it('asks the holder to yield only once', () => {
    let s = enqueue(holding('LOW'), req('m', 'MEDIUM'));
    s = markPreempted(s, 'm');
    expect(s.holder?.preemptedBy).toBe('m');
    expect(preemptor(s)).toBeUndefined();
    s = enqueue(s, req('c', 'CRITICAL'));
    expect(preemptor(s)).toBeUndefined();
  });

  it('asks a new holder again', () => {
    let s = enqueue(holding('LOW'), req('m', 'MEDIUM'));
    s = markPreempted(s, 'm');
    s = release(s, 'h', 1_000);
    s = grant(s, 'm', 1_000);
    expect(s.holder?.preemptedBy).toBeUndefined();
    s = enqueue(s, req('c', 'CRITICAL'));
    expect(preemptor(s)?.eventId).toBe('c');
  });

  it('markPreempted without a holder changes nothing', () => {
    const s = enqueue(fresh(), req('a', 'LOW'));
    expect(markPreempted(s, 'x')).toBe(s);
  });
});

describe('closed channels', () => {
  it('closes channels per radio, until the given time, and lists them per radio', () => {
    let s = closeChannels(fresh(), '5g', [52, 56, 60, 64], NOP, 'radar-1');
    s = closeChannels(s, '6g', [37], NOP, 'other');
    expect(closedChannelsOf(s, '5g')).toEqual([52, 56, 60, 64]);
    expect(closedChannelsOf(s, '6g')).toEqual([37]);
    expect(closedChannelsOf(s, '2g')).toEqual([]);
    expect(s.closedChannels.find((c) => c.channel === 52)).toEqual({
      radio: '5g',
      channel: 52,
      until: NOP,
      closedBy: 'radar-1',
    });
    expect(isIdle(s)).toBe(false);
  });

  it('extends an existing closure', () => {
    let s = closeChannels(fresh(), '5g', [52, 56], 1_000, 'r1');
    s = closeChannels(s, '5g', [56, 60], 5_000, 'r2');
    expect(closedChannelsOf(s, '5g')).toEqual([52, 56, 60]);
    const until = Object.fromEntries(s.closedChannels.map((c) => [c.channel, c.until]));
    expect(until).toEqual({ 52: 1_000, 56: 5_000, 60: 5_000 });
  });

  it('never shortens an existing closure', () => {
    let s = closeChannels(fresh(), '5g', [100, 104], 9_000, 'r1');
    s = closeChannels(s, '5g', [104, 108], 2_000, 'r2');
    const byCh = Object.fromEntries(s.closedChannels.map((c) => [c.channel, c]));
    expect(byCh[100].until).toBe(9_000);
    expect(byCh[104]).toEqual({ radio: '5g', channel: 104, until: 9_000, closedBy: 'r1' });
    expect(byCh[108].until).toBe(2_000);
    expect(s.closedChannels).toHaveLength(3);
  });

  it('keeps closures of the same channel number on different radios apart', () => {
    let s = closeChannels(fresh(), '6g', [53], 9_000, 'a');
    s = closeChannels(s, '5g', [52], 1_000, 'b');
    expect(closedChannelsOf(s, '6g')).toEqual([53]);
    expect(s.closedChannels.find((c) => c.radio === '6g')?.until).toBe(9_000);
  });

  it('reopens channels whose Non-Occupancy Period is over, and only those', () => {
    let s = closeChannels(fresh(), '5g', [52, 56], 1_000, 'r1');
    s = closeChannels(s, '5g', [100], 5_000, 'r2');
    expect(reopenExpired(s, 999)).toBe(s);
    const r = reopenExpired(s, 1_000);
    expect(closedChannelsOf(r, '5g')).toEqual([100]);
    expect(isIdle(reopenExpired(s, 5_000))).toBe(true);
  });
});

describe('isIdle', () => {
  it('is false while anything waits or holds', () => {
    const queued = enqueue(fresh(), req('a', 'LOW'));
    expect(isIdle(queued)).toBe(false);
    const held = grant(queued, 'a', 0);
    expect(isIdle(held)).toBe(false);
    expect(isIdle(release(held, 'a', 0))).toBe(true);
  });
});

describe('nextDeadline', () => {
  it('is the cooldown end when a request waits on it', () => {
    let s = grant(enqueue(fresh(), req('a', 'HIGH')), 'a', 0);
    s = enqueue(release(s, 'a', 2_000), req('b', 'HIGH'));
    expect(nextDeadline(s, 3_000)).toBe(12_000);
    expect(nextDeadline(s, 12_000)).toBeUndefined();
  });

  it('ignores the cooldown when nothing waits or the AP is held', () => {
    let s = grant(enqueue(fresh(), req('a', 'HIGH')), 'a', 0);
    s = release(s, 'a', 2_000);
    expect(nextDeadline(s, 3_000)).toBeUndefined();
    s = grant(enqueue(enqueue(s, req('b', 'CRITICAL')), req('c', 'LOW')), 'b', 3_000);
    expect(nextDeadline(s, 3_000)).toBeUndefined();
  });

  it('is the earliest of the channel reopenings and the cooldown end', () => {
    let s = closeChannels(fresh(), '5g', [52], 50_000, 'r');
    s = closeChannels(s, '5g', [100], 20_000, 'r');
    expect(nextDeadline(s, 0)).toBe(20_000);
    s = grant(enqueue(s, req('a', 'HIGH')), 'a', 0);
    s = enqueue(release(s, 'a', 1_000), req('b', 'LOW'));
    expect(nextDeadline(s, 1_000)).toBe(11_000);
  });
});

describe('turn state machine: properties', () => {
  type Op =
    | { kind: 'enqueue'; id: number; severity: Severity; detectedAt: number; bypass: boolean }
    | { kind: 'grantNext' }
    | { kind: 'grantAny'; id: number }
    | { kind: 'release'; id: number; changed: boolean }
    | { kind: 'withdraw'; id: number }
    | { kind: 'tick'; ms: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('enqueue' as const),
      id: fc.integer({ min: 0, max: 7 }),
      severity: fc.constantFrom(...SEVERITIES),
      detectedAt: fc.integer({ min: 0, max: 4 }),
      bypass: fc.boolean(),
    }),
    fc.constant({ kind: 'grantNext' as const }),
    fc.record({ kind: fc.constant('grantAny' as const), id: fc.integer({ min: 0, max: 7 }) }),
    fc.record({
      kind: fc.constant('release' as const),
      id: fc.integer({ min: 0, max: 7 }),
      changed: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('withdraw' as const), id: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 15_000 }) }),
  );

  it('keeps one holder at most, never an event both queued and holding, and grants the best eligible request', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let s = fresh();
        let now = 0;
        for (const o of ops) {
          switch (o.kind) {
            case 'enqueue':
              s = enqueue(
                s,
                req(`e${o.id}`, o.severity, { detectedAt: at(o.detectedAt), bypassesCooldown: o.bypass }),
              );
              break;
            case 'grantNext': {
              const next = nextToGrant(s, now);
              if (s.holder) {
                expect(next).toBeUndefined();
                break;
              }
              const eligible = s.queue.filter((q) => q.bypassesCooldown || now >= s.cooldownUntil);
              if (eligible.length === 0) {
                expect(next).toBeUndefined();
                break;
              }
              const best = [...eligible].sort(byPriority)[0];
              expect(next?.eventId).toBe(best.eventId);
              // Nothing eligible ranks above the granted one.
              for (const q of eligible) expect(byPriority(q, best)).toBeGreaterThanOrEqual(0);
              const before = s.queue.length;
              s = grant(s, best.eventId, now);
              expect(s.holder?.eventId).toBe(best.eventId);
              expect(s.holder?.grantedAt).toBe(now);
              expect(s.queue).toHaveLength(before - 1);
              break;
            }
            case 'grantAny': {
              const prev = s;
              s = grant(s, `e${o.id}`, now);
              if (prev.holder) expect(s).toBe(prev);
              break;
            }
            case 'release': {
              const prevCooldown = s.cooldownUntil;
              const wasHolder = s.holder?.eventId === `e${o.id}`;
              s = release(s, `e${o.id}`, o.changed ? now : null);
              if (wasHolder && o.changed)
                expect(s.cooldownUntil).toBe(Math.max(prevCooldown, now + COOLDOWN));
              else expect(s.cooldownUntil).toBe(prevCooldown);
              break;
            }
            case 'withdraw':
              s = withdraw(s, `e${o.id}`);
              break;
            case 'tick':
              now += o.ms;
              break;
          }
          // Invariants after every step.
          const queued = ids(s);
          expect(new Set(queued).size).toBe(queued.length);
          if (s.holder) expect(queued).not.toContain(s.holder.eventId);
          const sorted = [...s.queue].sort(byPriority);
          expect(ids({ ...s, queue: sorted })).toEqual(queued);
          if (s.holder && s.queue[0] && !s.holder.preemptedBy) {
            expect(preemptor(s)?.eventId).toBe(
              outranks(s.queue[0].severity, s.holder.severity) ? s.queue[0].eventId : undefined,
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
