// The turns of one AP's radios (docs/coordination.md): who is changing a radio now (its holder, on a
// lease), who watches it after a change, who waits in which order, each radio's cooldown, and the
// channels closed by radar. Pure state transitions; the apCoordinator workflow drives them with
// signals and timers and delivers the notices they leave in the outbox.
import { closedChannelsFor, stillClosed, withClosure, type ClosedChannel } from './dfs';
import type { EventType, Severity } from './event-types';
import { RADIOS, type Radio } from './regulatory';
import { byPriority, outranks } from './priority';

export interface TurnRequest {
  eventId: string;
  type: EventType;
  /** The radios of this AP the action changes: granted together, all or none. */
  radios: Radio[];
  severity: Severity;
  detectedAt: string;
  bypassesCooldown: boolean;
  /** The channel the event concerns, when it names one (radar, interference). */
  channel?: number;
  /**
   * The event whose watch this request takes over whatever their severities: the move a joint
   * re-plan follows (docs/coordination.md, "Whom a re-plan's watch keeps waiting").
   */
  takesOver?: string;
}

export interface QueuedRequest extends TurnRequest {
  /** Arrival order at this AP: the last tie-breaker. */
  arrival: number;
  /** The watcher whose watch kept this request waiting, if one did (told with the grant). */
  heldBackBy?: string;
  /**
   * The channels a watcher had moved the radio onto before it rolled back for this (CRITICAL)
   * request: where the radio was when the event was raised (told with the grant).
   */
  undoneMoveOnto?: number[];
}

/** Who an event is, as the coordinator remembers a holder or a watcher. */
export interface TurnParty {
  eventId: string;
  type: EventType;
  severity: Severity;
}

/**
 * The rank of a watch taken over: whoever waited behind it waits behind its successor as long as it
 * would have, and no longer.
 */
export interface InheritedRank {
  severity: Severity;
  /** When the watch taken over would have ended (epoch ms). */
  until: number;
  /** The event whose watch it was. */
  from: string;
}

export interface TurnHolder extends TurnParty {
  grantedAt: number;
  /** Epoch ms at which the coordinator checks that the holder's workflow is still running. */
  leaseUntil: number;
  /** Set when its turn took over a watch: the rank its own watch keeps until that watch's end. */
  inherits?: InheritedRank;
}

/** A change being monitored: not a lock, but lower-severity events wait for it to end. */
export interface Watch extends TurnParty {
  /** End of the monitor window (epoch ms): the watch lasts at most this long. */
  until: number;
  /** 20 MHz channels the watcher moved the radio onto: a CRITICAL event there makes it roll back first. */
  channels: number[];
  /** Epoch ms at which a watch that keeps someone waiting has its watcher's workflow checked. */
  checkAt: number;
  /** 20 MHz channels the watcher moved the radio off: events about them are answered. Absent: unknown. */
  movedOff?: number[];
  /** The rank of the watch this one took over, kept until that watch's end. */
  inherits?: InheritedRank;
}

export interface RadioTurn {
  holder: TurnHolder | null;
  watch: Watch | null;
  /** Epoch ms before which a cooldown-bound action may not start on this radio. */
  cooldownUntil: number;
}

/** The radar closures an AP's coordinator keeps (the DFS rules are dfs.ts's). */
export type { ClosedChannel };

export interface TurnSettings {
  cooldownMs: number;
  /** Requests waiting for one radio beyond this: the lowest in priority order is dropped. */
  maxQueue: number;
  /** How long a turn is granted before the coordinator checks on its holder. */
  leaseMs: number;
}

