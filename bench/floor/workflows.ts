// The latency floor: what Temporal itself costs for a radar move. One workflow, one activity that
// reads the AP and posts the new channel through the same controller adapter the loop uses; no
// turns, no policy, no audit. bench/latency.bench.ts measures the loop against it.
import { proxyActivities } from '@temporalio/workflow';
import type { FloorActivities } from './activities';

const { moveOffChannel } = proxyActivities<FloorActivities>({ startToCloseTimeout: '5s' });

export async function floorRadarMove(apId: string): Promise<void> {
  await moveOffChannel(apId);
}
