// A DFS radar report on the real stack: the AP leaves the radar channel for a non-DFS channel within
// the Channel Move Time, the radar's bonded channel is closed for the Non-Occupancy Period, and the
// decisions are signed into the audit trail.
import { bondedSubchannels } from '../../domain/regulatory';
import { CHANNEL_MOVE_TIME_MS, isDfsChannel, NON_OCCUPANCY_PERIOD_MS } from '../../domain/dfs';
import { eventually, startStack, type Stack } from '../support/stack';
import { getDfs, getRadio, simGet, simPost, simRequest } from '../support/sim-client';

describe('DFS radar on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  /** An interferer on the AP's channel, confident enough to move it: it moves, never onto 52-64. */
  async function interferenceMoveOff(eventId: string, apId: string) {
    const before = await getRadio(stack.sim.url, apId);
    const [submitted] = await stack.rrm.submit([
      { eventId, type: 'NON_WIFI_BURST', apId, confidence: 0.95, data: { channel: before.channel } },
    ]);
    const status = await eventually(async () => {
      const s = await stack.rrm.status(submitted.eventId);
      return s.stage === 'monitor' || s.outcome ? s : undefined;
    });
    expect(status.actionType).toBe('CHANNEL_CHANGE');
    const newChannel = status.changes.find((c) => c.param === 'channel')!.newValue;
    expect([52, 56, 60, 64]).not.toContain(newChannel);
    return submitted;
  }

  it('moves the AP off the radar channel to a non-DFS channel within the Channel Move Time', async () => {
    const apId = stack.ap('ap-05');
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
    const detectedAt = new Date();
    const [submitted] = await stack.rrm.submit([
      {
        eventId: `radar-${apId}`,
        type: 'DFS_RADAR_DETECTED',
        apId,
        detectedAt: detectedAt.toISOString(),
        data: { channel: 52 },
      },
    ]);

    const move = await eventually(async () => {
      const { changes } = await simGet<{
        changes: { appliedAt: string; current: { channel: number; width: number } }[];
      }>(stack.sim.url, `/v1/aps/${apId}/changes`);
      return changes.find((c) => c.current.channel !== 52);
    });
    expect(Date.parse(move.appliedAt) - detectedAt.getTime()).toBeLessThanOrEqual(CHANNEL_MOVE_TIME_MS);
    const newChannels = bondedSubchannels('5g', move.current.channel, move.current.width as 80, 'US');
    expect(newChannels.length).toBeGreaterThan(0);
    expect(newChannels.some((c) => isDfsChannel('5g', c, 'US'))).toBe(false);
    expect(move.current.width).toBe(80); // a clean non-DFS 80 MHz channel exists on this floor
    // Non-DFS: no Channel Availability Check, so the radio transmits on it from the move on.
    expect(await getDfs(stack.sim.url, apId)).toMatchObject({ transmitting: true, cacUntil: null });

    const status = await eventually(async () => {
      const s = await stack.rrm.status(submitted.eventId);
      return s.stage === 'monitor' ? s : undefined;
    });
    expect(status.closedChannels).toEqual([52, 56, 60, 64]);
    expect(status.changes).toEqual(
      expect.arrayContaining([{ param: 'channel', oldValue: 52, newValue: move.current.channel }]),
    );

    // The AP's coordinator holds the bonded channel closed for 30 minutes.
    const ap = await stack.rrm.apState(apId);
    expect(ap.closedChannels.map((c) => c.channel)).toEqual([52, 56, 60, 64]);
    for (const closed of ap.closedChannels) {
      expect(closed.until - detectedAt.getTime()).toBeGreaterThan(NON_OCCUPANCY_PERIOD_MS - 60_000);
      expect(closed.until - detectedAt.getTime()).toBeLessThan(NON_OCCUPANCY_PERIOD_MS + 60_000);
    }

    await stack.rrm.commit(submitted.eventId, { operator: 'test' });
    const result = await stack.rrm.result(submitted.eventId);
    expect(result.outcome).toBe('APPLIED');

    const audit = await stack.query<{
      execution_status: string;
      action_type: string;
      rollback_eligible: boolean;
      manual_rollback_eligible: boolean;
      signature: string;
    }>(
      `select execution_status, action_type, rollback_eligible, manual_rollback_eligible, signature
         from audit_records where event_id = $1 order by chain_position`,
      [submitted.eventId],
    );
    expect(audit.map((r) => r.execution_status)).toEqual(['CHANNELS_CLOSED', 'APPLIED', 'COMMITTED']);
    expect(audit[1].action_type).toBe('CHANNEL_CHANGE');
    // The policy row forbids rolling a radar move back automatically; an operator still may, by token.
    expect(audit.map((r) => r.rollback_eligible)).toEqual([false, false, false]);
    expect(audit.slice(1).map((r) => r.manual_rollback_eligible)).toEqual([true, true]);
    for (const row of audit) expect(row.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never selects a closed channel for a later move of the same AP', async () => {
    const apId = stack.ap('ap-05');
    const submitted = await interferenceMoveOff(`burst-after-radar-${apId}`, apId);

    // The channel scores in the audit show the closed channels were never even candidates.
    const [applied] = await stack.query<{ details: { scores: { channel: number; width: number }[] } }>(
      `select details from audit_records where event_id = $1 and execution_status = 'APPLIED'`,
      [submitted.eventId],
    );
    expect(applied.details.scores.length).toBeGreaterThan(0);
    for (const candidate of applied.details.scores) {
      expect(
        bondedSubchannels('5g', candidate.channel, candidate.width as 20, 'US').some(
          (c) => c >= 52 && c <= 64,
        ),
      ).toBe(false);
    }
    await stack.rrm.commit(submitted.eventId, { operator: 'test' });
    expect((await stack.rrm.result(submitted.eventId)).outcome).toBe('APPLIED');
  });

  it("closes the radar's channels for the AP's RF neighbours too, and a neighbour's move names the detection", async () => {
    const apId = stack.ap('ap-05');
    const { neighbors } = await simGet<{ neighbors: string[] }>(stack.sim.url, `/v1/aps/${apId}`);
    expect(neighbors.length).toBeGreaterThan(0);
    // In the closure table the plans read (docs/coordination.md, "Closures").
    for (const neighbour of neighbors) {
      const closed = await eventually(async () => {
        const rows = await stack.query<{ channel: number; closed_by: string; heard_by: string }>(
          `select channel, closed_by, heard_by from channel_closures
            where ap_id = $1 and radio = '5g' and until > now() order by channel`,
          [neighbour],
        );
        return rows.length ? rows : undefined;
      });
      expect(closed.map((c) => c.channel)).toEqual([52, 56, 60, 64]);
      for (const c of closed) expect(c).toMatchObject({ closed_by: `radar-${apId}`, heard_by: apId });
    }

    // The radar is gone from the air (the controller would take 52 again): the closure still holds.
    await simRequest(stack.sim.url, 'DELETE', '/v1/inject/radar/52');
    const submitted = await interferenceMoveOff(`burst-near-radar-${neighbors[0]}`, neighbors[0]);
    const [applied] = await stack.query<{ details: { closures: unknown[] } }>(
      `select details from audit_records where event_id = $1 and execution_status = 'APPLIED'`,
      [submitted.eventId],
    );
    expect(applied.details.closures).toEqual(
      [52, 56, 60, 64].map((channel) =>
        expect.objectContaining({ radio: '5g', channel, closedBy: `radar-${apId}`, heardBy: apId }),
      ),
    );
    const [closing] = await stack.query<{ details: { neighbours: string[] } }>(
      `select details from audit_records where event_id = $1 and execution_status = 'CHANNELS_CLOSED'`,
      [`radar-${apId}`],
    );
    expect(closing.details.neighbours).toEqual(neighbors);
  });
});
