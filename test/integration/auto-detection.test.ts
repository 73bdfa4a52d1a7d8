// Auto-detection through the controller port, on the real stack: the sensing bridge reads the
// controller's sensing view (the simulator's own, or what OpenWiFi's gateway shows of its devices:
// hostapd's radar lines in their logs, devices that lost the gateway) and the loop acts on what it
// raises. Part of the controller contract suite (jest.config.js): it runs through both faces.
import { SensingBridge } from '../../client/sensing-bridge/bridge';
import { STORY } from '../../simulator/scenario';
import { getAp, getRadio, simPost } from '../support/sim-client';
import { startStack, eventually, type Stack } from '../support/stack';

describe('auto-detection through the controller port', () => {
  let stack: Stack;
  let bridge: SensingBridge;
  const raised: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    stack = await startStack();
    bridge = new SensingBridge({
      sensing: stack.controller,
      submit: async (events) => {
        raised.push(...(events as Array<Record<string, unknown>>));
        return stack.rrm.submit(events);
      },
      intervalMs: 500,
    });
    await bridge.start();
  });
  afterAll(async () => {
    await bridge?.stop();
    await stack?.stop();
  });

  const raisedFor = (type: string, apId: string) =>
    raised.filter((e) => e.type === type && e.apId === apId && e.source === 'SENSING_API');

  it('moves an AP off the channel where its radio detects radar, raised by the bridge', async () => {
    const apId = stack.ap(STORY.radar.apId);
    expect((await getRadio(stack.sim.url, apId)).channel).toBe(STORY.radar.channel);
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: STORY.radar.channel });
    const moved = await eventually(async () => {
      const { channel } = await getRadio(stack.sim.url, apId);
      return channel !== STORY.radar.channel ? channel : undefined;
    }, 30_000);
    expect(moved).not.toBe(STORY.radar.channel);
    expect(raisedFor('DFS_RADAR', apId)).toContainEqual(
      expect.objectContaining({ data: { channel: STORY.radar.channel } }),
    );
  });

  it('fails over an AP whose failure the controller shows, raised by the bridge', async () => {
    const apId = stack.ap(STORY.hwFailure.apId);
    await simPost(stack.sim.url, '/v1/inject/ap-failure', { apId });
    await eventually(
      async () => ((await getAp(stack.sim.url, apId)).adminStatus === 'DOWN' ? true : undefined),
      30_000,
    );
    expect(raisedFor('HW_FAILURE', apId)).toHaveLength(1);
  });
});
