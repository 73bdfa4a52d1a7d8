import fc from 'fast-check';

import { SEVERITIES, type EventType, type Severity } from '../../domain/event-types';
import { byPriority, outranks } from '../../domain/priority';
import {
  closeChannels,
  endWatch,
  expire,
  grantReady,
  initialTurnState,
  isIdle,
  leasesDue,
  nextDeadline,
  radarMoved,
  radiosHeldBy,
  reclaim,
  release,
  renewLease,
  request,
  takeAnswer,
  takeOutbox,
  viewOf,
  waitingFor,
  type ApTurnState,
  type QueuedRequest,
  type TurnNotice,
  type TurnParty,
  type TurnRequest,
  type TurnSettings,
  type WatchRequest,
} from '../../domain/radio-turns';
import { closedChannelsFor } from '../../domain/dfs';
import { RADIOS, type Radio } from '../../domain/regulatory';

const COOLDOWN = 10_000;
const LEASE = 30_000;
const SETTINGS: TurnSettings = { cooldownMs: COOLDOWN, maxQueue: 8, leaseMs: LEASE };
const T0 = '2025-03-01T12:00:00.000Z';
const at = (s: number): string => new Date(Date.parse(T0) + s * 1000).toISOString();

/** An event type of each default severity (docs/policy.md). */
const TYPE_OF: Record<Severity, EventType> = {
  CRITICAL: 'DFS_RADAR',
  HIGH: 'NON_WIFI_BURST',
  MEDIUM: 'QOE_DEGRADATION',
  LOW: 'LOAD_IMBALANCE',
};

/** A request; cooldown-bound unless told otherwise, so that the CRITICAL rules are seen on their own. */
const req = (
  eventId: string,
  severity: Severity,
  radios: Radio[] = ['5g'],
  o: Partial<TurnRequest> = {},
): TurnRequest => ({
  eventId,
  type: TYPE_OF[severity],
  radios,
  severity,
  detectedAt: T0,
  bypassesCooldown: false,
  ...o,
});

const partyOf = (r: TurnRequest): TurnParty => ({ eventId: r.eventId, type: r.type, severity: r.severity });

const fresh = (o: Partial<TurnSettings> = {}): ApTurnState => initialTurnState('ap-1', { ...SETTINGS, ...o });
const queued = (s: ApTurnState): string[] => s.queue.map((q) => q.eventId);
const holders = (s: ApTurnState): Record<Radio, string | null> => ({
  '2g': s.radios['2g'].holder?.eventId ?? null,
  '5g': s.radios['5g'].holder?.eventId ?? null,
  '6g': s.radios['6g'].holder?.eventId ?? null,
});
const queuedRequest = (s: ApTurnState, eventId: string): QueuedRequest => {
  const q = s.queue.find((r) => r.eventId === eventId);
  if (!q) throw new Error(`${eventId} is not queued`);
  return q;
};
const drain = (s: ApTurnState): ApTurnState => takeOutbox(s).state;

/** `r` asks at `now` and everything grantable is granted; the outbox is emptied. */
const take = (s: ApTurnState, r: TurnRequest, now: number): ApTurnState =>
  drain(grantReady(request(s, r, now), now));

/** `r` takes its radios and gives them back at `now` without a change, watching `watch.radio`. */
const watching = (s: ApTurnState, r: TurnRequest, watch: WatchRequest, now = 0): ApTurnState =>
  drain(release(take(s, r, now), partyOf(r), null, now, watch));

/** A grant; `granted` with closures is spelled out in the closures' own test. */
const granted = (s: ApTurnState, eventId: string, radios: Radio[], heldBackBy?: string): TurnNotice => ({
  kind: 'granted',
  eventId,
  radios,
  closedChannels: Object.fromEntries(radios.map((r) => [r, closedChannelsFor(s.closedChannels, r)])),
  ...(heldBackBy ? { heldBackBy } : {}),
});

