// The AP coordinators' side effects on Temporal itself. Workflows cannot update-with-start, so
// `requestApTurn` does it: it starts `ap:<apId>` when it is not running, delivers the request either
// way and returns the coordinator's answer (a free turn is granted in it, in one round trip).
// `noticeRadarMove` tells a radar AP's coordinator of the reflex's move; `closeChannelsNear` (runs begun before
// the reflex) tells its neighbours' coordinators (starting them) of its closure.
// `reserveChannel` sends a move's channel reservation to the reservation book (the burstReplan workflow)
// (starting it), `noteChannelChange` tells it the move landed, `releaseReservation` that it was given
// up, and `closedChannelsOf` reads the radar closures (the closure table's and the AP coordinators'),
// for its joint plan.
// `eventRunStatus` lets a coordinator find out whether a holder or watcher still runs.
import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { COORDINATOR_PRIORITY_KEY } from '../domain/priority';
import { type TurnRequest } from '../domain/radio-turns';
import { closedChannelsFor } from '../domain/dfs';
import type { Radio } from '../domain/regulatory';
import type { ClosureTable } from './closures';
import {
  AP_COORDINATOR_WORKFLOW_TYPE,
  apCoordinatorWorkflowId,
  apStateQuery,
  BURST_REPLAN_WORKFLOW_TYPE,
  burstReplanWorkflowId,
  channelChangedSignal,
  type ReserveChannel,
  type ChannelChange,
  closeChannelsSignal,
  type CloseChannels,
  coordinatorTaskQueue,
  eventWorkflowId,
  radarMovedSignal,
  type RadarMoved,
  releaseReservationSignal,
  requestTurnUpdate,
  reserveChannelSignal,
  searchAttributes,
  type TurnAnswer,
} from '../workflows/contract';
import type { ApCoordinatorInput } from '../workflows/coordinator/workflow';

export interface TurnRequestCall extends Omit<ApCoordinatorInput, 'carried'> {
  request: TurnRequest;
}

export interface NeighbourClosureCall extends Omit<ApCoordinatorInput, 'apId' | 'carried'> {
  /** The neighbours of the AP that heard the radar. */
  apIds: string[];
  closure: CloseChannels;
}

/**
 * What follows a radar move on its AP's coordinator (the radar reflex). The neighbours learn of the
 * closure from the closure table, not from a signal (docs/coordination.md, "Closures").
 */
export interface RadarNoticeCall extends Omit<ApCoordinatorInput, 'carried'> {
  /** The move, when the reflex made one: supersedes the radio's watcher, cools it down, watches it. */
  move?: RadarMoved;
  /** The detection's closure on the AP. */
  closure?: CloseChannels;
}

/** `RUNNING`, a closed status (`TERMINATED`, `TIMED_OUT`, `FAILED`, …), or `NOT_FOUND`. */
export type EventRunStatus = string;

export interface CoordinationActivities {
  requestApTurn(call: TurnRequestCall): Promise<TurnAnswer>;
  closeChannelsNear(call: NeighbourClosureCall): Promise<void>;
  noticeRadarMove(call: RadarNoticeCall): Promise<void>;
  eventRunStatus(eventId: string): Promise<EventRunStatus>;
  /** Sends a reservation; its answer, when asked for, comes to the event by signal. */
  reserveChannel(request: ReserveChannel): Promise<void>;
  noteChannelChange(change: ChannelChange): Promise<void>;
  releaseReservation(eventId: string): Promise<void>;
  /** Per AP, the 20 MHz channels of `radio` in their Non-Occupancy Period (none when its coordinator is idle). */
  closedChannelsOf(apIds: string[], radio: Radio): Promise<Record<string, number[]>>;
}

/** How `ap:<apId>` is started when a request or a closure finds it not running. */
function coordinatorStart(input: ApCoordinatorInput) {
  const { apId } = input;
  return {
    workflowId: apCoordinatorWorkflowId(apId),
    // Beside the queue of the event asking: where its activities, local or not, run.
    taskQueue: coordinatorTaskQueue(Context.current().info.taskQueue),
    args: [input] as [ApCoordinatorInput],
    priority: { priorityKey: COORDINATOR_PRIORITY_KEY },
    typedSearchAttributes: [{ key: searchAttributes.apId, value: apId }],
    staticSummary: `AP ${apId}: radio turns, watches, cooldowns and closed channels`,
  };
}

