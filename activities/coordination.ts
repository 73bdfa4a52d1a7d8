// The AP coordinators' side effects on Temporal itself. Workflows cannot update-with-start, so
// `requestApTurn` does it: it starts `ap:<apId>` when it is not running, delivers the request either
// way and returns the coordinator's answer (a free turn is granted in it, in one round trip).
// `eventRunStatus` lets a coordinator find out whether a holder or watcher still runs.
import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { COORDINATOR_PRIORITY_KEY } from '../domain/priority';
import type { TurnRequest } from '../domain/radio-turns';
import {
  AP_COORDINATOR_WORKFLOW_TYPE,
  apCoordinatorWorkflowId,
  coordinatorTaskQueue,
  eventWorkflowId,
  requestTurnUpdate,
  searchAttributes,
  type TurnAnswer,
} from '../workflows/definitions';
import type { ApCoordinatorInput } from '../workflows/ap-coordinator';

export interface TurnRequestCall extends Omit<ApCoordinatorInput, 'carried'> {
  request: TurnRequest;
}

/** `RUNNING`, a closed status (`TERMINATED`, `TIMED_OUT`, `FAILED`, …), or `NOT_FOUND`. */
export type EventRunStatus = string;

export interface CoordinationActivities {
  requestApTurn(call: TurnRequestCall): Promise<TurnAnswer>;
  eventRunStatus(eventId: string): Promise<EventRunStatus>;
}

export function createCoordinationActivities(client: Client): CoordinationActivities {
  return {
    async requestApTurn({ request, ...input }) {
      const { apId } = input;
      const coordinator = new WithStartWorkflowOperation(AP_COORDINATOR_WORKFLOW_TYPE, {
        workflowId: apCoordinatorWorkflowId(apId),
        workflowIdConflictPolicy: 'USE_EXISTING',
        // Beside the queue of the event asking (a local activity: it runs where its workflow runs).
        taskQueue: coordinatorTaskQueue(Context.current().info.taskQueue),
        args: [input satisfies ApCoordinatorInput],
        priority: { priorityKey: COORDINATOR_PRIORITY_KEY },
        typedSearchAttributes: [{ key: searchAttributes.apId, value: apId }],
        staticSummary: `AP ${apId}: radio turns, watches, cooldowns and closed channels`,
      });
      return client.workflow.executeUpdateWithStart(requestTurnUpdate, {
        args: [request],
        startWorkflowOperation: coordinator,
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
