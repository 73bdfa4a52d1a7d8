// Radar known to the neighbours (docs/coordination.md, "Closures"): a detection closes the bonded
// channel for the AP's RF neighbours too, in the closure table every plan reads (no signal to their
// coordinators), so no action moves a neighbour onto it during the Non-Occupancy Period.
import { rollbackUpdate } from '../../workflows/contract';
import { policyWith } from '../support/policy';
import { useHarness } from './harness';

const RADAR_BLOCK = [52, 56, 60, 64];

describe('radar closures shared with RF neighbours (stubbed activities)', () => {
  const h = useHarness();

  /** A radar AP on 52/80 and its neighbour on 36/80, each listing the other. */
  function radarApAndNeighbour() {
    const radarAp = h.newAp({ '5g': { channel: 52, width: 80 } });
    const neighbour = h.newAp();
    h.controller.setNeighbours(radarAp, [neighbour]);
    h.controller.setNeighbours(neighbour, [radarAp]);
    return { radarAp, neighbour };
  }

  /** The neighbour's closed channels in the closure table, once there are `n` of them. */
  async function closedFor(apId: string, n: number) {
    for (;;) {
      const closed = await h.closures.closedFor(apId, '5g', Date.now());
      if (closed.length >= n) return closed;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The radar AP's own coordinator was told of the closure; nothing went to the neighbour's. */
  function expectOnlyOwnCoordinatorTold(radarAp: string, neighbour: string): void {
    const { activities } = h;
    expect(activities.noticeRadarMove).toHaveBeenCalledWith(
      expect.objectContaining({ apId: radarAp, closure: expect.objectContaining({ channels: RADAR_BLOCK }) }),
    );
    expect(activities.noticeRadarMove).not.toHaveBeenCalledWith(expect.objectContaining({ apId: neighbour }));
    expect(activities.closeChannelsNear).not.toHaveBeenCalledWith(
      expect.objectContaining({ apIds: expect.arrayContaining([neighbour]) }),
    );
  }

  it("closes the radar's channels for the neighbour in the closure table, naming the detection and the AP that heard it", async () => {
    const { radarAp, neighbour } = radarApAndNeighbour();
    const radar = await h.start({ type: 'DFS_RADAR', apId: radarAp, data: { channel: 52 } });
    const closed = await closedFor(neighbour, 4);
    expect(closed).toEqual(
      RADAR_BLOCK.map((channel) =>
        expect.objectContaining({ radio: '5g', channel, closedBy: radar.eventId, heardBy: radarAp }),
      ),
    );
    // The same Non-Occupancy Period as on the AP that heard it, which its coordinator knows too.
    const own = await h.apStateWhen(radarAp, (s) => s.closedChannels.length === 4);
    expect(closed.map((c) => c.until)).toEqual(own.closedChannels.map((c) => c.until));
    const closing = h.audit.of(radar.eventId).find((e) => e.executionStatus === 'CHANNELS_CLOSED')!;
    expect(closing.details).toMatchObject({ closedChannels: RADAR_BLOCK, neighbours: [neighbour] });
    // No signal to the neighbour's coordinator: none was started for it.
    await expect(h.apState(neighbour)).rejects.toThrow();
    // The reflex wrote the closure itself, the neighbour's row with it: no follow-up wrote it.
    expect(h.activities.recordClosure).not.toHaveBeenCalledWith(
      expect.objectContaining({ closedBy: radar.eventId }),
    );
    expectOnlyOwnCoordinatorTold(radarAp, neighbour);
  });

  it('never moves the neighbour onto them, even when they would score best; its audit names the closure', async () => {
    const { radarAp, neighbour } = radarApAndNeighbour();
    const radar = await h.start({ type: 'DFS_RADAR', apId: radarAp, data: { channel: 52 } });
    await closedFor(neighbour, 4);
    // Every non-DFS channel of the neighbour is jammed: 52-64 would be the best choice without the closure.
    h.controller.jam(neighbour, [36, 40, 44, 48, 149, 153, 157, 161, 165]);
    const burst = await h.start({
      type: 'NON_WIFI_BURST',
      apId: neighbour,
      confidence: 0.9,
      data: { channel: 36 },
    });
    const moved = await h.statusWhen(burst.eventId, (s) => s.stage === 'monitor' || s.outcome !== undefined);
    expect(moved.actionType).toBe('CHANNEL_CHANGE');
    expect(RADAR_BLOCK).not.toContain(h.controller.radio(neighbour).channel);
    // Its plan read the closure table, where the radar AP's detection had closed them.
    expect(h.activities.readClosures).toHaveBeenCalledWith(neighbour, '5g');
    const applied = h.audit.of(burst.eventId).find((e) => e.executionStatus === 'APPLIED')!;
    expect(applied.details!.closures).toEqual(
      RADAR_BLOCK.map((channel) =>
        expect.objectContaining({ channel, closedBy: radar.eventId, heardBy: radarAp }),
      ),
    );
  });

  it('leaves the neighbours alone when the policy turns sharing off', async () => {
    h.policy.current = policyWith({ radar: { closeForNeighbours: false } });
    const { radarAp, neighbour } = radarApAndNeighbour();
    const radar = await h.start({ type: 'DFS_RADAR', apId: radarAp, data: { channel: 52 } });
    await h.statusWhen(radar.eventId, (s) => s.stage === 'monitor');
    const closing = h.audit.of(radar.eventId).find((e) => e.executionStatus === 'CHANNELS_CLOSED')!;
    expect(closing.details).toMatchObject({ neighbours: [] });
    expect(await h.closures.closedFor(neighbour, '5g', Date.now())).toEqual([]);
    await expect(h.apState(neighbour)).rejects.toThrow();
    expectOnlyOwnCoordinatorTold(radarAp, neighbour);
  });
});

describe('a rollback back onto DFS channels says the CAC it costs (stubbed activities)', () => {
  const h = useHarness();

  it('answers the operator, and signs, with the CAC of moving back onto a channel not kept available', async () => {
    // The fake controller's scan reports no DFS state: 52-64 count as not checked.
    const apId = h.newAp({ '5g': { channel: 52, width: 80 } });
    const burst = await h.start({ type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: 52 } });
    await h.statusWhen(burst.eventId, (s) => s.stage === 'monitor');
    const answer = await burst.handle.executeUpdate(rollbackUpdate, {
      args: [{ operator: 'alice', reason: 'users complain' }],
    });
    expect(answer.outcome).toBe('ROLLED_BACK');
    expect(answer.reason).toBe(
      'manual rollback by alice: users complain; back onto 52/80 MHz: a 60 s CAC off the air',
    );
    const rolledBack = h.audit.of(burst.eventId).find((e) => e.executionStatus === 'ROLLED_BACK')!;
    expect(rolledBack.details).toMatchObject({ cac: { channel: 52, width: 80, cacMs: 60_000 } });
    // The undo the operator asked for: the radio back onto 52.
    expect(h.activities.applyStep).toHaveBeenCalledWith(
      expect.objectContaining({
        changeId: `${burst.eventId}:rollback:0`,
        step: expect.objectContaining({ apId, radio: '5g', target: { channel: 52 } }),
      }),
    );
  });
});
