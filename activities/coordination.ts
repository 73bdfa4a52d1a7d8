// Asks an AP's coordinator for the AP's turn. Workflows cannot signal-with-start, so this activity
// does it: it starts `ap:<apId>` when it is not running, and delivers the request either way.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { TurnRequest } from '../domain/ap-turn';
import {
  AP_COORDINATOR_WORKFLOW_TYPE,
  apCoordinatorWorkflowId,
  requestTurnSignal,
  searchAttributes,
} from '../workflows/definitions';
import type { ApCoordinatorInput } from '../workflows/ap-coordinator';

export interface TurnRequestCall extends Omit<ApCoordinatorInput, 'carried'> {
  request: TurnRequest;
}

export interface CoordinationActivities {
  requestApTurn(call: TurnRequestCall): Promise<void>;
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
        typedSearchAttributes: [{ key: searchAttributes.apId, value: apId }],
        staticSummary: `AP ${apId}: turn, cooldown and closed channels`,
      });
    },
  };
}
