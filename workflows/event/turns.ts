// The radio turns an event takes and gives back (docs/coordination.md). Turns are taken one AP at a
// time in AP-id order (all the radios it needs on one AP together), a fixed global order, so two
// events that need overlapping radios can never wait on each other in a cycle. They are held only
// through plan and apply; what follows an apply is a watch, placed as the turn is given back.
import { CancellationScope, condition, getExternalWorkflowHandle } from '@temporalio/workflow';
import type { ClosedChannel, TurnRequest, TurnSettings, WatchRequest } from '../../domain/radio-turns';
import type { TurnScope } from '../../domain/change-decisions';
import type { Radio } from '../../domain/regulatory';
import { coordination, neighbourClosures } from '../activity-proxies';
import {
  apCoordinatorWorkflowId,
  closeChannelsSignal,
  endWatchSignal,
  releaseTurnSignal,
  type CloseChannels,
} from '../coordinator/messages';
import type { PremiseGone, Supersession, TurnDropped, TurnGranted } from './messages';

/** What the coordinators need besides the request: settings for starting one. */
export interface CoordinatorSettings {
  settings: TurnSettings;
  idleTimeoutMs: number;
  continueAsNewAfterEvents: number;
}

/** What asking for the turns came to: granted, or why not (what was taken is given back). */
export type TurnResult =
  | { kind: 'granted' }
  | { kind: 'dropped'; dropped: TurnDropped }
  | { kind: 'premise-gone'; answered: PremiseGone }
  | { kind: 'superseded'; by: Supersession['by'] };

export class EventTurns {
  private readonly granted = new Map<string, TurnGranted>();
  private held: string[] = [];
  /** Set when a coordinator dropped this event from a full queue. */
  dropped?: TurnDropped;
  /** Set when a watcher's move already took the radio off the channel this event is about. */
  premiseGone?: PremiseGone;
  /** Set when an event of equal or higher severity took a radio this event watches. */
  superseded?: Supersession;
  /** Whether the last `acquire` had every turn granted in the coordinators' answers, without a wait. */
  grantedAtOnce = false;
  /** The watcher whose watch kept this event waiting for a turn, if one did. */
  heldBackBy?: string;
  /** Radar closures sent to coordinators: the turns go back only once these have arrived. */
  private closures: Promise<void>[] = [];

  constructor(
    private readonly request: Omit<TurnRequest, 'radios'>,
    readonly coordinator: CoordinatorSettings,
  ) {}

  // --- signal handlers (the AP's coordinator answers a queued request) ---

  onGranted(granted: TurnGranted): void {
    this.granted.set(granted.apId, granted);
    this.heldBackBy ??= granted.heldBackBy;
  }

  onDropped(dropped: TurnDropped): void {
    this.dropped ??= dropped;
  }

  onPremiseGone(answered: PremiseGone): void {
    this.premiseGone ??= answered;
  }

  onSuperseded(superseded: Supersession): void {
    this.superseded ??= superseded;
    // Handed the radio to undo its move first: that is a turn held on the AP.
    if (superseded.rollbackFirst && !this.held.includes(superseded.apId)) this.held.push(superseded.apId);
  }

  /** Takes the turns of `scope` in order; on a drop or a supersession, what was taken is given back. */
  async acquire(scope: TurnScope): Promise<TurnResult> {
    this.grantedAtOnce = true;
    for (const { apId, radios } of [...scope].sort((a, b) => a.apId.localeCompare(b.apId))) {
      if (this.held.includes(apId)) continue;
      this.granted.delete(apId);
      const answer = await coordination.requestApTurn({
        apId,
        ...this.coordinator,
        request: { ...this.request, radios },
      });
      if (answer.kind === 'granted') this.onGranted(answer);
      else this.grantedAtOnce = false; // queued: answered later, by signal (or dropped)
      if (answer.kind === 'dropped') this.onDropped(answer);
      if (answer.kind === 'premise-gone') this.onPremiseGone(answer);
      await condition(() => this.granted.has(apId) || this.held.includes(apId) || !!this.stopped());
      if (this.held.includes(apId)) {
        this.grantedAtOnce = false; // handed over to undo first while it asked
        continue;
      }
      const stopped = this.stopped();
      if (!this.granted.has(apId) && stopped) {
        await this.release(null);
        return stopped;
      }
      this.held.push(apId);
    }
    return { kind: 'granted' };
  }

