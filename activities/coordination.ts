// The AP coordinators' side effects on Temporal itself. Workflows cannot signal-with-start, so
// `requestApTurn` does it: it starts `ap:<apId>` when it is not running and delivers the request
// either way. `eventRunStatus` lets a coordinator find out whether a holder or watcher still runs.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { COORDINATOR_PRIORITY_KEY } from '../domain/priority';
import type { TurnRequest } from '../domain/radio-turns';
import {
  AP_COORDINATOR_WORKFLOW_TYPE,
  apCoordinatorWorkflowId,
  eventWorkflowId,
  requestTurnSignal,
  searchAttributes,
} from '../workflows/definitions';
import type { ApCoordinatorInput } from '../workflows/ap-coordinator';

export interface TurnRequestCall extends Omit<ApCoordinatorInput, 'carried'> {
  request: TurnRequest;
}

/** `RUNNING`, a closed status (`TERMINATED`, `TIMED_OUT`, `FAILED`, …), or `NOT_FOUND`. */
export type EventRunStatus = string;

export interface CoordinationActivities {
  requestApTurn(call: TurnRequestCall): Promise<void>;
  eventRunStatus(eventId: string): Promise<EventRunStatus>;
}

export function createCoordinationActivities(client: Client): CoordinationActivities {
  return {
    async requestApTurn({ request, ...input }) {
      const { apId } = input;
      // The coordinator runs on the same task queue as the event workflow asking for the turn.
      await client.workflow.signalWithStart(AP_COORDINATOR_WORKFLOW_TYPE, {
        workflowId: apCoordinatorWorkflowId(apId),
        taskQueue: Context.current().info.taskQueue,
        args: [input satisfies ApCoordinatorInput],
        signal: requestTurnSignal,
        signalArgs: [request],
        priority: { priorityKey: COORDINATOR_PRIORITY_KEY },
        typedSearchAttributes: [{ key: searchAttributes.apId, value: apId }],
        staticSummary: `AP ${apId}: radio turns, watches, cooldowns and closed channels`,
      });
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