/** What the coordinator must tell an event workflow; kept in state until delivered. */
export type TurnNotice =
  | {
      kind: 'granted';
      eventId: string;
      radios: Radio[];
      closedChannels: Partial<Record<Radio, number[]>>;
      /** The closures behind `closedChannels`: which radar detection closed each channel, and where. */
      closures?: ClosedChannel[];
      heldBackBy?: string;
      undoneMoveOnto?: number[];
    }
  | { kind: 'dropped'; eventId: string; waiting: number }
  /**
   * The radio's watcher already moved it off the channel the request is about: nothing is left to
   * act on, and the request is answered without a turn.
   */
  | {
      kind: 'premise-gone';
      eventId: string;
      radio: Radio;
      /** The channel the request is about. */
      channel: number;
      /** The watcher whose move answered it, and the 20 MHz channels it moved the radio onto. */
      by: TurnParty;
      movedOnto: number[];
    }
  /**
   * A watch ended by a newcomer of equal or higher severity. `rollbackFirst`: the newcomer is a
   * CRITICAL event on the channel the watcher moved to, and the watcher now holds the radio's turn
   * to undo its move (or hand over) before the newcomer acts.
   */
  | {
      kind: 'superseded';
      eventId: string;
      radio: Radio;
      by: Pick<TurnRequest, 'eventId' | 'type' | 'severity' | 'channel'>;
      rollbackFirst: boolean;
    };

export interface ApTurnState {
  apId: string;
  radios: Record<Radio, RadioTurn>;
  /** Waiting requests in priority order. */
  queue: QueuedRequest[];
  closedChannels: ClosedChannel[];
  arrivals: number;
  settings: TurnSettings;
  outbox: TurnNotice[];
}

export function initialTurnState(apId: string, settings: TurnSettings): ApTurnState {
  const free = (): RadioTurn => ({ holder: null, watch: null, cooldownUntil: 0 });
  return {
    apId,
    radios: { '2g': free(), '5g': free(), '6g': free() },
    queue: [],
    closedChannels: [],
    arrivals: 0,
    settings,
    outbox: [],
  };
}

const withRadio = (state: ApTurnState, radio: Radio, change: Partial<RadioTurn>): ApTurnState => ({
  ...state,
  radios: { ...state.radios, [radio]: { ...state.radios[radio], ...change } },
});

const notify = (state: ApTurnState, notice: TurnNotice): ApTurnState => ({
  ...state,
  outbox: [...state.outbox, notice],
});

/** Radios held by `eventId`. */
export function radiosHeldBy(state: ApTurnState, eventId: string): Radio[] {
  return RADIOS.filter((r) => state.radios[r].holder?.eventId === eventId);
}

function grantNotice(
  state: ApTurnState,
  eventId: string,
  radios: Radio[],
  told: Pick<QueuedRequest, 'heldBackBy' | 'undoneMoveOnto'> = {},
): TurnNotice {
  const closures = state.closedChannels.filter((c) => radios.includes(c.radio));
  return {
    kind: 'granted',
    eventId,
    radios,
    closedChannels: Object.fromEntries(radios.map((r) => [r, closedChannelsFor(state.closedChannels, r)])),
    ...(closures.length ? { closures } : {}),
    ...(told.heldBackBy ? { heldBackBy: told.heldBackBy } : {}),
    ...(told.undoneMoveOnto ? { undoneMoveOnto: told.undoneMoveOnto } : {}),
  };
}

/**
 * A request for radios' turns. A repeat from a waiting event changes nothing; a repeat from the
 * event already holding them (a retried activity, a reset workflow) is answered with the grant
 * again. A CRITICAL request for a held radio has the holder checked at once: it must never wait
 * on a vanished workflow. When a radio's queue overflows, its lowest request is dropped.
 */
export function request(state: ApTurnState, req: TurnRequest, now: number): ApTurnState {
  if (state.queue.some((q) => q.eventId === req.eventId)) return state;
  const held = radiosHeldBy(state, req.eventId);
  if (held.length && req.radios.every((r) => held.includes(r))) {
    return notify(state, grantNotice(state, req.eventId, req.radios));
  }
  // Radios it already holds (one handed back to undo first) need no second turn.
  const radios = [...new Set(req.radios)].filter((r) => !held.includes(r)).sort();
  let next: ApTurnState = {
    ...state,
    queue: [...state.queue, { ...req, radios, arrival: state.arrivals }].sort(byPriority),
    arrivals: state.arrivals + 1,
  };
  if (req.severity === 'CRITICAL') {
    for (const radio of radios) {
      const holder = next.radios[radio].holder;
      if (holder && holder.eventId !== req.eventId && holder.leaseUntil > now) {
        next = withRadio(next, radio, { holder: { ...holder, leaseUntil: now } });
      }
    }
  }
  for (const radio of radios) next = dropOverflow(next, radio);
  return next;
}