describe('initialTurnState', () => {
  it('starts with every radio free, no cooldown, nothing queued, closed or to tell', () => {
    const s = fresh();
    const free = { holder: null, watch: null, cooldownUntil: 0 };
    expect(s).toEqual({
      apId: 'ap-1',
      radios: { '2g': free, '5g': free, '6g': free },
      queue: [],
      closedChannels: [],
      arrivals: 0,
      settings: SETTINGS,
      outbox: [],
    });
    expect(isIdle(s)).toBe(true);
    expect(nextDeadline(s, 0)).toBeUndefined();
    expect(leasesDue(s, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});

describe('request', () => {
  it('keeps the queue in priority order: severity, then detectedAt, then arrival', () => {
    let s = fresh();
    s = request(s, req('low', 'LOW'), 0);
    s = request(s, req('med-late', 'MEDIUM', ['5g'], { detectedAt: at(5) }), 0);
    s = request(s, req('med-early', 'MEDIUM', ['2g'], { detectedAt: at(1) }), 0);
    s = request(s, req('high-a', 'HIGH', ['6g'], { detectedAt: at(2) }), 0);
    s = request(s, req('high-b', 'HIGH', ['5g'], { detectedAt: at(2) }), 0);
    s = request(s, req('crit', 'CRITICAL', ['5g'], { detectedAt: at(9) }), 0);
    expect(queued(s)).toEqual(['crit', 'high-a', 'high-b', 'med-early', 'med-late', 'low']);
    expect(s.queue.map((q) => q.arrival)).toEqual([5, 3, 4, 2, 1, 0]);
    expect(s.arrivals).toBe(6);
    expect(s.outbox).toEqual([]);
  });

  it('keeps each radio of a request once, in radio order', () => {
    const s = request(fresh(), req('a', 'HIGH', ['6g', '2g', '6g']), 0);
    expect(s.queue[0].radios).toEqual(['2g', '6g']);
  });

  it('ignores a repeat from an event already waiting', () => {
    const s1 = request(fresh(), req('a', 'HIGH'), 0);
    expect(request(s1, req('a', 'HIGH'), 5)).toBe(s1);
    expect(request(s1, req('a', 'HIGH', ['2g', '6g']), 5)).toBe(s1);
  });

  it('answers a repeat from the event holding all its radios with a fresh grant', () => {
    let s = take(fresh(), req('a', 'HIGH', ['2g', '5g']), 0);
    s = closeChannels(s, '5g', [52], 1_800_000, 'radar-1');
    const again = request(s, req('a', 'HIGH', ['2g', '5g']), 1_000);
    const closures = [{ radio: '5g', channel: 52, until: 1_800_000, closedBy: 'radar-1' }];
    expect(again.outbox).toEqual([
      {
        kind: 'granted',
        eventId: 'a',
        radios: ['2g', '5g'],
        closedChannels: { '2g': [], '5g': [52] },
        closures,
      },
    ]);
    expect(again.queue).toEqual([]);
    expect(again.arrivals).toBe(s.arrivals);
    expect(again.radios).toEqual(s.radios);
    // Part of what it holds is answered the same way.
    expect(request(s, req('a', 'HIGH', ['5g']), 1_000).outbox).toEqual([
      { kind: 'granted', eventId: 'a', radios: ['5g'], closedChannels: { '5g': [52] }, closures },
    ]);
  });

  it('queues an event holding some of its radios only for the others, so it never waits on itself', () => {
    const s = take(fresh(), req('a', 'HIGH', ['5g']), 0);
    const asked = request(s, req('a', 'HIGH', ['2g', '5g']), 1_000);
    expect(asked.queue.map((q) => [q.eventId, q.radios])).toEqual([['a', ['2g']]]);
    const granted = grantReady(asked, 1_000);
    expect(radiosHeldBy(granted, 'a')).toEqual(['2g', '5g']);
    expect(granted.queue).toEqual([]);
  });

  it('has the holder of a radio a CRITICAL request needs checked at once (its lease ends now)', () => {
    let s = take(fresh(), req('h2', 'HIGH', ['2g']), 0);
    s = take(s, req('h5', 'HIGH', ['5g']), 0);
    expect(leasesDue(s, 1_000)).toEqual([]);
    const c = request(s, req('c', 'CRITICAL', ['5g']), 1_000);
    expect(c.radios['5g'].holder).toEqual({
      eventId: 'h5',
      type: 'NON_WIFI_BURST',
      severity: 'HIGH',
      grantedAt: 0,
      leaseUntil: 1_000,
    });
    // Only the radios it names.
    expect(c.radios['2g'].holder?.leaseUntil).toBe(LEASE);
    expect(leasesDue(c, 1_000)).toEqual(['h5']);
    expect(nextDeadline(c, 1_000)).toBe(1_000);
    expect(queued(c)).toEqual(['c']);
  });

  it('leaves the lease alone for a request below CRITICAL, and never pushes a lease later', () => {
    const s = take(fresh(), req('h', 'HIGH'), 0);
    expect(request(s, req('x', 'HIGH'), 1_000).radios['5g'].holder?.leaseUntil).toBe(LEASE);
    expect(request(s, req('c', 'CRITICAL'), 40_000).radios['5g'].holder?.leaseUntil).toBe(LEASE);
  });

  it('does not change the state it was given', () => {
    const s1 = take(fresh(), req('h', 'HIGH'), 0);
    const snapshot = JSON.stringify(s1);
    request(s1, req('c', 'CRITICAL'), 1_000);
    request(s1, req('h', 'HIGH'), 1_000);
    grantReady(
      release(s1, partyOf(req('h', 'HIGH')), 0, 1_000, { radio: '5g', until: 9_000, channels: [] }),
      1,
    );
    expect(JSON.stringify(s1)).toBe(snapshot);
  });
});

describe('queue bound (per radio)', () => {
  it('drops the lowest request waiting for the radio and tells it how many were ahead', () => {
    let s = take(fresh({ maxQueue: 2 }), req('h', 'HIGH'), 0);
    s = request(s, req('a', 'HIGH'), 0);
    s = request(s, req('b', 'MEDIUM'), 0);
    expect(s.outbox).toEqual([]);
    // A newcomer that ranks lowest is dropped itself.
    s = request(s, req('c', 'LOW'), 0);
    expect(queued(s)).toEqual(['a', 'b']);
    expect(s.outbox).toEqual([{ kind: 'dropped', eventId: 'c', waiting: 2 }]);
    // A higher newcomer pushes out the lowest one waiting.
    s = request(drain(s), req('d', 'HIGH', ['5g'], { detectedAt: at(-1) }), 0);
    expect(queued(s)).toEqual(['d', 'a']);
    expect(s.outbox).toEqual([{ kind: 'dropped', eventId: 'b', waiting: 2 }]);
  });

  it('on a full tie drops the later arrival', () => {
    let s = take(fresh({ maxQueue: 1 }), req('h', 'HIGH'), 0);
    s = request(request(s, req('a', 'MEDIUM'), 0), req('b', 'MEDIUM'), 0);
    expect(queued(s)).toEqual(['a']);
    expect(s.outbox).toEqual([{ kind: 'dropped', eventId: 'b', waiting: 1 }]);
  });

  it('counts each radio on its own and does not count the holder', () => {
    let s = take(fresh({ maxQueue: 1 }), req('h', 'HIGH', ['5g', '6g']), 0);
    s = request(s, req('a', 'MEDIUM', ['5g']), 0);
    s = request(s, req('b', 'MEDIUM', ['6g']), 0);
    expect(queued(s)).toEqual(['a', 'b']);
    expect(s.outbox).toEqual([]);
  });

  it("counts a request for several radios in each radio's queue", () => {
    let s = take(fresh({ maxQueue: 1 }), req('h', 'HIGH', ['5g', '6g']), 0);
    s = request(s, req('a', 'MEDIUM', ['5g']), 0);
    s = request(s, req('b', 'MEDIUM', ['6g']), 0);
    // Lowest on both radios: dropped once.
    const low = request(s, req('c', 'LOW', ['5g', '6g']), 0);
    expect(queued(low)).toEqual(['a', 'b']);
    expect(low.outbox).toEqual([{ kind: 'dropped', eventId: 'c', waiting: 1 }]);
    // Highest on both radios: the lowest of each radio goes.
    const high = request(s, req('d', 'HIGH', ['5g', '6g']), 0);
    expect(queued(high)).toEqual(['d']);
    expect(high.outbox).toEqual([
      { kind: 'dropped', eventId: 'a', waiting: 1 },
      { kind: 'dropped', eventId: 'b', waiting: 1 },
    ]);
  });
});

describe('grantReady', () => {
  it('grants a request all of its radios together, or none of them', () => {
    let s = take(fresh(), req('x', 'HIGH', ['5g']), 0);
    s = grantReady(request(s, req('a', 'HIGH', ['2g', '5g']), 0), 0);
    expect(holders(s)).toEqual({ '2g': null, '5g': 'x', '6g': null });
    expect(queued(s)).toEqual(['a']);
    expect(s.outbox).toEqual([]);

    s = grantReady(release(s, partyOf(req('x', 'HIGH')), null, 100), 100);
    expect(holders(s)).toEqual({ '2g': 'a', '5g': 'a', '6g': null });
    expect(s.radios['2g'].holder).toEqual({
      eventId: 'a',
      type: 'NON_WIFI_BURST',
      severity: 'HIGH',
      grantedAt: 100,
      leaseUntil: 100 + LEASE,
    });
    expect(s.radios['5g'].holder).toEqual(s.radios['2g'].holder);
    expect(s.queue).toEqual([]);
    expect(s.outbox).toEqual([granted(s, 'a', ['2g', '5g'])]);
  });

  it('gives different radios to different events at once, in priority order', () => {
    let s = fresh();
    s = request(s, req('a', 'LOW', ['2g']), 0);
    s = request(s, req('b', 'MEDIUM', ['5g']), 0);
    s = request(s, req('c', 'HIGH', ['6g']), 0);
    s = grantReady(s, 0);
    expect(holders(s)).toEqual({ '2g': 'a', '5g': 'b', '6g': 'c' });
    expect(s.outbox.map((n) => n.eventId)).toEqual(['c', 'b', 'a']);
  });

  it('gives a contested radio to the first in priority order', () => {
    let s = fresh();
    s = request(s, req('low', 'LOW'), 0);
    s = request(s, req('med-late', 'MEDIUM', ['5g'], { detectedAt: at(3) }), 0);
    s = request(s, req('med-early', 'MEDIUM', ['5g'], { detectedAt: at(1) }), 0);
    s = grantReady(s, 0);
    expect(holders(s)['5g']).toBe('med-early');
    expect(queued(s)).toEqual(['med-late', 'low']);
  });

  it('names the closed channels of each granted radio, and the detection behind each', () => {
    let s = closeChannels(fresh(), '5g', [52, 56], 1_800_000, 'radar-1');
    s = closeChannels(s, '5g', [60], 1_900_000, 'radar-2', 'ap-2');
    s = closeChannels(s, '2g', [1], 1_900_000, 'not-radar');
    s = grantReady(request(s, req('a', 'HIGH', ['5g', '6g']), 0), 0);
    expect(s.outbox).toEqual([
      {
        kind: 'granted',
        eventId: 'a',
        radios: ['5g', '6g'],
        closedChannels: { '5g': [52, 56, 60], '6g': [] },
        closures: [
          { radio: '5g', channel: 52, until: 1_800_000, closedBy: 'radar-1' },
          { radio: '5g', channel: 56, until: 1_800_000, closedBy: 'radar-1' },
          { radio: '5g', channel: 60, until: 1_900_000, closedBy: 'radar-2', heardBy: 'ap-2' },
        ],
      },
    ]);
  });

  it('lets no later request jump over an earlier one that waits for a held radio', () => {
    let s = take(fresh(), req('h', 'HIGH', ['5g']), 0);
    s = request(s, req('a', 'HIGH', ['5g', '6g']), 0);
    s = request(s, req('b', 'MEDIUM', ['6g']), 0);
    s = grantReady(s, 0);
    expect(holders(s)).toEqual({ '2g': null, '5g': 'h', '6g': null });
    expect(queued(s)).toEqual(['a', 'b']);
    expect(waitingFor(s, queuedRequest(s, 'a'), 0)).toEqual({
      radio: '5g',
      reason: 'holder',
      by: s.radios['5g'].holder,
    });
    expect(waitingFor(s, queuedRequest(s, 'b'), 0)).toEqual({ radio: '6g', reason: 'priority' });

    s = grantReady(release(s, partyOf(req('h', 'HIGH')), null, 10), 10);
    expect(holders(s)).toEqual({ '2g': null, '5g': 'a', '6g': 'a' });
    expect(queued(s)).toEqual(['b']);
  });

  it('a request kept by a cooldown claims nothing: a later one may take its free radios', () => {
    let s = take(fresh(), req('x', 'HIGH', ['5g']), 0);
    s = release(s, partyOf(req('x', 'HIGH')), 0, 0); // 5g cools down until 10 s
    s = request(s, req('a', 'HIGH', ['5g', '6g']), 0);
    s = request(s, req('b', 'MEDIUM', ['6g']), 0);
    s = grantReady(s, 1_000);
    expect(holders(s)).toEqual({ '2g': null, '5g': null, '6g': 'b' });
    expect(waitingFor(s, queuedRequest(s, 'a'), 1_000)).toEqual({ radio: '5g', reason: 'cooldown' });
  });

  it('a request kept by a watch claims nothing: a later one may take its free radios', () => {
    let s = watching(fresh(), req('w', 'HIGH', ['5g']), { radio: '5g', until: 60_000, channels: [] });
    s = request(s, req('a', 'MEDIUM', ['5g', '6g']), 0);
    s = request(s, req('b', 'LOW', ['6g']), 0);
    s = grantReady(s, 1_000);
    expect(holders(s)).toEqual({ '2g': null, '5g': null, '6g': 'b' });
    expect(waitingFor(s, queuedRequest(s, 'a'), 1_000)).toEqual({
      radio: '5g',
      reason: 'watch',
      by: s.radios['5g'].watch,
    });
  });

  it('leaves nothing grantable: a second pass returns the same state', () => {
    let s = take(fresh(), req('h', 'HIGH', ['5g']), 0);
    s = request(s, req('a', 'LOW', ['5g']), 0);
    s = request(s, req('b', 'LOW', ['2g']), 0);
    const once = grantReady(s, 0);
    expect(holders(once)).toEqual({ '2g': 'b', '5g': 'h', '6g': null });
    expect(grantReady(once, 0)).toBe(once);
    expect(grantReady(fresh(), 0)).toEqual(fresh());
  });
});

describe('release', () => {
  it('frees every radio the event held and forgets its waiting requests', () => {
    let s = take(fresh(), req('a', 'HIGH', ['2g', '6g']), 0);
    s = take(s, req('x', 'HIGH', ['5g']), 0);
    s = request(s, req('q', 'LOW', ['5g']), 0);
    s = release(s, partyOf(req('a', 'HIGH')), null, 1_000);
    expect(holders(s)).toEqual({ '2g': null, '5g': 'x', '6g': null });
    // A release by an event that only waits forgets its request and changes no radio.
    const r = release(s, partyOf(req('q', 'LOW')), 900, 1_000);
    expect(r.queue).toEqual([]);
    expect(r.radios).toEqual(s.radios);
  });

  it('starts the cooldown of each radio the event held, from its last change', () => {
    let s = take(fresh(), req('a', 'HIGH', ['2g', '5g']), 0);
    s = release(s, partyOf(req('a', 'HIGH')), 3_000, 8_000);
    expect(RADIOS.map((r) => s.radios[r].cooldownUntil)).toEqual([3_000 + COOLDOWN, 3_000 + COOLDOWN, 0]);
  });

  it('starts no cooldown when the event changed nothing', () => {
    let s = take(fresh(), req('a', 'HIGH', ['5g']), 0);
    s = release(s, partyOf(req('a', 'HIGH')), 50_000, 51_000); // 5g cools down until 60 s
    s = take(s, req('b', 'CRITICAL', ['5g', '6g']), 52_000);
    s = release(s, partyOf(req('b', 'CRITICAL')), null, 53_000);
    expect(holders(s)).toEqual({ '2g': null, '5g': null, '6g': null });
    expect(RADIOS.map((r) => s.radios[r].cooldownUntil)).toEqual([0, 60_000, 0]);
  });

  it('never shortens a running cooldown', () => {
    let s = take(fresh(), req('a', 'HIGH', ['5g']), 0);
    s = release(s, partyOf(req('a', 'HIGH')), 50_000, 51_000);
    s = take(s, req('b', 'CRITICAL', ['5g']), 52_000);
    s = release(s, partyOf(req('b', 'CRITICAL')), 20_000, 53_000);
    expect(s.radios['5g'].cooldownUntil).toBe(60_000);
  });

  it('places the watch on a radio the event held, checked a lease from now', () => {
    let s = take(fresh(), req('w', 'HIGH', ['5g', '6g']), 0);
    s = release(s, partyOf(req('w', 'HIGH')), 1_000, 2_000, {
      radio: '5g',
      until: 302_000,
      channels: [149, 153, 157, 161],
    });
    expect(s.radios['5g'].watch).toEqual({
      eventId: 'w',
      type: 'NON_WIFI_BURST',
      severity: 'HIGH',
      until: 302_000,
      channels: [149, 153, 157, 161],
      checkAt: 2_000 + LEASE,
    });
    expect(s.radios['6g'].watch).toBeNull();
    expect(s.radios['2g'].watch).toBeNull();
    expect(holders(s)).toEqual({ '2g': null, '5g': null, '6g': null });
  });

  it('places no watch on a radio the event did not hold, nor one whose window is over', () => {
    const s = take(fresh(), req('w', 'HIGH', ['5g']), 0);
    const w = partyOf(req('w', 'HIGH'));
    const watches = (r: ApTurnState) => RADIOS.map((radio) => r.radios[radio].watch);
    expect(watches(release(s, w, null, 2_000, { radio: '6g', until: 9_000, channels: [] }))).toEqual([
      null,
      null,
      null,
    ]);
    expect(watches(release(s, w, null, 2_000, { radio: '5g', until: 2_000, channels: [] }))).toEqual([
      null,
      null,
      null,
    ]);
    expect(
      release(s, w, null, 2_000, { radio: '5g', until: 2_001, channels: [] }).radios['5g'].watch?.until,
    ).toBe(2_001);
  });

  describe("the event's earlier watches", () => {
    /** `w` watches 5g until 60 s, then holds 5g and 6g again (a fresh selection after radar). */
    const again = (): ApTurnState => {
      const s = watching(fresh(), req('w', 'HIGH', ['5g', '6g']), {
        radio: '5g',
        until: 60_000,
        channels: [],
      });
      return take(s, req('w', 'HIGH', ['5g', '6g']), 1_000);
    };
    const w = partyOf(req('w', 'HIGH'));
    const watches = (s: ApTurnState) => RADIOS.map((r) => s.radios[r].watch?.until ?? null);

    it('are replaced by a new watch', () => {
      const s = release(again(), w, null, 2_000, { radio: '6g', until: 90_000, channels: [] });
      expect(watches(s)).toEqual([null, null, 90_000]);
    });

    it('end even when the new watch cannot be placed', () => {
      expect(watches(release(again(), w, null, 2_000, { radio: '2g', until: 90_000, channels: [] }))).toEqual(
        [null, null, null],
      );
    });

    it('end with a null watch, and stay without one', () => {
      expect(watches(release(again(), w, null, 2_000, null))).toEqual([null, null, null]);
      const kept = release(again(), w, null, 2_000);
      expect(watches(kept)).toEqual([null, 60_000, null]);
      expect(holders(kept)).toEqual({ '2g': null, '5g': null, '6g': null });
    });
  });
});

describe('radarMoved (the radar reflex, told after the fact)', () => {
  const radar = {
    eventId: 'r',
    type: 'DFS_RADAR' as const,
    severity: 'CRITICAL' as const,
    radio: '5g' as const,
  };
  const move = (movedAt: number, watch?: WatchRequest) => ({ ...radar, channel: 52, movedAt, watch });

  it("supersedes the radio's watcher without a rollback first, cools the radio down and watches it", () => {
    const w = req('w', 'HIGH');
    let s = watching(fresh(), w, { radio: '5g', until: 300_000, channels: [52, 56, 60, 64] });
    s = radarMoved(s, move(1_000, { radio: '5g', until: 301_000, channels: [36, 40, 44, 48] }), 1_100);
    expect(takeOutbox(s).notices).toEqual([
      {
        kind: 'superseded',
        eventId: 'w',
        radio: '5g',
        by: { eventId: 'r', type: 'DFS_RADAR', severity: 'CRITICAL', channel: 52 },
        rollbackFirst: false,
      },
    ]);
    expect(s.radios['5g']).toMatchObject({
      holder: null,
      cooldownUntil: 1_000 + COOLDOWN,
      watch: { eventId: 'r', severity: 'CRITICAL', until: 301_000, channels: [36, 40, 44, 48] },
    });
  });

  it('leaves a holder its turn (its apply meets the changed radio) and the other radios alone', () => {
    let s = take(fresh(), req('h', 'HIGH', ['5g']), 0);
    s = take(s, req('o', 'LOW', ['2g']), 0);
    s = radarMoved(s, move(2_000), 2_000);
    expect(holders(s)).toEqual({ '2g': 'o', '5g': 'h', '6g': null });
    expect(s.radios['5g'].watch).toBeNull(); // unmonitored: no watch
    expect(s.radios['2g'].cooldownUntil).toBe(0);
    expect(takeOutbox(s).notices).toEqual([]);
  });

  it("lets a holder that lands its change after the move take the radio's watch, superseding the radar's", () => {
    let s = take(fresh(), req('h', 'HIGH', ['5g']), 0);
    s = radarMoved(s, move(1_000, { radio: '5g', until: 301_000, channels: [36] }), 1_000);
    s = release(s, partyOf(req('h', 'HIGH')), 2_000, 2_000, { radio: '5g', until: 302_000, channels: [149] });
    expect(s.radios['5g'].watch).toMatchObject({ eventId: 'h', channels: [149] });
    expect(takeOutbox(s).notices).toEqual([
      expect.objectContaining({ kind: 'superseded', eventId: 'r', rollbackFirst: false }),
    ]);
  });
});

describe('cooldown', () => {
  /** 5g cools down until 13 s after a change at 3 s. */
  const cooled = (): ApTurnState =>
    release(take(fresh(), req('x', 'HIGH', ['5g']), 0), partyOf(req('x', 'HIGH')), 3_000, 4_000);

  it('keeps a cooldown-bound request waiting until the cooldown ends', () => {
    let s = grantReady(request(cooled(), req('b', 'HIGH'), 9_000), 12_999);
    expect(holders(s)['5g']).toBeNull();
    expect(waitingFor(s, queuedRequest(s, 'b'), 12_999)).toEqual({ radio: '5g', reason: 'cooldown' });
    expect(nextDeadline(s, 12_999)).toBe(13_000);
    s = grantReady(s, 13_000);
    expect(holders(s)['5g']).toBe('b');
  });

  it.each<[string, TurnRequest]>([
    ['a request that bypasses the cooldown', req('b', 'LOW', ['5g'], { bypassesCooldown: true })],
    ['a CRITICAL request, even one not marked to bypass it', req('b', 'CRITICAL', ['5g'])],
  ])('lets %s through during the cooldown', (_, r) => {
    const s = grantReady(request(cooled(), r, 9_000), 9_000);
    expect(holders(s)['5g']).toBe('b');
  });

  it('is per radio: another radio of the AP is free to change', () => {
    const s = grantReady(request(cooled(), req('b', 'HIGH', ['6g']), 9_000), 9_000);
    expect(holders(s)['6g']).toBe('b');
    // A request that also needs the cooling radio waits whole.
    const both = grantReady(request(cooled(), req('c', 'HIGH', ['5g', '6g']), 9_000), 9_000);
    expect(holders(both)).toEqual({ '2g': null, '5g': null, '6g': null });
  });
});

describe('watch', () => {
  const W = req('w', 'HIGH', ['5g']);
  /** `w` (HIGH) watches 5g until 300 s, having moved onto 52–64. */
  const watched = (watcher = W): ApTurnState =>
    watching(fresh(), watcher, { radio: '5g', until: 300_000, channels: [52, 56, 60, 64] });

  it('keeps a lower-severity event waiting until the window ends', () => {
    let s = grantReady(request(watched(), req('m', 'MEDIUM'), 1_000), 1_000);
    expect(holders(s)['5g']).toBeNull();
    expect(queued(s)).toEqual(['m']);
    expect(s.outbox).toEqual([]);
    expect(waitingFor(s, queuedRequest(s, 'm'), 1_000)).toEqual({
      radio: '5g',
      reason: 'watch',
      by: s.radios['5g'].watch,
    });
    expect(grantReady(expire(s, 299_999), 299_999)).toEqual(s);
    s = grantReady(expire(s, 300_000), 300_000);
    expect(s.radios['5g'].watch).toBeNull();
    expect(holders(s)['5g']).toBe('m');
    expect(s.outbox).toEqual([granted(s, 'm', ['5g'], 'w')]);
  });

  it('tells a request it kept waiting which watcher that was, when it is granted', () => {
    let s = request(watched(), req('m', 'MEDIUM'), 1_000);
    expect(queuedRequest(s, 'm').heldBackBy).toBeUndefined();
    s = grantReady(s, 1_000);
    expect(queuedRequest(s, 'm').heldBackBy).toBe('w');
    // Named even after the watch is gone, and when a holder kept it waiting afterwards.
    s = drain(grantReady(request(s, req('h', 'HIGH'), 2_000), 2_000));
    expect(holders(s)['5g']).toBe('h');
    s = grantReady(release(s, partyOf(req('h', 'HIGH')), null, 3_000), 3_000);
    expect(s.outbox).toEqual([granted(s, 'm', ['5g'], 'w')]);
  });

  it('names the first watcher that kept a request waiting', () => {
    let s = watching(fresh(), req('w5', 'HIGH', ['5g']), { radio: '5g', until: 10_000, channels: [] });
    s = watching(s, req('w6', 'HIGH', ['6g']), { radio: '6g', until: 20_000, channels: [] });
    s = grantReady(request(s, req('m', 'MEDIUM', ['6g']), 0), 0);
    s = grantReady(request(s, req('b', 'MEDIUM', ['5g', '6g']), 0), 0);
    expect(s.queue.map((q) => [q.eventId, q.heldBackBy])).toEqual([
      ['m', 'w6'],
      ['b', 'w5'],
    ]);
    // 5g's watch ends first; b is still held back by 6g's, and stays marked by w5.
    s = grantReady(expire(s, 10_000), 10_000);
    expect(queuedRequest(s, 'b').heldBackBy).toBe('w5');
    s = grantReady(expire(s, 20_000), 20_000);
    expect(s.outbox).toEqual([granted(s, 'm', ['6g'], 'w6')]);
  });

  it('names no watcher for a request only a holder, a cooldown or its own watch kept waiting', () => {
    let s = watching(fresh(), req('w', 'HIGH', ['5g']), { radio: '5g', until: 300_000, channels: [] });
    s = take(s, req('h', 'HIGH', ['6g']), 0);
    s = grantReady(request(s, req('m', 'MEDIUM', ['6g']), 0), 0);
    s = grantReady(request(s, req('w', 'HIGH', ['5g', '6g']), 0), 0);
    expect(s.queue.map((q) => q.heldBackBy)).toEqual([undefined, undefined]);
    s = grantReady(release(s, partyOf(req('h', 'HIGH')), null, 1_000), 1_000);
    expect(s.outbox).toEqual([granted(s, 'w', ['5g', '6g'])]);
    expect(s.outbox[0]).not.toHaveProperty('heldBackBy');
  });

  it('lets the waiting go as soon as the watcher ends its watch', () => {
    let s = grantReady(request(watched(), req('m', 'LOW'), 1_000), 1_000);
    expect(endWatch(s, 'other')).toBe(s);
    s = grantReady(endWatch(s, 'w'), 2_000);
    expect(s.radios['5g'].watch).toBeNull();
    expect(holders(s)['5g']).toBe('m');
  });

  it('covers only its own radio', () => {
    const s = grantReady(request(watched(), req('m', 'LOW', ['6g']), 1_000), 1_000);
    expect(holders(s)['6g']).toBe('m');
  });

  it.each<Severity>(['HIGH', 'CRITICAL'])(
    'is ended by a %s event, which takes the radio at once and supersedes the watcher',
    (severity) => {
      // A HIGH interference burst on the channel the watcher moved to (its premise holds); radar elsewhere.
      const channel = severity === 'HIGH' ? 56 : 100;
      const s = grantReady(request(watched(), req('n', severity, ['5g'], { channel }), 1_000), 1_000);
      expect(s.radios['5g'].watch).toBeNull();
      expect(holders(s)['5g']).toBe('n');
      expect(s.outbox).toEqual([
        {
          kind: 'superseded',
          eventId: 'w',
          radio: '5g',
          by: { eventId: 'n', type: TYPE_OF[severity], severity, channel },
          rollbackFirst: false,
        },
        granted(s, 'n', ['5g']),
      ]);
    },
  );

  it.each<Severity>(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'])(
    'never keeps a CRITICAL event waiting (watcher %s)',
    (severity) => {
      const watcher = req('w', severity, ['5g']);
      const s = grantReady(request(watched(watcher), req('c', 'CRITICAL', ['5g', '6g']), 1_000), 1_000);
      expect(holders(s)).toEqual({ '2g': null, '5g': 'c', '6g': 'c' });
      expect(s.outbox[0]).toEqual({
        kind: 'superseded',
        eventId: 'w',
        radio: '5g',
        by: { eventId: 'c', type: 'DFS_RADAR', severity: 'CRITICAL' },
        rollbackFirst: false,
      });
    },
  );

  it("removes the superseded watcher's requests waiting on the AP, and no one else's", () => {
    let s = take(watched(), req('x', 'HIGH', ['2g']), 0);
    s = request(s, req('w', 'HIGH', ['2g']), 500);
    s = request(s, req('o', 'LOW', ['2g']), 500);
    expect(queued(s)).toEqual(['w', 'o']);
    s = grantReady(request(s, req('n', 'HIGH'), 1_000), 1_000);
    expect(holders(s)).toEqual({ '2g': 'x', '5g': 'n', '6g': null });
    expect(queued(s)).toEqual(['o']);
  });

  it('supersedes the watcher of each radio a grant takes', () => {
    let s = watching(fresh(), req('w1', 'HIGH', ['5g']), { radio: '5g', until: 300_000, channels: [] });
    s = watching(s, req('w2', 'MEDIUM', ['6g']), { radio: '6g', until: 300_000, channels: [] });
    s = grantReady(request(s, req('n', 'HIGH', ['5g', '6g']), 1_000), 1_000);
    expect(holders(s)).toEqual({ '2g': null, '5g': 'n', '6g': 'n' });
    expect(s.outbox.map((n) => [n.kind, n.eventId, n.kind === 'superseded' ? n.radio : null])).toEqual([
      ['superseded', 'w1', '5g'],
      ['superseded', 'w2', '6g'],
      ['granted', 'n', null],
    ]);
  });

  it('does not keep its own watcher waiting, nor supersede it', () => {
    const s = grantReady(request(watched(), req('w', 'HIGH'), 1_000), 1_000);
    expect(holders(s)['5g']).toBe('w');
    expect(s.outbox).toEqual([granted(s, 'w', ['5g'])]);
  });

  it('hands the radio back to the watcher when a CRITICAL event is on the channel it moved to', () => {
    let s = take(watched(), req('x', 'HIGH', ['2g']), 0);
    s = request(s, req('w', 'HIGH', ['2g']), 0); // the watcher also waits for 2g: it gives that up
    s = request(s, req('c', 'CRITICAL', ['5g'], { channel: 56 }), 1_000);
    s = grantReady(s, 1_000);
    expect(s.radios['5g']).toEqual({
      holder: {
        eventId: 'w',
        type: 'NON_WIFI_BURST',
        severity: 'HIGH',
        grantedAt: 1_000,
        leaseUntil: 1_000 + LEASE,
      },
      watch: null,
      cooldownUntil: 0,
    });
    expect(queued(s)).toEqual(['c']);
    expect(s.outbox).toEqual([
      {
        kind: 'superseded',
        eventId: 'w',
        radio: '5g',
        by: { eventId: 'c', type: 'DFS_RADAR', severity: 'CRITICAL', channel: 56 },
        rollbackFirst: true,
      },
    ]);
    expect(waitingFor(s, queuedRequest(s, 'c'), 1_000)).toEqual({
      radio: '5g',
      reason: 'holder',
      by: s.radios['5g'].holder,
    });

    // The watcher rolls back and gives the turn back: now the CRITICAL event goes, cooldown or not.
    s = grantReady(release(drain(s), partyOf(W), 5_000, 5_000), 5_000);
    expect(s.radios['5g'].cooldownUntil).toBe(5_000 + COOLDOWN);
    expect(holders(s)['5g']).toBe('c');
    // Told where the radio was when it was raised, so a radar closes the channel it was heard on.
    expect(s.outbox).toEqual([{ ...granted(s, 'c', ['5g']), undoneMoveOnto: [52, 56, 60, 64] }]);
  });

  it.each<[string, number | undefined]>([
    ['another channel', 100],
    ['no channel', undefined],
  ])('lets a CRITICAL event on %s simply take the radio', (_, channel) => {
    const s = grantReady(request(watched(), req('c', 'CRITICAL', ['5g'], { channel }), 1_000), 1_000);
    expect(holders(s)['5g']).toBe('c');
    expect(s.outbox).toEqual([
      {
        kind: 'superseded',
        eventId: 'w',
        radio: '5g',
        by: { eventId: 'c', type: 'DFS_RADAR', severity: 'CRITICAL', channel },
        rollbackFirst: false,
      },
      granted(s, 'c', ['5g']),
    ]);
  });

  it('hands the radio to the watcher only for a CRITICAL event', () => {
    const s = grantReady(request(watched(), req('n', 'HIGH', ['5g'], { channel: 56 }), 1_000), 1_000);
    expect(holders(s)['5g']).toBe('n');
    expect(s.outbox[0]).toMatchObject({ kind: 'superseded', eventId: 'w', rollbackFirst: false });
  });
});

describe('premise gone: a watcher already moved the radio off the channel an event is about', () => {
  /** `r` (CRITICAL radar) moved 5g off 100/40 onto 52–64 and watches it until 300 s. */
  const R = req('r', 'CRITICAL', ['5g'], { channel: 100 });
  const watched = (): ApTurnState =>
    watching(fresh(), R, { radio: '5g', until: 300_000, channels: [52, 56, 60, 64], movedOff: [100, 104] });
  const burstOn = (eventId: string, channel: number | undefined, severity: Severity = 'HIGH') =>
    req(eventId, severity, ['5g'], { type: 'NON_WIFI_BURST', channel });

  it.each<[EventType, Severity]>([
    ['NON_WIFI_BURST', 'HIGH'],
    ['SPECTRUM_SAT', 'MEDIUM'],
    ['NON_WIFI_BURST', 'CRITICAL'],
  ])('answers a %s (%s) on the old channel at once, without a turn', (type, severity) => {
    const asked = req('i', severity, ['5g'], { type, channel: 100 });
    const s = grantReady(request(watched(), asked, 1_000), 1_000);
    expect(holders(s)['5g']).toBeNull();
    expect(queued(s)).toEqual([]);
    // The watch stays: the radar move is still watched.
    expect(s.radios['5g'].watch).toMatchObject({ eventId: 'r' });
    expect(s.outbox).toEqual([
      {
        kind: 'premise-gone',
        eventId: 'i',
        radio: '5g',
        channel: 100,
        by: { eventId: 'r', type: 'DFS_RADAR', severity: 'CRITICAL' },
        movedOnto: [52, 56, 60, 64],
      },
    ]);
    // It is the request's answer, as a grant would be.
    expect(takeAnswer(s, 'i').answer).toEqual(s.outbox[0]);
  });

  it('keeps an event whose premise holds waiting as before: on the new channel, or naming none', () => {
    let s = grantReady(request(watched(), burstOn('on-new', 56), 1_000), 1_000);
    s = grantReady(request(s, burstOn('unnamed', undefined), 1_000), 1_000);
    expect(queued(s)).toEqual(['on-new', 'unnamed']);
    expect(s.outbox).toEqual([]);
  });

  it('leaves an event about a channel the radio was not on to its turn: the watcher did not answer it', () => {
    const s = grantReady(request(watched(), burstOn('elsewhere', 149), 1_000), 1_000);
    expect(queued(s)).toEqual(['elsewhere']);
    // Nor a watch placed by an older build, which does not say what its change moved the radio off.
    const older = watching(fresh(), R, { radio: '5g', until: 300_000, channels: [52, 56, 60, 64] });
    expect(queued(grantReady(request(older, burstOn('i', 100), 1_000), 1_000))).toEqual(['i']);
  });

  it('answers nothing for a watch whose change moved no channel, nor for other types', () => {
    const power = watching(fresh(), req('p', 'CRITICAL'), { radio: '5g', until: 300_000, channels: [] });
    expect(queued(grantReady(request(power, burstOn('i', 100), 1_000), 1_000))).toEqual(['i']);
    const qoe = req('q', 'MEDIUM', ['5g'], { channel: 100 });
    expect(queued(grantReady(request(watched(), qoe, 1_000), 1_000))).toEqual(['q']);
  });

  it('answers an event already waiting once a radar move lands on its radio', () => {
    // Waiting behind a holder; then radar moves the radio off the channel the burst is about.
    let s = take(fresh(), req('h', 'HIGH', ['5g']), 0);
    s = grantReady(request(s, burstOn('i', 100, 'MEDIUM'), 0), 0);
    expect(queued(s)).toEqual(['i']);
    const move = { ...partyOf(R), radio: '5g' as const, channel: 100, movedAt: 1_000 };
    const watch = { radio: '5g' as const, until: 301_000, channels: [36, 40], movedOff: [100, 104] };
    s = radarMoved(s, { ...move, watch }, 1_000);
    s = grantReady(s, 1_000);
    expect(queued(s)).toEqual([]);
    expect(s.outbox).toEqual([
      expect.objectContaining({ kind: 'premise-gone', eventId: 'i', movedOnto: [36, 40] }),
    ]);
  });

  it('leaves a coordinator on the older rules as it was (replay)', () => {
    const s = grantReady(request(watched(), burstOn('i', 100), 1_000), 1_000, { answerGonePremises: false });
    expect(queued(s)).toEqual(['i']);
    expect(s.outbox).toEqual([]);
  });
});

describe("a joint re-plan's watch: it takes over a watch without outranking its waiters", () => {
  /** `r` (CRITICAL radar) watches 5g until 300 s; `q` (MEDIUM QoE) waits behind it. */
  const R = req('r', 'CRITICAL', ['5g'], { channel: 100 });
  const replan = req('j', 'LOW', ['5g'], {
    type: 'JOINT_REPLAN',
    channel: 36,
    takesOver: 'r',
    bypassesCooldown: true,
  });
  const setUp = (): ApTurnState => {
    let s = watching(fresh(), R, { radio: '5g', until: 300_000, channels: [52, 56, 60, 64] });
    s = grantReady(request(s, req('q', 'MEDIUM'), 1_000), 1_000);
    return drain(grantReady(request(s, replan, 2_000), 2_000));
  };

  it('takes the radio over the watch it follows, whatever their severities; the QoE event still waits', () => {
    const s = setUp();
    expect(holders(s)['5g']).toBe('j');
    expect(s.radios['5g'].holder).toMatchObject({
      inherits: { severity: 'CRITICAL', until: 300_000, from: 'r' },
    });
    expect(queued(s)).toEqual(['q']);
  });

  it("keeps the QoE event waiting until the radar's watch would have ended, then lets it go", () => {
    let s = drain(
      release(setUp(), partyOf(replan), 3_000, 3_000, { radio: '5g', until: 303_000, channels: [36, 40] }),
    );
    expect(s.radios['5g'].watch).toMatchObject({
      eventId: 'j',
      severity: 'LOW',
      inherits: { severity: 'CRITICAL', until: 300_000, from: 'r' },
    });
    s = grantReady(s, 200_000);
    expect(queued(s)).toEqual(['q']);
    expect(waitingFor(s, queuedRequest(s, 'q'), 200_000)).toMatchObject({
      reason: 'watch',
      by: { eventId: 'j' },
    });
    // The radar's watch would have ended at 300 s: the coordinator wakes then.
    expect(nextDeadline(renewLease(s, 'j', 280_000), 280_000)).toBe(300_000);
    s = grantReady(s, 300_000);
    expect(holders(s)['5g']).toBe('q');
    expect(s.outbox).toEqual([
      expect.objectContaining({ kind: 'superseded', eventId: 'j', rollbackFirst: false }),
      expect.objectContaining({ kind: 'granted', eventId: 'q' }),
    ]);
  });

  it('takes over only the watch it names', () => {
    const other = { ...replan, eventId: 'k', takesOver: 'someone-else' };
    const s = grantReady(
      request(watching(fresh(), R, { radio: '5g', until: 300_000, channels: [52] }), other, 1_000),
      1_000,
    );
    expect(queued(s)).toEqual(['k']);
  });

  it('inherits nothing from a watch that ranks no higher than itself', () => {
    const low = watching(fresh(), req('l', 'LOW'), { radio: '5g', until: 300_000, channels: [52] });
    const s = grantReady(request(low, { ...replan, takesOver: 'l' }, 1_000), 1_000);
    expect(s.radios['5g'].holder).not.toHaveProperty('inherits');
  });
});

describe('leases', () => {
  it('leases a turn for leaseMs and reports the holder once the lease is out, once per event', () => {
    const s = take(fresh(), req('a', 'HIGH', ['2g', '5g', '6g']), 1_000);
    expect(RADIOS.map((r) => s.radios[r].holder?.leaseUntil)).toEqual([31_000, 31_000, 31_000]);
    expect(leasesDue(s, 30_999)).toEqual([]);
    expect(leasesDue(s, 31_000)).toEqual(['a']);
  });

  it("renews the event's leases and watch checks from now, and no one else's", () => {
    let s = watching(fresh(), req('w', 'HIGH', ['6g']), { radio: '6g', until: 300_000, channels: [] });
    s = take(s, req('a', 'HIGH', ['2g', '5g']), 0);
    const a = renewLease(s, 'a', 40_000);
    expect(RADIOS.map((r) => a.radios[r].holder?.leaseUntil ?? null)).toEqual([70_000, 70_000, null]);
    expect(a.radios['6g'].watch?.checkAt).toBe(LEASE);
    const w = renewLease(s, 'w', 40_000);
    expect(w.radios['6g'].watch?.checkAt).toBe(70_000);
    expect(w.radios['2g'].holder?.leaseUntil).toBe(LEASE);
    expect(leasesDue(renewLease(s, 'a', 40_000), 69_999)).toEqual([]);
  });

  it('reports a watcher past its check time only while its watch keeps someone waiting', () => {
    let s = watching(fresh(), req('w', 'HIGH', ['5g']), { radio: '5g', until: 300_000, channels: [] });
    expect(leasesDue(s, 30_000)).toEqual([]);
    // Someone lower waiting on another radio is not kept by this watch.
    s = grantReady(request(s, req('x', 'HIGH', ['6g']), 0), 0);
    s = grantReady(request(s, req('l', 'LOW', ['6g']), 0), 0);
    expect(leasesDue(s, 30_000)).toEqual(['x']);
    s = grantReady(request(s, req('m', 'MEDIUM', ['5g']), 0), 0);
    expect(leasesDue(s, 29_999)).toEqual([]);
    expect(leasesDue(s, 30_000)).toEqual(['w', 'x']);
    expect(leasesDue(renewLease(s, 'w', 30_000), 30_000)).toEqual(['x']);
  });
});

describe('reclaim', () => {
  it('frees what a closed event held (no cooldown), ends its watches, forgets its requests', () => {
    let s = watching(fresh(), req('e', 'MEDIUM', ['5g']), { radio: '5g', until: 300_000, channels: [] });
    s = take(s, req('e', 'MEDIUM', ['2g']), 0);
    s = take(s, req('x', 'HIGH', ['6g']), 0);
    s = grantReady(request(s, req('l', 'LOW', ['2g']), 0), 0);
    const { state, reclaimed } = reclaim(s, 'e');
    expect(reclaimed).toEqual({
      party: { eventId: 'e', type: 'QOE_DEGRADATION', severity: 'MEDIUM' },
      held: ['2g'],
      watched: ['5g'],
    });
    expect(holders(state)).toEqual({ '2g': null, '5g': null, '6g': 'x' });
    expect(RADIOS.map((r) => state.radios[r].watch)).toEqual([null, null, null]);
    expect(RADIOS.map((r) => state.radios[r].cooldownUntil)).toEqual([0, 0, 0]);
    expect(holders(grantReady(state, 1_000))['2g']).toBe('l');
  });

  it('forgets a request of an event that only waited, with nothing to report', () => {
    let s = take(fresh(), req('h', 'HIGH'), 0);
    s = request(request(s, req('q', 'MEDIUM'), 0), req('r', 'LOW'), 0);
    const { state, reclaimed } = reclaim(s, 'q');
    expect(reclaimed).toBeUndefined();
    expect(queued(state)).toEqual(['r']);
    expect(state.radios).toEqual(s.radios);
  });

  it('changes nothing for an unknown event', () => {
    const s = take(fresh(), req('h', 'HIGH'), 0);
    const { state, reclaimed } = reclaim(s, 'ghost');
    expect(reclaimed).toBeUndefined();
    expect(state).toEqual(s);
  });
});

describe('expire', () => {
  it('ends the watches whose window is over and keeps the others', () => {
    let s = watching(fresh(), req('w1', 'HIGH', ['5g']), { radio: '5g', until: 10_000, channels: [] });
    s = watching(s, req('w2', 'HIGH', ['6g']), { radio: '6g', until: 20_000, channels: [] });
    const e = expire(s, 10_000);
    expect(e.radios['5g'].watch).toBeNull();
    expect(e.radios['6g'].watch?.eventId).toBe('w2');
    expect(expire(s, 9_999)).toBe(s);
  });

  it('reopens the channels whose Non-Occupancy Period is over', () => {
    let s = closeChannels(fresh(), '5g', [52, 56], 1_800_000, 'radar-1');
    s = closeChannels(s, '6g', [37], 900_000, 'radar-2');
    expect(expire(s, 899_999)).toBe(s);
    expect(expire(s, 900_000).closedChannels).toEqual([
      { radio: '5g', channel: 52, until: 1_800_000, closedBy: 'radar-1' },
      { radio: '5g', channel: 56, until: 1_800_000, closedBy: 'radar-1' },
    ]);
    expect(expire(s, 1_800_000).closedChannels).toEqual([]);
  });
});

describe('closeChannels and closedChannelsFor', () => {
  it('closes channels of one radio, kept in channel order', () => {
    const s = closeChannels(fresh(), '5g', [64, 52], 1_000, 'radar-1');
    expect(s.closedChannels).toEqual([
      { radio: '5g', channel: 52, until: 1_000, closedBy: 'radar-1' },
      { radio: '5g', channel: 64, until: 1_000, closedBy: 'radar-1' },
    ]);
    expect(closedChannelsFor(s.closedChannels, '5g')).toEqual([52, 64]);
    expect(closedChannelsFor(s.closedChannels, '6g')).toEqual([]);
  });

  it('extends a closure, never shortens it', () => {
    let s = closeChannels(fresh(), '5g', [52], 1_000, 'radar-1');
    s = closeChannels(s, '5g', [52, 56], 500, 'radar-2');
    expect(s.closedChannels).toEqual([
      { radio: '5g', channel: 52, until: 1_000, closedBy: 'radar-1' },
      { radio: '5g', channel: 56, until: 500, closedBy: 'radar-2' },
    ]);
    s = closeChannels(s, '5g', [56], 2_000, 'radar-3');
    expect(s.closedChannels).toEqual([
      { radio: '5g', channel: 52, until: 1_000, closedBy: 'radar-1' },
      { radio: '5g', channel: 56, until: 2_000, closedBy: 'radar-3' },
    ]);
  });

  it('keeps the same channel number on two radios apart', () => {
    let s = closeChannels(fresh(), '5g', [149], 1_000, 'radar-1');
    s = closeChannels(s, '6g', [149], 5_000, 'radar-2');
    expect(closedChannelsFor(s.closedChannels, '5g')).toEqual([149]);
    expect(closedChannelsFor(s.closedChannels, '6g')).toEqual([149]);
    expect(expire(s, 1_000).closedChannels).toEqual([
      { radio: '6g', channel: 149, until: 5_000, closedBy: 'radar-2' },
    ]);
  });
});

describe('takeOutbox', () => {
  it('hands over the notices in order and empties the outbox', () => {
    let s = take(fresh({ maxQueue: 1 }), req('h', 'HIGH'), 0);
    s = request(request(s, req('a', 'MEDIUM'), 0), req('b', 'LOW'), 0);
    s = grantReady(request(s, req('c', 'HIGH', ['6g']), 0), 0);
    const { state, notices } = takeOutbox(s);
    expect(notices).toEqual([{ kind: 'dropped', eventId: 'b', waiting: 1 }, granted(s, 'c', ['6g'])]);
    expect(state.outbox).toEqual([]);
    expect({ ...state, outbox: s.outbox }).toEqual(s);
    const again = takeOutbox(state);
    expect(again.notices).toEqual([]);
    expect(again.state).toBe(state);
  });
});

describe('takeAnswer', () => {
  it("takes the asker's own grant out of the outbox and leaves the other notices to be signalled", () => {
    let s = watching(fresh(), req('w', 'MEDIUM'), { radio: '5g', until: 60_000, channels: [36] });
    s = grantReady(request(s, req('c', 'HIGH'), 0), 0);
    const { state, answer } = takeAnswer(s, 'c');
    expect(answer).toEqual(granted(s, 'c', ['5g']));
    expect(state.outbox).toEqual([
      {
        kind: 'superseded',
        eventId: 'w',
        radio: '5g',
        by: expect.objectContaining({ eventId: 'c' }),
        rollbackFirst: false,
      },
    ]);
  });

  it('answers a request dropped on arrival with its drop', () => {
    let s = take(fresh({ maxQueue: 1 }), req('h', 'HIGH'), 0);
    s = request(request(s, req('a', 'MEDIUM'), 0), req('b', 'LOW'), 0);
    const { state, answer } = takeAnswer(grantReady(s, 0), 'b');
    expect(answer).toEqual({ kind: 'dropped', eventId: 'b', waiting: 1 });
    expect(state.outbox).toEqual([]);
  });

  it('gives no answer to a request that waits: its notice comes later, through the outbox', () => {
    const s = grantReady(request(take(fresh(), req('h', 'HIGH'), 0), req('a', 'MEDIUM'), 0), 0);
    const { state, answer } = takeAnswer(s, 'a');
    expect(answer).toBeUndefined();
    expect(state).toBe(s);
  });
});

describe('isIdle', () => {
  it('is idle with only a cooldown left', () => {
    const s = release(take(fresh(), req('a', 'HIGH'), 0), partyOf(req('a', 'HIGH')), 0, 0);
    expect(s.radios['5g'].cooldownUntil).toBe(COOLDOWN);
    expect(isIdle(s)).toBe(true);
  });

  it.each<[string, () => ApTurnState]>([
    ['a waiting request', () => request(fresh(), req('a', 'HIGH'), 0)],
    ['a holder', () => take(fresh(), req('a', 'HIGH'), 0)],
    ['a watch', () => watching(fresh(), req('w', 'HIGH'), { radio: '5g', until: 1_000, channels: [] })],
    ['a closed channel', () => closeChannels(fresh(), '5g', [52], 1_000, 'radar-1')],
    ['a notice not yet delivered', () => grantReady(request(fresh(), req('a', 'HIGH'), 0), 0)],
  ])('is not idle with %s', (_, make) => {
    expect(isIdle(make())).toBe(false);
  });
});

describe('nextDeadline', () => {
  it("is a holder's lease end", () => {
    expect(nextDeadline(take(fresh(), req('a', 'HIGH'), 2_000), 2_000)).toBe(2_000 + LEASE);
  });

  it("is a closed channel's reopening", () => {
    expect(nextDeadline(closeChannels(fresh(), '5g', [52], 1_800_000, 'r'), 0)).toBe(1_800_000);
  });

  it("is a watch's end, its check only while it keeps someone waiting", () => {
    let s = closeChannels(fresh(), '5g', [52], 1_800_000, 'r');
    s = watching(s, req('w', 'HIGH', ['6g']), { radio: '6g', until: 300_000, channels: [] });
    expect(nextDeadline(s, 0)).toBe(300_000);
    s = request(s, req('m', 'MEDIUM', ['6g']), 0);
    expect(nextDeadline(s, 0)).toBe(LEASE);
  });

  it('is a cooldown end only while a request waits for it', () => {
    let s = watching(fresh(), req('w', 'HIGH', ['6g']), { radio: '6g', until: 300_000, channels: [] });
    s = release(take(s, req('x', 'HIGH', ['5g']), 0), partyOf(req('x', 'HIGH')), 0, 0);
    expect(s.radios['5g'].cooldownUntil).toBe(COOLDOWN);
    expect(nextDeadline(s, 0)).toBe(300_000);
    s = take(s, req('y', 'CRITICAL', ['5g']), 0);
    expect(nextDeadline(s, 0)).toBe(LEASE);
    // A request that may ignore the cooldown waits for the holder only.
    s = request(s, req('b', 'LOW', ['5g'], { bypassesCooldown: true }), 0);
    expect(nextDeadline(s, 0)).toBe(LEASE);
    s = request(s, req('c', 'HIGH', ['5g']), 0);
    expect(nextDeadline(s, 0)).toBe(COOLDOWN);
  });
});

describe('viewOf, radiosHeldBy', () => {
  it('shows each radio with its holder, watch, cooldown and the ids waiting for it', () => {
    let s = watching(fresh(), req('w', 'HIGH', ['6g']), { radio: '6g', until: 300_000, channels: [37] });
    s = take(s, req('h', 'HIGH', ['2g', '5g']), 0);
    s = request(s, req('l', 'LOW', ['5g', '6g']), 0);
    s = request(s, req('m', 'MEDIUM', ['5g']), 0);
    s = closeChannels(s, '5g', [52], 1_800_000, 'radar-1');
    const v = viewOf(s);
    expect(v.apId).toBe('ap-1');
    expect(v.radios['2g']).toEqual({ ...s.radios['2g'], queue: [] });
    expect(v.radios['5g']).toEqual({ ...s.radios['5g'], queue: ['m', 'l'] });
    expect(v.radios['6g']).toEqual({ ...s.radios['6g'], queue: ['l'] });
    expect(v.radios['6g'].watch?.eventId).toBe('w');
    expect(v.queue).toEqual(s.queue);
    expect(v.closedChannels).toEqual(s.closedChannels);
  });

  it('lists the radios an event holds, in radio order', () => {
    const s = take(fresh(), req('a', 'HIGH', ['6g', '2g']), 0);
    expect(radiosHeldBy(s, 'a')).toEqual(['2g', '6g']);
    expect(radiosHeldBy(s, 'b')).toEqual([]);
  });
});

describe('waitingFor', () => {
  it('names the first of its radios that keeps the request, and why', () => {
    let s = take(fresh(), req('h', 'HIGH', ['2g']), 0);
    s = watching(s, req('w', 'HIGH', ['5g']), { radio: '5g', until: 300_000, channels: [] });
    s = request(s, req('a', 'MEDIUM', ['2g', '5g']), 1_000);
    s = request(s, req('b', 'MEDIUM', ['5g', '6g']), 1_000);
    s = grantReady(s, 1_000);
    expect(waitingFor(s, queuedRequest(s, 'a'), 1_000)).toEqual({
      radio: '2g',
      reason: 'holder',
      by: s.radios['2g'].holder,
    });
    expect(waitingFor(s, queuedRequest(s, 'b'), 1_000)).toEqual({
      radio: '5g',
      reason: 'watch',
      by: s.radios['5g'].watch,
    });
  });

  it('on one radio names a watch before a cooldown, and a cooldown before a holder', () => {
    // 5g: watched after a change (cooling down too); 6g: cooling down and held by a CRITICAL event.
    let s = take(fresh(), req('w', 'HIGH', ['5g', '6g']), 0);
    s = release(s, partyOf(req('w', 'HIGH')), 0, 0, { radio: '5g', until: 300_000, channels: [] });
    s = take(s, req('c', 'CRITICAL', ['6g']), 0);
    s = request(s, req('m5', 'MEDIUM', ['5g']), 1_000);
    s = request(s, req('m6', 'MEDIUM', ['6g']), 1_000);
    expect(waitingFor(s, queuedRequest(s, 'm5'), 1_000)).toEqual({
      radio: '5g',
      reason: 'watch',
      by: s.radios['5g'].watch,
    });
    expect(waitingFor(s, queuedRequest(s, 'm6'), 1_000)).toEqual({ radio: '6g', reason: 'cooldown' });
    expect(waitingFor(s, queuedRequest(s, 'm6'), COOLDOWN)).toEqual({
      radio: '6g',
      reason: 'holder',
      by: s.radios['6g'].holder,
    });
  });
});

describe('property: random sequences of turns', () => {
  interface Ev {
    severity: Severity;
    radios: Radio[];
    bypassesCooldown: boolean;
    channel?: number;
    detectedAt: number;
  }
  /** `pick` chooses among the events involved at the AP (holders first), else among all events. */
  type Op =
    | { kind: 'request'; ev: number }
    | { kind: 'grantReady' }
    | {
        kind: 'release';
        pick: number;
        changed: boolean;
        /** A new watch, null to end the event's watches, or 'keep' to leave them (no watch given). */
        watch: { pick: number; window: number; channels: number[]; movedOff: number[] } | null | 'keep';
      }
    | { kind: 'endWatch'; pick: number }
    | { kind: 'reclaim'; pick: number }
    | { kind: 'expire' }
    | { kind: 'tick'; ms: number };

  const EVENTS = 6;
  const CHANNELS = [36, 52, 56, 100];
  const evArb: fc.Arbitrary<Ev> = fc.record({
    severity: fc.constantFrom(...SEVERITIES),
    radios: fc.subarray([...RADIOS], { minLength: 1 }),
    bypassesCooldown: fc.boolean(),
    channel: fc.option(fc.constantFrom(...CHANNELS), { nil: undefined }),
    detectedAt: fc.integer({ min: 0, max: 3 }),
  });
  const ev = fc.integer({ min: 0, max: EVENTS - 1 });
  const pick = fc.nat();
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('request' as const), ev }), weight: 5 },
    { arbitrary: fc.constant({ kind: 'grantReady' as const }), weight: 5 },
    {
      arbitrary: fc.record({
        kind: fc.constant('release' as const),
        pick,
        changed: fc.boolean(),
        watch: fc.oneof(
          {
            arbitrary: fc.record({
              pick,
              window: fc.integer({ min: 0, max: 120_000 }),
              channels: fc.subarray(CHANNELS),
              movedOff: fc.subarray(CHANNELS),
            }),
            weight: 4,
          },
          { arbitrary: fc.constant(null), weight: 1 },
          { arbitrary: fc.constant('keep' as const), weight: 1 },
        ),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ kind: fc.constant('endWatch' as const), pick }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('reclaim' as const), pick }), weight: 1 },
    { arbitrary: fc.constant({ kind: 'expire' as const }), weight: 1 },
    {
      arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 20_000 }) }),
      weight: 2,
    },
  );

  /** The rules' own statement of who may go now, apart from holders and claims. */
  const eligible = (s: ApTurnState, q: QueuedRequest, now: number): boolean =>
    q.radios.every((r) => {
      const { watch, cooldownUntil } = s.radios[r];
      const watchKeeps = !!watch && watch.eventId !== q.eventId && outranks(watch.severity, q.severity);
      const coolingKeeps = q.severity !== 'CRITICAL' && !q.bypassesCooldown && now < cooldownUntil;
      return !watchKeeps && !coolingKeeps;
    });

  /** A cheap assertion for the hot loop (expect() over thousands of steps is slow). */
  const ok = (cond: boolean, what: string, ...facts: unknown[]): void => {
    if (!cond) throw new Error(`${what}: ${JSON.stringify(facts)}`);
  };
  const same = (a: readonly unknown[], b: readonly unknown[]): boolean => a.join() === b.join();

  it('keeps the turns consistent and grants everything grantable, never under a higher watch', () => {
    const seen = { granted: 0, dropped: 0, 'premise-gone': 0, superseded: 0, rollbackFirst: 0, claimed: 0 };
    fc.assert(
      fc.property(
        fc.array(evArb, { minLength: EVENTS, maxLength: EVENTS }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(opArb, { minLength: 20, maxLength: 100, size: 'medium' }),
        (events, maxQueue, ops) => {
          const id = (i: number): string => `e${i}`;
          const evOf = (eventId: string): Ev => events[Number(eventId.slice(1))];
          const reqOf = (eventId: string): TurnRequest => {
            const e = evOf(eventId);
            return req(eventId, e.severity, e.radios, {
              bypassesCooldown: e.bypassesCooldown,
              channel: e.channel,
              detectedAt: at(e.detectedAt),
            });
          };
          const involved = (s: ApTurnState, n: number): string => {
            const ids = [
              ...RADIOS.flatMap((r) => s.radios[r].holder?.eventId ?? []),
              ...RADIOS.flatMap((r) => s.radios[r].watch?.eventId ?? []),
              ...queued(s),
            ];
            return ids.length && n % 4 !== 0 ? ids[n % ids.length] : id(n % EVENTS);
          };
          let s = fresh({ maxQueue });
          let now = 0;
          /** The radio each event was handed back to roll back first, while it holds it. */
          const handed = new Map<string, Radio>();
          const watchers = new Set<string>();

          for (const op of ops) {
            const before = s;
            switch (op.kind) {
              case 'request': {
                s = request(s, reqOf(id(op.ev)), now);
                break;
              }
              case 'grantReady':
                s = grantReady(s, now);
                break;
              case 'release': {
                const who = involved(s, op.pick);
                const held = radiosHeldBy(s, who);
                const watch =
                  op.watch === 'keep'
                    ? undefined
                    : op.watch && {
                        radio: held.length ? held[op.watch.pick % held.length] : RADIOS[op.watch.pick % 3],
                        until: now + op.watch.window,
                        channels: op.watch.channels,
                        movedOff: op.watch.movedOff,
                      };
                s = release(s, partyOf(reqOf(who)), op.changed ? now : null, now, watch);
                handed.delete(who);
                ok(radiosHeldBy(s, who).length === 0, 'release frees all', who);
                ok(!queued(s).includes(who), 'release forgets the request', who);
                for (const r of RADIOS) {
                  const cooldown = before.radios[r].cooldownUntil;
                  const expected =
                    op.changed && held.includes(r) ? Math.max(cooldown, now + COOLDOWN) : cooldown;
                  ok(s.radios[r].cooldownUntil === expected, 'cooldown from the last change', r, expected);
                }
                const watchedBy = (t: ApTurnState) =>
                  RADIOS.filter((r) => t.radios[r].watch?.eventId === who);
                const placed = watch && held.includes(watch.radio) && watch.until > now ? [watch.radio] : [];
                const expected = watch === undefined ? watchedBy(before) : placed;
                ok(same(watchedBy(s), expected), 'watch only on a held radio, in its window', who, expected);
                break;
              }
              case 'endWatch': {
                const who = involved(s, op.pick);
                s = endWatch(s, who);
                ok(
                  RADIOS.every((r) => s.radios[r].watch?.eventId !== who),
                  'endWatch ends its watches',
                  who,
                );
                break;
              }
              case 'reclaim': {
                const gone = involved(s, op.pick);
                s = reclaim(s, gone).state;
                handed.delete(gone);
                ok(radiosHeldBy(s, gone).length === 0, 'reclaim frees all', gone);
                ok(
                  RADIOS.every((r) => s.radios[r].watch?.eventId !== gone),
                  'reclaim ends its watches',
                  gone,
                );
                ok(!queued(s).includes(gone), 'reclaim forgets its request', gone);
                ok(
                  RADIOS.every((r) => s.radios[r].cooldownUntil === before.radios[r].cooldownUntil),
                  'reclaim starts no cooldown',
                );
                break;
              }
              case 'expire':
                s = expire(s, now);
                ok(
                  RADIOS.every((r) => (s.radios[r].watch?.until ?? Infinity) > now),
                  'expire ends the watches that are over',
                );
                break;
              case 'tick':
                now += op.ms;
                break;
            }

            const { state, notices } = takeOutbox(s);
            s = state;
            RADIOS.forEach((r) => before.radios[r].watch && watchers.add(before.radios[r].watch!.eventId));
            for (const n of notices) {
              seen[n.kind]++;
              if (n.kind === 'superseded') {
                const watch = before.radios[n.radio].watch;
                ok(watch?.eventId === n.eventId, 'superseded is the watcher', n, watch);
                // Only an event of equal or higher severity ends a watch.
                ok(!outranks(watch!.severity, n.by.severity), 'superseded by equal or higher', n, watch);
                ok(!queued(s).includes(n.eventId), "superseded watcher's requests removed", n);
                if (n.rollbackFirst) {
                  seen.rollbackFirst++;
                  ok(n.by.severity === 'CRITICAL', 'rollbackFirst only for CRITICAL', n);
                  ok(watch!.channels.includes(n.by.channel!), 'rollbackFirst only on its channels', n, watch);
                  ok(s.radios[n.radio].holder?.eventId === n.eventId, 'rollbackFirst hands the radio', n);
                  handed.set(n.eventId, n.radio);
                }
              }
              if (n.kind === 'dropped') ok(!queued(s).includes(n.eventId), 'dropped leaves the queue', n);
              if (n.kind === 'premise-gone') {
                // Only a request about a channel the radio's watcher moved it off is answered so.
                const watch = before.radios[n.radio].watch;
                const asked = reqOf(n.eventId);
                ok(watch?.eventId === n.by.eventId, 'premise-gone names the watcher', n, watch);
                ok(asked.type === 'NON_WIFI_BURST' && asked.channel === n.channel, 'about its channel', n);
                ok(
                  watch!.movedOff!.includes(n.channel) && !watch!.channels.includes(n.channel),
                  'moved off it',
                  n,
                );
                ok(!queued(s).includes(n.eventId) && radiosHeldBy(s, n.eventId).length === 0, 'no turn', n);
              }
              if (n.kind === 'granted') {
                const held = radiosHeldBy(s, n.eventId);
                ok(
                  n.radios.every((r) => held.includes(r)),
                  'granted radios are held',
                  n,
                  held,
                );
                if (n.heldBackBy !== undefined) {
                  ok(watchers.has(n.heldBackBy) && n.heldBackBy !== n.eventId, 'held back by a watcher', n);
                }
              }
            }

            // No event waits for a radio it holds; nobody waits twice.
            const waiting = queued(s);
            ok(new Set(waiting).size === waiting.length, 'waits once', waiting);
            for (const r of RADIOS) {
              const h = s.radios[r].holder;
              const waitsHere = s.queue.some((q) => q.eventId === h?.eventId && q.radios.includes(r));
              ok(!waitsHere, 'not waiting for a radio it holds', h, waiting);
            }
            // The queue stays in priority order and within its bound on each radio.
            for (let i = 1; i < s.queue.length; i++) {
              ok(byPriority(s.queue[i - 1], s.queue[i]) < 0, 'queue in priority order', waiting);
            }
            for (const r of RADIOS) {
              const n = s.queue.filter((q) => q.radios.includes(r)).length;
              ok(n <= maxQueue, 'queue bound per radio', r, n);
            }
            // A holder holds exactly the radios of the one request it was granted, or the radio
            // handed back to it to roll back first.
            const holding = new Set(RADIOS.flatMap((r) => s.radios[r].holder?.eventId ?? []));
            for (const h of holding) {
              const held = radiosHeldBy(s, h);
              const handedRadio = handed.get(h);
              ok(
                same(held, [...evOf(h).radios].sort()) || (!!handedRadio && same(held, [handedRadio])),
                'holds one request',
                h,
                held,
              );
            }
            // No radio changes hands to an event of lower severity than another event's live watch.
            for (const r of RADIOS) {
              const h = s.radios[r].holder;
              const w = before.radios[r].watch;
              if (!h || h.eventId === before.radios[r].holder?.eventId || !w || w.eventId === h.eventId)
                continue;
              ok(!outranks(w.severity, h.severity), 'granted under a higher watch', r, h, w);
            }
            // After grantReady nothing grantable is left waiting: each waiting request is kept by a
            // watch or cooldown, or needs a radio held or claimed by an earlier eligible request.
            if (op.kind === 'grantReady') {
              ok(grantReady(s, now) === s, 'grantReady leaves nothing to grant');
              const claimed = new Set<Radio>();
              for (const q of s.queue) {
                const watchKeeps = q.radios.some((r) => {
                  const w = s.radios[r].watch;
                  return !!w && w.eventId !== q.eventId && outranks(w.severity, q.severity);
                });
                ok(!watchKeeps || q.heldBackBy !== undefined, 'a request a watch keeps is told who', q);
                if (!eligible(s, q, now)) continue;
                const held = q.radios.some((r) => s.radios[r].holder !== null);
                ok(held || q.radios.some((r) => claimed.has(r)), 'grantable left waiting', q);
                if (!held) seen.claimed++;
                q.radios.forEach((r) => claimed.add(r));
              }
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
    // The runs met every case the invariants are about.
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(0);
  });
});
