// The AP's turn (DESIGN.md §4 "One action per AP at a time"): who holds the AP, who waits in which
// order, the cooldown, and the channels closed by radar. Pure state transitions; the apCoordinator
// workflow drives them with signals and timers.
import type { EventType, Severity } from './events';
import type { Radio } from './regulatory';
import { byPriority, outranks } from './priority';

export interface TurnRequest {
  eventId: string;
  type: EventType;
  radio: Radio;
  severity: Severity;
  detectedAt: string;
  bypassesCooldown: boolean;
  /** The channel the event concerns, when it names one (radar, interference). */
  channel?: number;
}

export interface QueuedRequest extends TurnRequest {
  /** Arrival order at this AP: the last tie-breaker. */
  arrival: number;
}

export interface TurnHolder extends QueuedRequest {
  grantedAt: number;
  /** Event that outranks the holder and has asked it to yield, if any. */
  preemptedBy?: string;
}

/** A 20 MHz channel in its Non-Occupancy Period after radar. */
export interface ClosedChannel {
  radio: Radio;
  channel: number;
  /** Epoch ms when the Non-Occupancy Period ends. */
  until: number;
  closedBy: string;
}

export interface ApTurnState {
  apId: string;
  queue: QueuedRequest[];
  holder: TurnHolder | null;
  /** Epoch ms before which a cooldown-bound action may not start. */
  cooldownUntil: number;
  cooldownMs: number;
  /** Waiting requests beyond this are dropped, lowest priority first. */
  maxQueue: number;
  closedChannels: ClosedChannel[];
  arrivals: number;
  /** Requests dropped from a full queue whose events have not been told yet (an outbox). */
  dropped: QueuedRequest[];
}

export function initialTurnState(apId: string, cooldownMs: number, maxQueue = Infinity): ApTurnState {
  return {
    apId,
    queue: [],
    holder: null,
    cooldownUntil: 0,
    cooldownMs,
    maxQueue,
    closedChannels: [],
    arrivals: 0,
    dropped: [],
  };
}

/**
 * Adds a request in priority order; a request already queued or holding (a retried signal) changes
 * nothing. When the queue overflows, the lowest request in priority order moves to `dropped`.
 */
export function enqueue(state: ApTurnState, request: TurnRequest): ApTurnState {
  const known = (q: QueuedRequest) => q.eventId === request.eventId;
  if (state.holder?.eventId === request.eventId || state.queue.some(known) || state.dropped.some(known)) {
    return state;
  }
  const queue = [...state.queue, { ...request, arrival: state.arrivals }].sort(byPriority);
  const overflow = queue.length > state.maxQueue ? queue.splice(state.maxQueue) : [];
  return { ...state, queue, arrivals: state.arrivals + 1, dropped: [...state.dropped, ...overflow] };
}

/** Empties the outbox of dropped requests. */
export function takeDropped(state: ApTurnState): { state: ApTurnState; dropped: QueuedRequest[] } {
  return { state: state.dropped.length ? { ...state, dropped: [] } : state, dropped: state.dropped };
}

/** The request that may take the turn now, if the AP is free. */
export function nextToGrant(state: ApTurnState, now: number): QueuedRequest | undefined {
  if (state.holder) return undefined;
  return state.queue.find((q) => q.bypassesCooldown || now >= state.cooldownUntil);
}

export function grant(state: ApTurnState, eventId: string, now: number): ApTurnState {
  const request = state.queue.find((q) => q.eventId === eventId);
  if (!request || state.holder) return state;
  return {
    ...state,
    holder: { ...request, grantedAt: now },
    queue: state.queue.filter((q) => q.eventId !== eventId),
  };
}

/** Drops a request that can no longer take its turn (its workflow is gone). */
export function withdraw(state: ApTurnState, eventId: string): ApTurnState {
  return {
    ...state,
    queue: state.queue.filter((q) => q.eventId !== eventId),
    holder: state.holder?.eventId === eventId ? null : state.holder,
  };
}

/**
 * The holder gives the turn back. `lastChangeAt` is when it last changed the AP's configuration
 * (apply or rollback); the cooldown runs from there.
 */
export function release(state: ApTurnState, eventId: string, lastChangeAt: number | null): ApTurnState {
  const wasHolder = state.holder?.eventId === eventId;
  const next = withdraw(state, eventId);
  if (!wasHolder || lastChangeAt === null) return next;
  return { ...next, cooldownUntil: Math.max(state.cooldownUntil, lastChangeAt + state.cooldownMs) };
}

/** A waiting event strictly more severe than the holder, which the holder has not yet been asked to yield to. */
export function preemptor(state: ApTurnState): QueuedRequest | undefined {
  const { holder } = state;
  if (!holder || holder.preemptedBy) return undefined;
  const first = state.queue[0];
  return first && outranks(first.severity, holder.severity) ? first : undefined;
}

export function markPreempted(state: ApTurnState, by: string): ApTurnState {
  return state.holder ? { ...state, holder: { ...state.holder, preemptedBy: by } } : state;
}

/** Closes channels for the Non-Occupancy Period; an existing closure is extended, never shortened. */
export function closeChannels(
  state: ApTurnState,
  radio: Radio,
  channels: number[],
  until: number,
  closedBy: string,
): ApTurnState {
  const others = state.closedChannels.filter((c) => !(c.radio === radio && channels.includes(c.channel)));
  const updated = channels.map((channel) => {
    const existing = state.closedChannels.find((c) => c.radio === radio && c.channel === channel);
    return existing && existing.until >= until ? existing : { radio, channel, until, closedBy };
  });
  return {
    ...state,
    closedChannels: [...others, ...updated].sort((a, b) => a.channel - b.channel),
  };
}

/** Reopens channels whose Non-Occupancy Period is over. */
export function reopenExpired(state: ApTurnState, now: number): ApTurnState {
  const open = state.closedChannels.filter((c) => c.until > now);
  return open.length === state.closedChannels.length ? state : { ...state, closedChannels: open };
}

export function closedChannelsOf(state: ApTurnState, radio: Radio): number[] {
  return state.closedChannels.filter((c) => c.radio === radio).map((c) => c.channel);
}

/** Nothing waits, nothing holds, nothing is closed: the coordinator may end. */
export function isIdle(state: ApTurnState): boolean {
  return !state.holder && state.queue.length === 0 && state.closedChannels.length === 0;
}

/** The next time something changes without a signal: cooldown end for waiters, or a channel reopening. */
export function nextDeadline(state: ApTurnState, now: number): number | undefined {
  const times = state.closedChannels.map((c) => c.until);
  if (!state.holder && state.queue.length > 0 && state.cooldownUntil > now) times.push(state.cooldownUntil);
  return times.length ? Math.min(...times) : undefined;
}