function dropOverflow(state: ApTurnState, radio: Radio): ApTurnState {
  const waiting = state.queue.filter((q) => q.radios.includes(radio));
  if (waiting.length <= state.settings.maxQueue) return state;
  const lowest = waiting[waiting.length - 1];
  const next = { ...state, queue: state.queue.filter((q) => q !== lowest) };
  return notify(next, { kind: 'dropped', eventId: lowest.eventId, waiting: waiting.length - 1 });
}

/** The severity others wait behind: the watch's own, or the one it inherited while that lasts. */
function rankOf(watch: Watch, now: number): Severity {
  return heldRank(watch, now)?.severity ?? watch.severity;
}

/** The rank the watch inherited, while it lasts and ranks above the watch's own. */
export function heldRank(watch: Watch, now: number): InheritedRank | undefined {
  const { inherits } = watch;
  return inherits && now < inherits.until && outranks(inherits.severity, watch.severity)
    ? inherits
    : undefined;
}

/**
 * A watch keeps `req` waiting: it belongs to another event of strictly higher rank, and is not the
 * watch `req` takes over.
 */
function watchBlocks(watch: Watch | null, req: TurnRequest, now: number): boolean {
  return (
    !!watch &&
    watch.eventId !== req.eventId &&
    watch.eventId !== req.takesOver &&
    outranks(rankOf(watch, now), req.severity)
  );
}

/** Types whose event is about the channel the radio is on (an interferer, a saturated channel). */
const ABOUT_ITS_CHANNEL: readonly EventType[] = ['NON_WIFI_BURST', 'SPECTRUM_SAT'];

/**
 * The watcher's change moved the radio off the channel `req` is about: whatever it would do is
 * answered already. A watch that moved no channel (power, say) answers nothing, nor does one whose
 * change left the radio on that channel (a narrower width); an event about a channel the radio was
 * not on is not answered by the watcher's change (its plan says so once it has its turn).
 */
export function premiseGone(watch: Watch, req: TurnRequest): boolean {
  return (
    watch.eventId !== req.eventId &&
    ABOUT_ITS_CHANNEL.includes(req.type) &&
    req.channel !== undefined &&
    (watch.movedOff ?? []).includes(req.channel) &&
    !watch.channels.includes(req.channel)
  );
}

/** No CRITICAL event ever waits for a cooldown; other types wait unless the policy lets them bypass it. */
function coolingDown(turn: RadioTurn, req: QueuedRequest, now: number): boolean {
  return !req.bypassesCooldown && req.severity !== 'CRITICAL' && now < turn.cooldownUntil;
}

function eligible(state: ApTurnState, req: QueuedRequest, now: number): boolean {
  return req.radios.every(
    (r) => !watchBlocks(state.radios[r].watch, req, now) && !coolingDown(state.radios[r], req, now),
  );
}

/** What kept a waiting request from its turn: the watch or cooldown of one of its radios, or a holder. */
export function waitingFor(
  state: Pick<ApTurnState, 'radios'>,
  req: QueuedRequest,
  now: number,
): { radio: Radio; reason: 'watch' | 'cooldown' | 'holder' | 'priority'; by?: TurnParty } {
  for (const radio of req.radios) {
    const turn = state.radios[radio];
    if (watchBlocks(turn.watch, req, now)) return { radio, reason: 'watch', by: turn.watch! };
    if (coolingDown(turn, req, now)) return { radio, reason: 'cooldown' };
    if (turn.holder) return { radio, reason: 'holder', by: turn.holder };
  }
  return { radio: req.radios[0], reason: 'priority' };
}

/** Rules a coordinator applies only from the build that brought them (replay, docs/upgrades.md). */
export interface GrantRules {
  /** Answer requests whose premise a watcher's move took away (premiseGone). */
  answerGonePremises: boolean;
}

