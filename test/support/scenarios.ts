// Building blocks for integration tests that need an event in a given state on the real stack.
import { jammerBeside } from '../../simulator/scenario';
import type { EventStatus } from '../../workflows/contract';
import { getAp, getRadio, simPost } from './sim-client';
import { eventually, type Stack } from './stack';

/** Polls an event's status until `ready` holds. */
export function statusWhen(
  stack: Stack,
  eventId: string,
  ready: (s: EventStatus) => boolean,
  timeoutMs?: number,
): Promise<EventStatus> {
  return eventually(async () => {
    const s = await stack.rrm.status(eventId);
    return ready(s) ? s : undefined;
  }, timeoutMs);
}

export const inStage = (stack: Stack, eventId: string, stage: EventStatus['stage']) =>
  statusWhen(stack, eventId, (s) => s.stage === stage);

/** Switches on a strong interferer right next to the AP, over its current 5 GHz channel. */
export async function jamCurrentChannel(
  stack: Stack,
  apId: string,
  interfererId = `jammer-${apId}`,
): Promise<void> {
  const [ap, radio] = await Promise.all([getAp(stack.sim.url, apId), getRadio(stack.sim.url, apId)]);
  await simPost(stack.sim.url, '/v1/inject/interferer', jammerBeside({ ...ap, ...radio }, interfererId));
}

/** Jammers over every non-DFS 5 GHz channel next to the AP (US): its best move becomes a DFS channel. */
export async function jamNonDfsChannels(stack: Stack, apId: string): Promise<void> {
  const ap = await getAp(stack.sim.url, apId);
  for (const [i, channels] of [
    [36, 40, 44, 48],
    [149, 153, 157, 161, 165],
  ].entries()) {
    await simPost(stack.sim.url, '/v1/inject/interferer', {
      interfererId: `non-dfs-jammer-${apId}-${i}`,
      type: 'jammer',
      radio: '5g',
      channels,
      dutyCyclePct: 95,
      powerDbm: 20,
      x: ap.x + 3,
      y: ap.y + 3,
    });
  }
}

/**
 * An event that holds the AP's turn: a confident interference burst that moves the radio and then
 * monitors it. Returns once it is monitoring.
 */
export async function holdApWithChannelChange(
  stack: Stack,
  apId: string,
  extra: Record<string, unknown> = {},
): Promise<EventStatus> {
  await jamCurrentChannel(stack, apId);
  const radio = await getRadio(stack.sim.url, apId);
  const [submitted] = await stack.rrm.submit([
    { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: radio.channel }, ...extra },
  ]);
  return inStage(stack, submitted.eventId, 'monitor');
}

/** An event for the AP that needs nothing done (the interferer is on another channel): quick NO_ACTION. */
export async function harmlessEvent(stack: Stack, apId: string, extra: Record<string, unknown> = {}) {
  const radio = await getRadio(stack.sim.url, apId);
  const elsewhere = radio.channel < 100 ? 149 : 36;
  return { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: elsewhere }, ...extra };
}

/** A radar report on the AP's DFS channel 52 (the floor's ap-05), returned once it is monitoring. */
export async function radarInMonitor(stack: Stack, apId: string, eventId?: string): Promise<EventStatus> {
  await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
  const [submitted] = await stack.rrm.submit([{ eventId, type: 'DFS_RADAR', apId, data: { channel: 52 } }]);
  return inStage(stack, submitted.eventId, 'monitor');
}