/** How the deployment's burst re-plan workflow is started when a note or a reservation finds it not running. */
function burstReplanStart() {
  // The event's queue is the deployment's: one burst workflow per deployment, on it.
  const { taskQueue } = Context.current().info;
  return {
    workflowId: burstReplanWorkflowId(taskQueue),
    taskQueue,
    args: [[]] as [ChannelChange[]],
    staticSummary: 'Channel reservations and joint re-plan of channel-change bursts (docs/coordination.md)',
  };
}

export function createCoordinationActivities(client: Client, closures: ClosureTable): CoordinationActivities {
  return {
    async requestApTurn({ request, ...input }) {
      const coordinator = new WithStartWorkflowOperation(AP_COORDINATOR_WORKFLOW_TYPE, {
        ...coordinatorStart(input),
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      return client.workflow.executeUpdateWithStart(requestTurnUpdate, {
        args: [request],
        startWorkflowOperation: coordinator,
      });
    },
    async closeChannelsNear({ apIds, closure, ...settings }) {
      // Repeats (a retried activity) extend nothing: a closure is never shortened or doubled.
      await Promise.all(
        apIds.map((apId) =>
          client.workflow.signalWithStart(AP_COORDINATOR_WORKFLOW_TYPE, {
            ...coordinatorStart({ apId, ...settings }),
            signal: closeChannelsSignal,
            signalArgs: [closure],
          }),
        ),
      );
    },
    async noticeRadarMove({ move, closure, ...input }) {
      // A repeat (a retried activity) changes nothing: a closure is never shortened, a watch is the same.
      const start = coordinatorStart(input);
      await (move
        ? client.workflow.signalWithStart(AP_COORDINATOR_WORKFLOW_TYPE, {
            ...start,
            signal: radarMovedSignal,
            signalArgs: [{ ...move, closure }],
          })
        : client.workflow.signalWithStart(AP_COORDINATOR_WORKFLOW_TYPE, {
            ...start,
            signal: closeChannelsSignal,
            signalArgs: [closure!],
          }));
    },
    async reserveChannel(request) {
      // A signal, not an update: a burst's reservations must never meet a workflow's limit of updates in flight.
      await client.workflow.signalWithStart(BURST_REPLAN_WORKFLOW_TYPE, {
        ...burstReplanStart(),
        signal: reserveChannelSignal,
        signalArgs: [request],
      });
    },
    async noteChannelChange(change) {
      await client.workflow.signalWithStart(BURST_REPLAN_WORKFLOW_TYPE, {
        ...burstReplanStart(),
        signal: channelChangedSignal,
        signalArgs: [change],
      });
    },
    async releaseReservation(eventId) {
      const { workflowId } = burstReplanStart();
      try {
        await client.workflow.getHandle(workflowId).signal(releaseReservationSignal, { eventId });
      } catch (err) {
        // Not running: its reservations went with it.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
    async closedChannelsOf(apIds, radio) {
      // The closure table holds every closure the radar reflex made; a coordinator, those signalled
      // to it by runs begun before the reflex (docs/upgrades.md), until they run out.
      const inCoordinator = async (apId: string): Promise<number[]> => {
        const handle = client.workflow.getHandle(apCoordinatorWorkflowId(apId));
        try {
          if ((await handle.describe()).status.name !== 'RUNNING') return [];
          return closedChannelsFor((await handle.query(apStateQuery)).closedChannels, radio);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return [];
          throw err;
        }
      };
      const closed = async (apId: string): Promise<number[]> => {
        const [table, coordinator] = await Promise.all([
          closures.closedFor(apId, radio, Date.now()),
          inCoordinator(apId),
        ]);
        return [...new Set([...table.map((c) => c.channel), ...coordinator])].sort((a, b) => a - b);
      };
      return Object.fromEntries(await Promise.all(apIds.map(async (apId) => [apId, await closed(apId)])));
    },
    async eventRunStatus(eventId) {
      try {
        return (await client.workflow.getHandle(eventWorkflowId(eventId)).describe()).status.name;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
        throw err;
      }
    },
  };
}
