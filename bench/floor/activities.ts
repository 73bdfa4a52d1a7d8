// The floor's one activity: read the AP, post a move of its 5 GHz radio to channel 36, with the
// loop's own controller adapter (the same calls the loop makes for its read and its apply).
import { Context } from '@temporalio/activity';
import type { ControllerPort } from '../../activities/controller';
import { configOf } from '../../domain/radio';

export interface FloorActivities {
  moveOffChannel(apId: string): Promise<void>;
}

export function createFloorActivities(controller: ControllerPort): FloorActivities {
  return {
    async moveOffChannel(apId) {
      const ap = await controller.readAp(apId);
      const radio = ap.radios['5g'];
      if (!radio) throw new Error(`${apId} has no 5g radio`);
      const run = Context.current().info.workflowExecution;
      await controller.applyStep({
        step: { kind: 'radio', apId, radio: '5g', from: configOf(radio), target: { channel: 36, width: 20 } },
        // Idempotent per workflow, as the loop's change ids are.
        changeId: `${run?.workflowId ?? apId}:move`,
        expectedVersion: ap.version,
      });
    },
  };
}