  /**
   * Why the turns will not come: dropped, answered by a watcher's move, or superseded without being
   * handed the radio to undo first.
   */
  private stopped(): TurnResult | undefined {
    if (this.dropped) return { kind: 'dropped', dropped: this.dropped };
    if (this.premiseGone) return { kind: 'premise-gone', answered: this.premiseGone };
    if (this.superseded && !this.superseded.rollbackFirst)
      return { kind: 'superseded', by: this.superseded.by };
    return undefined;
  }

  /**
   * Tells `apId`'s coordinator, and those of its RF `neighbours`, that radar closed `channels`,
   * without waiting: the signal and the neighbours' activity leave with the workflow task that
   * schedules the move, and the turn is given back only after they arrived.
   */
  closeChannels(apId: string, closure: Omit<CloseChannels, 'eventId'>, neighbours: string[] = []): void {
    const { eventId } = this.request;
    const coordinator = getExternalWorkflowHandle(apCoordinatorWorkflowId(apId));
    const sent = [coordinator.signal(closeChannelsSignal, { eventId, ...closure })];
    if (neighbours.length) {
      sent.push(
        neighbourClosures.closeChannelsNear({
          apIds: neighbours,
          ...this.coordinator,
          closure: { eventId, ...closure, heardBy: apId },
        }),
      );
    }
    for (const s of sent) s.catch(() => undefined); // a failure surfaces in release, where they are awaited
    this.closures.push(...sent);
  }

  /** The channels a watcher's move (undone before this event's turn) had put the radio on, if any. */
  undoneMoveOnto(apId: string): number[] {
    return this.granted.get(apId)?.undoneMoveOnto ?? [];
  }

  /** The radar closures of `radio` on `apId` when the turn was granted, with the detection behind each. */
  closuresOf(apId: string, radio: Radio): ClosedChannel[] {
    return (this.granted.get(apId)?.closures ?? []).filter((c) => c.radio === radio);
  }

  /** Channels of `radio` on `apId` in their Non-Occupancy Period when the turn was granted. */
  closedChannels(apId: string, radio: Radio): number[] {
    return this.granted.get(apId)?.closedChannels[radio] ?? [];
  }

  /**
   * Gives every turn back; the changed radios cool down from `lastChangeAt`. A `watch` goes to the
   * AP it names (the event's own); null ends the event's watches; absent leaves them. Runs even
   * when cancelled.
   */
  async release(
    lastChangeAt: number | null,
    watch?: (WatchRequest & { apId: string }) | null,
  ): Promise<void> {
    const held = this.held;
    const closures = this.closures;
    this.held = [];
    this.closures = [];
    const { eventId, type, severity } = this.request;
    await CancellationScope.nonCancellable(async () => {
      await Promise.all(closures);
      await Promise.all(
        held.map((apId) =>
          getExternalWorkflowHandle(apCoordinatorWorkflowId(apId)).signal(releaseTurnSignal, {
            eventId,
            type,
            severity,
            lastChangeAt,
            watch: watch === null ? null : watch?.apId === apId ? watch : undefined,
          }),
        ),
      );
    });
  }

  /**
   * Monitoring is over with the change kept: gives back a turn still held (one handed over to undo
   * first) and ends the watch, so lower-severity events waiting for the radio may go.
   */
  async stopWatching(apId: string): Promise<void> {
    const superseded = this.superseded !== undefined; // the coordinator already ended the watch
    await Promise.all([
      this.release(null),
      superseded
        ? undefined
        : getExternalWorkflowHandle(apCoordinatorWorkflowId(apId)).signal(endWatchSignal, {
            eventId: this.request.eventId,
          }),
    ]);
  }
}
