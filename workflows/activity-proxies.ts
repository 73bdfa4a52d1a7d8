// Activity stubs for the event workflow, one proxy per kind of side effect so each gets the
// timeouts and retries that suit it. Types only are imported from activities/.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ControllerActivities } from '../activities/controller';
import type { CoordinationActivities } from '../activities/coordination';
import type { PolicyActivities } from '../activities/policy';
import type { AuditActivities } from '../activities/audit';
import type { ClosureActivities } from '../activities/closures';
import type { RadarReflexActivities } from '../activities/radar-reflex';
import { FOLLOW_UP_PRIORITY_KEY } from '../domain/priority';

/** Behind every radar move in the queue: what follows a move never holds up the next one. */
const AFTER_RADAR_MOVES = { priority: { priorityKey: FOLLOW_UP_PRIORITY_KEY } };

/** A write's attempts: 3 s each, 4 in all, within the 10 s Channel Move Time of a radar move. */
const WITHIN_CHANNEL_MOVE_TIME = {
  startToCloseTimeout: '3s',
  retry: { initialInterval: '300ms', backoffCoefficient: 2, maximumInterval: '2s', maximumAttempts: 4 },
} as const;

/** Controller answers that a retry cannot change. */
const FINAL_ANSWERS = ['VersionConflict', 'ChannelUnavailable', 'ControllerRefused'];

/**
 * The radar reflex: the one activity between a radar report and its move (docs/event-lifecycle.md).
 * A local activity: it runs inside the event's first workflow task, with no round trip through the
 * server to schedule it or to report it. Its attempts fit the 10 s Channel Move Time; the
 * controller's answers it decides on itself.
 */
export const radarReflex = proxyLocalActivities<RadarReflexActivities>({
  ...WITHIN_CHANNEL_MOVE_TIME,
  retry: {
    ...WITHIN_CHANNEL_MOVE_TIME.retry,
    nonRetryableErrorTypes: [...FINAL_ANSWERS, 'ControllerProtocol'],
  },
});

/**
 * What follows a radar move: its notice to the radio's coordinator, and its closure in the closure
 * table when the reflex could not write it. Retried until it lands.
 */
export const radarFollowUp = proxyActivities<
  Pick<CoordinationActivities, 'noticeRadarMove'> & Pick<ClosureActivities, 'recordClosure'>
>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', maximumInterval: '10s' },
  ...AFTER_RADAR_MOVES,
});

/** The closures a channel plan avoids (the table the radar reflex writes): a quick read, in the plan's task. */
export const closureReads = proxyLocalActivities<Pick<ClosureActivities, 'readClosures'>>({
  startToCloseTimeout: '2s',
  retry: { initialInterval: '200ms', maximumAttempts: 3 },
});

/**
 * Reads from the controller: quick and freely retried, so local activities: they run in the
 * workflow's own task, without a round trip through the server each (the Channel Move Time runs).
 */
export const controllerReads = proxyLocalActivities<
  Pick<ControllerActivities, 'readAp' | 'scanChannels' | 'readClients' | 'sampleRadio'>
>({
  startToCloseTimeout: '5s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 5 },
});

/** Configuration changes: idempotent by change id and guarded by version, so retries are safe. */
export const controllerWrites = proxyActivities<Pick<ControllerActivities, 'applyStep'>>({
  ...WITHIN_CHANNEL_MOVE_TIME,
  retry: { ...WITHIN_CHANNEL_MOVE_TIME.retry, nonRetryableErrorTypes: [...FINAL_ANSWERS, 'UnknownAp'] },
});

/**
 * Asking for an AP's turn is on the critical path of a radar move: a local activity spares it a
 * round trip through the server. Retries are safe: the coordinator ignores a repeated request (or
 * grants again what the event already holds). A coordinator's check on a holder is a read.
 */
export const coordination = proxyLocalActivities<CoordinationActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', maximumInterval: '5s' },
});

/**
 * A radar closure for the neighbours' coordinators: a normal activity, scheduled with the move and
 * never waited for by it (a local activity would hold the move's workflow task until it finished).
 * Retried until it lands; a repeat extends nothing.
 */
export const neighbourClosures = proxyActivities<Pick<CoordinationActivities, 'closeChannelsNear'>>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', maximumInterval: '5s' },
});

/**
 * Sending a move's channel reservation is on the move's path: a local activity (a signal-with-start, no
 * round trip through the server to schedule it). Its answer comes by signal, waited for within the
 * policy's time box; a send that fails is no answer, never a failed move.
 */
export const reservations = proxyLocalActivities<Pick<CoordinationActivities, 'reserveChannel'>>({
  startToCloseTimeout: '2s',
  retry: { maximumAttempts: 2, initialInterval: '100ms' },
});

/**
 * What a move tells the reservation book (the burstReplan workflow) besides its answered reservation: that it
 * landed, that it was given up, or a choice reserved without an answer. Never waited for; retried until
 * it lands (a repeat changes nothing: notes count once, reservations replace, releases are idempotent).
 * All are signals: none waits for a workflow task.
 */
export const burstNotes = proxyActivities<
  Pick<CoordinationActivities, 'noteChannelChange' | 'reserveChannel' | 'releaseReservation'>
>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', maximumInterval: '10s' },
  ...AFTER_RADAR_MOVES,
});

/**
 * Audit writes must land: retried until they do (idempotent by key). They sign what was decided, so
 * they follow every radar move still to be made.
 */
export const audit = proxyActivities<AuditActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', maximumInterval: '30s' },
  ...AFTER_RADAR_MOVES,
});

/** The worker's policy: read once per run, in its first workflow task. */
export const policyReads = proxyLocalActivities<PolicyActivities>({ startToCloseTimeout: '5s' });