/**
 * Grants every turn that can be granted now, in priority order. A request whose premise a watcher's
 * move took away is answered first, without a turn: it would wait, or supersede the watch, for
 * nothing. A request is granted when all its radios are free, eligible and not wanted by an earlier
 * request that only waits for a holder. A grant over another event's watch supersedes the watcher;
 * a CRITICAL event on the channel the watcher moved to hands the radio to the watcher first, to
 * roll back or hand over.
 */
export function grantReady(
  state: ApTurnState,
  now: number,
  rules: GrantRules = { answerGonePremises: true },
): ApTurnState {
  if (rules.answerGonePremises) state = answerGonePremises(state);
  state = markHeldBack(state, now);
  for (;;) {
    const next = grantOne(state, now);
    if (next === state) return state;
    state = next;
  }
}

/** Answers, without a turn, every waiting request a watcher's move has made moot. */
function answerGonePremises(state: ApTurnState): ApTurnState {
  let next = state;
  for (const req of state.queue) {
    const radio = req.radios.find((r) => {
      const watch = state.radios[r].watch;
      return watch && premiseGone(watch, req);
    });
    if (!radio) continue;
    const { eventId, type, severity, channels } = state.radios[radio].watch!;
    next = notify(
      { ...next, queue: next.queue.filter((q) => q !== req) },
      {
        kind: 'premise-gone',
        eventId: req.eventId,
        radio,
        channel: req.channel!,
        by: { eventId, type, severity },
        movedOnto: channels,
      },
    );
  }
  return next;
}

/** Remembers which watch keeps each waiting request back, so its event can be told why it waited. */
function markHeldBack(state: ApTurnState, now: number): ApTurnState {
  let changed = false;
  const queue = state.queue.map((q) => {
    const watch = q.radios.map((r) => state.radios[r].watch).find((w) => watchBlocks(w, q, now));
    if (!watch || q.heldBackBy) return q;
    changed = true;
    return { ...q, heldBackBy: watch.eventId };
  });
  return changed ? { ...state, queue } : state;
}

function grantOne(state: ApTurnState, now: number): ApTurnState {
  const wanted = new Set<Radio>();
  for (const req of state.queue) {
    if (!eligible(state, req, now)) continue;
    if (req.radios.some((r) => state.radios[r].holder || wanted.has(r))) {
      req.radios.forEach((r) => wanted.add(r));
      continue;
    }
    const rollbackFirst = req.radios.find((r) => watcherRollsBackFirst(state.radios[r].watch, req));
    if (rollbackFirst) return handToWatcher(state, rollbackFirst, req, now);
    return grant(state, req, now);
  }
  return state;
}

function watcherRollsBackFirst(watch: Watch | null, req: QueuedRequest): boolean {
  return (
    !!watch &&
    watch.eventId !== req.eventId &&
    req.severity === 'CRITICAL' &&
    req.channel !== undefined &&
    watch.channels.includes(req.channel)
  );
}

function supersede(
  state: ApTurnState,
  radio: Radio,
  by: Pick<TurnRequest, 'eventId' | 'type' | 'severity' | 'channel'>,
  rollbackFirst: boolean,
): ApTurnState {
  const watcher = state.radios[radio].watch!;
  const { eventId, type, severity, channel } = by;
  const next = {
    ...withRadio(state, radio, { watch: null }),
    // A superseded watcher gives up whatever it was waiting for here.
    queue: state.queue.filter((q) => q.eventId !== watcher.eventId),
  };
  return notify(next, {
    kind: 'superseded',
    eventId: watcher.eventId,
    radio,
    by: { eventId, type, severity, channel },
    rollbackFirst,
  });
}

function handToWatcher(state: ApTurnState, radio: Radio, req: QueuedRequest, now: number): ApTurnState {
  const { eventId, type, severity, channels } = state.radios[radio].watch!;
  let next = supersede(state, radio, req, true);
  // The newcomer acts once the move is undone; it is told where the radio was when it was raised.
  next = { ...next, queue: next.queue.map((q) => (q === req ? { ...q, undoneMoveOnto: channels } : q)) };
  return withRadio(next, radio, {
    holder: { eventId, type, severity, grantedAt: now, leaseUntil: now + state.settings.leaseMs },
  });
}

