// The turns an event holds: its own AP's and, for actions that change neighbours, theirs too.
// Turns are always taken one at a time in AP-id order, a fixed global order, so two events that
// need overlapping APs can never wait on each other in a cycle.
import { CancellationScope, condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import type { TurnRequest } from '../domain/ap-turn';
import type { TurnRequestCall } from '../activities/coordination';
import { coordination } from './activities';
import {
  apCoordinatorWorkflowId,
  releaseTurnSignal,
  turnDroppedSignal,
  turnGrantedSignal,
} from './definitions';

export type TurnSettings = Omit<TurnRequestCall, 'apId' | 'request'>;

export class ApTurns {
  private readonly granted = new Map<string, number[]>();
  private readonly held: string[] = [];
  /** Set when a coordinator dropped this event from its full queue. */
  dropped?: { apId: string; waiting: number };

  constructor(
    private readonly request: TurnRequest,
    private readonly settings: TurnSettings,
  ) {
    setHandler(turnGrantedSignal, ({ apId, closedChannels }) => void this.granted.set(apId, closedChannels));
    setHandler(turnDroppedSignal, (drop) => void (this.dropped ??= drop));
  }

  /** Takes the turns of `apIds` in order; false when dropped from a queue (turns taken so far are released). */
  async acquire(apIds: string[]): Promise<boolean> {
    for (const apId of [...new Set(apIds)].sort()) {
      if (this.held.includes(apId)) continue;
      this.granted.delete(apId);
      await coordination.requestApTurn({ apId, ...this.settings, request: this.request });
      await condition(() => this.granted.has(apId) || this.dropped !== undefined);
      if (this.dropped) {
        await this.releaseAll(null);
        return false;
      }
      this.held.push(apId);
    }
    return true;
  }

  /** Channels of the event's radio closed on `apId` when its turn was granted. */
  closedChannels(apId: string): number[] {
    return this.granted.get(apId) ?? [];
  }

  /** Gives every turn back; `lastChangeAt` starts the APs' cooldown. Runs even when cancelled. */
  async releaseAll(lastChangeAt: number | null): Promise<void> {
    const held = this.held.splice(0);
    await CancellationScope.nonCancellable(() =>
      Promise.all(
        held.map((apId) =>
          getExternalWorkflowHandle(apCoordinatorWorkflowId(apId)).signal(releaseTurnSignal, {
            eventId: this.request.eventId,
            lastChangeAt,
          }),
        ),
      ),
    );
  }
}