function grant(state: ApTurnState, req: QueuedRequest, now: number): ApTurnState {
  let next: ApTurnState = { ...state, queue: state.queue.filter((q) => q !== req) };
  for (const radio of req.radios) {
    const watch = next.radios[radio].watch;
    if (watch && watch.eventId !== req.eventId) next = supersede(next, radio, req, false);
    const { eventId, type, severity } = req;
    const inherits = watch && watch.eventId === req.takesOver ? inheritedFrom(watch, req, now) : undefined;
    next = withRadio(next, radio, {
      holder: {
        eventId,
        type,
        severity,
        grantedAt: now,
        leaseUntil: now + state.settings.leaseMs,
        ...(inherits ? { inherits } : {}),
      },
    });
  }
  return notify(next, grantNotice(next, req.eventId, req.radios, req));
}

/** The rank a request keeps from the watch it takes over, when that ranks above its own. */
function inheritedFrom(watch: Watch, req: TurnRequest, now: number): InheritedRank | undefined {
  if (watch.until <= now) return undefined;
  // A watch that itself holds an inherited rank passes that on, with its end and origin.
  const rank = heldRank(watch, now) ?? { severity: watch.severity, until: watch.until, from: watch.eventId };
  return outranks(rank.severity, req.severity) ? rank : undefined;
}

export interface WatchRequest {
  radio: Radio;
  until: number;
  channels: number[];
  /** The 20 MHz channels the change moved the radio off (watches placed by older builds lack it). */
  movedOff?: number[];
}

/**
 * The watch a change places on its radio; its watcher is checked a lease from now. It keeps the
 * rank its turn inherited while that lasts.
 */
function placedWatch(
  party: TurnParty,
  watch: WatchRequest,
  now: number,
  state: ApTurnState,
  inherits?: InheritedRank,
): Watch {
  const { eventId, type, severity } = party;
  const { until, channels, movedOff } = watch;
  const kept = inherits && inherits.until > now ? { inherits } : {};
  const off = movedOff?.length ? { movedOff } : {};
  return { eventId, type, severity, until, channels, checkAt: now + state.settings.leaseMs, ...off, ...kept };
}

/**
 * The event gives back its turns on this AP and forgets any request it still has here. The radios
 * it changed cool down from `lastChangeAt`. `watch`: a new watch on a radio it held, for its window
 * (replacing its earlier ones); null ends its watches; absent leaves them as they are.
 */
export function release(
  state: ApTurnState,
  party: TurnParty,
  lastChangeAt: number | null,
  now: number,
  watch?: WatchRequest | null,
): ApTurnState {
  const held = radiosHeldBy(state, party.eventId);
  const holder = watch ? state.radios[watch.radio].holder : null;
  const inherits = holder?.eventId === party.eventId ? holder.inherits : undefined;
  let next = watch === undefined ? state : endWatch(state, party.eventId);
  next = { ...next, queue: next.queue.filter((q) => q.eventId !== party.eventId) };
  for (const radio of held) {
    const cooldownUntil =
      lastChangeAt === null
        ? next.radios[radio].cooldownUntil
        : Math.max(next.radios[radio].cooldownUntil, lastChangeAt + state.settings.cooldownMs);
    next = withRadio(next, radio, { holder: null, cooldownUntil });
  }
  if (watch && held.includes(watch.radio) && watch.until > now) {
    // A radar move landed while this event held the radio (its apply planned again around it): the
    // newer change takes the radio's watch, and the radar's watcher is told so.
    if (next.radios[watch.radio].watch) next = supersede(next, watch.radio, party, false);
    next = withRadio(next, watch.radio, { watch: placedWatch(party, watch, now, state, inherits) });
  }
  return next;
}

/** A radar move already made on one radio (the radar reflex), as its coordinator is told of it after the fact. */
export interface RadarMove extends TurnParty {
  radio: Radio;
  /** The radar's channel (the event's `data.channel`). */
  channel: number;
  /** Epoch ms of the move: the radio cools down from it. */
  movedAt: number;
  /** The move's watch, when it is monitored. */
  watch?: WatchRequest;
}

/**
 * A radar move made without a turn (docs/coordination.md, "The radar reflex"): the radio's watcher,
 * if another event, is superseded after the fact (its change stays: the radar moved the radio on),
 * the radio cools down from the move and the move's watch takes the radio. A holder keeps its turn:
 * its apply meets the radio's changed version and plans again.
 */
export function radarMoved(state: ApTurnState, move: RadarMove, now: number): ApTurnState {
  const { radio, eventId, type, severity, channel, watch } = move;
  let next = state;
  const watcher = next.radios[radio].watch;
  if (watcher && watcher.eventId !== eventId)
    next = supersede(next, radio, { eventId, type, severity, channel }, false);
  const cooldownUntil = Math.max(next.radios[radio].cooldownUntil, move.movedAt + state.settings.cooldownMs);
  next = withRadio(next, radio, { cooldownUntil });
  if (watch && watch.until > now) {
    next = withRadio(next, radio, { watch: placedWatch(move, watch, now, state) });
  }
  return next;
}

/** The watcher's monitoring is over (kept, rolled back, committed): its watches end. */
export function endWatch(state: ApTurnState, eventId: string): ApTurnState {
  let next = state;
  for (const radio of RADIOS) {
    if (next.radios[radio].watch?.eventId === eventId) next = withRadio(next, radio, { watch: null });
  }
  return next;
}

/** What an event whose workflow has closed left behind on this AP. */
export interface Reclaimed {
  party: TurnParty;
  held: Radio[];
  watched: Radio[];
}

/** Takes back the turns and watches of an event whose workflow has closed; no cooldown starts. */
export function reclaim(state: ApTurnState, eventId: string): { state: ApTurnState; reclaimed?: Reclaimed } {
  const held = radiosHeldBy(state, eventId);
  const watched = RADIOS.filter((r) => state.radios[r].watch?.eventId === eventId);
  const party = [...held, ...watched].map((r) => state.radios[r].holder ?? state.radios[r].watch)[0];
  let next: ApTurnState = {
    ...endWatch(state, eventId),
    queue: state.queue.filter((q) => q.eventId !== eventId),
  };
  for (const radio of held) next = withRadio(next, radio, { holder: null });
  if (!party) return { state: next };
  const { eventId: id, type, severity } = party;
  return { state: next, reclaimed: { party: { eventId: id, type, severity }, held, watched } };
}

/**
 * Events whose workflow the coordinator must check now: holders whose lease has run out, and
 * watchers whose watch keeps someone waiting past its check time.
 */
export function leasesDue(state: ApTurnState, now: number): string[] {
  const due = new Set<string>();
  for (const radio of RADIOS) {
    const { holder, watch } = state.radios[radio];
    if (holder && holder.leaseUntil <= now) due.add(holder.eventId);
    if (watch && watch.checkAt <= now && keepsWaiting(state, radio, now)) due.add(watch.eventId);
  }
  return [...due];
}

function keepsWaiting(state: ApTurnState, radio: Radio, now: number): boolean {
  const watch = state.radios[radio].watch;
  return state.queue.some((q) => q.radios.includes(radio) && watchBlocks(watch, q, now));
}

/** The event's workflow is still running: its turns and watches are good for another lease. */
export function renewLease(state: ApTurnState, eventId: string, now: number): ApTurnState {
  let next = state;
  for (const radio of RADIOS) {
    const { holder, watch } = next.radios[radio];
    const leaseUntil = now + state.settings.leaseMs;
    if (holder?.eventId === eventId) next = withRadio(next, radio, { holder: { ...holder, leaseUntil } });
    if (watch?.eventId === eventId)
      next = withRadio(next, radio, { watch: { ...watch, checkAt: leaseUntil } });
  }
  return next;
}

/** Ends watches whose window is over and reopens channels whose Non-Occupancy Period is over. */
export function expire(state: ApTurnState, now: number): ApTurnState {
  let next = state;
  for (const radio of RADIOS) {
    const watch = next.radios[radio].watch;
    if (watch && watch.until <= now) next = withRadio(next, radio, { watch: null });
  }
  const open = stillClosed(next.closedChannels, now);
  return open.length === next.closedChannels.length ? next : { ...next, closedChannels: open };
}

/** Closes channels for the Non-Occupancy Period; an existing closure is extended, never shortened. */
export function closeChannels(
  state: ApTurnState,
  radio: Radio,
  channels: number[],
  until: number,
  closedBy: string,
  heardBy?: string,
): ApTurnState {
  const closedChannels = withClosure(state.closedChannels, { radio, channels, until, closedBy, heardBy });
  return { ...state, closedChannels };
}

/** The notices that answer a request: it was granted, dropped, or its premise is gone. */
export type TurnAnswerNotice = Extract<TurnNotice, { kind: 'granted' | 'dropped' | 'premise-gone' }>;

/**
 * Takes `eventId`'s grant, drop or premise-gone answer out of the outbox: the answer its request gets directly, so no
 * signal follows. Undefined when the request waits (its notice comes later, through the outbox).
 */
export function takeAnswer(
  state: ApTurnState,
  eventId: string,
): { state: ApTurnState; answer?: TurnAnswerNotice } {
  const answer = state.outbox.find(
    (n): n is TurnAnswerNotice => n.eventId === eventId && n.kind !== 'superseded',
  );
  if (!answer) return { state };
  return { state: { ...state, outbox: state.outbox.filter((n) => n !== answer) }, answer };
}

/** Empties the outbox. */
export function takeOutbox(state: ApTurnState): { state: ApTurnState; notices: TurnNotice[] } {
  return { state: state.outbox.length ? { ...state, outbox: [] } : state, notices: state.outbox };
}

/** Nothing waits, holds, watches or is closed, and nothing is left to tell: the coordinator may end. */
export function isIdle(state: ApTurnState): boolean {
  return (
    state.queue.length === 0 &&
    state.closedChannels.length === 0 &&
    state.outbox.length === 0 &&
    RADIOS.every((r) => !state.radios[r].holder && !state.radios[r].watch)
  );
}

/**
 * The next time something changes without a signal: a lease or watch check, a watch's end, a
 * cooldown end that a waiting request needs, or a channel reopening.
 */
export function nextDeadline(state: ApTurnState, now: number): number | undefined {
  const times = state.closedChannels.map((c) => c.until);
  for (const radio of RADIOS) {
    const turn = state.radios[radio];
    if (turn.holder) times.push(turn.holder.leaseUntil);
    if (turn.watch) times.push(turn.watch.until);
    if (turn.watch && keepsWaiting(state, radio, now)) {
      times.push(turn.watch.checkAt);
      // Its inherited rank running out may let the waiters go.
      const held = heldRank(turn.watch, now);
      if (held) times.push(held.until);
    }
    const waitsForCooldown = state.queue.some((q) => q.radios.includes(radio) && coolingDown(turn, q, now));
    if (waitsForCooldown) times.push(turn.cooldownUntil);
  }
  return times.length ? Math.min(...times) : undefined;
}

/** One radio as `rrm ap` shows it. */
export interface RadioTurnView extends RadioTurn {
  /** Event ids waiting for this radio, first to act first. */
  queue: string[];
}

/** What `state` on `ap:<apId>` answers: per radio holder, lease, watch, cooldown and queue. */
export interface ApTurnView {
  apId: string;
  radios: Record<Radio, RadioTurnView>;
  queue: QueuedRequest[];
  closedChannels: ClosedChannel[];
}

export function viewOf(state: ApTurnState): ApTurnView {
  const radios = Object.fromEntries(
    RADIOS.map((r) => [
      r,
      { ...state.radios[r], queue: state.queue.filter((q) => q.radios.includes(r)).map((q) => q.eventId) },
    ]),
  ) as Record<Radio, RadioTurnView>;
  return { apId: state.apId, radios, queue: state.queue, closedChannels: state.closedChannels };
}
