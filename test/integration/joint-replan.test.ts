// A radar burst re-planned as one on the real stack (docs/coordination.md, "Joint re-plan of a
// burst"): four APs in a row, 20 m apart, on the DFS channels 52–64; radar on all four. With the
// reservations off, each radio leaves on its own, blind to the others, and they pile onto one
// channel; the burst workflow then plans them jointly and JOINT_REPLAN events spread them, each
// under its turn, watched and signed.
import { collectBursts } from '../../client/library';
import { describeGain } from '../../domain/joint-plan';
import { burstReplanWorkflowId, burstStateQuery } from '../../workflows/contract';
import { policyWith } from '../support/policy';
import { RADAR, RADAR_ROW, radarRow } from '../support/radar-row';
import { simPost, simRequest } from '../support/sim-client';
import { eventually, startStack, type Stack } from '../support/stack';

describe('joint re-plan of a radar burst on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A quiet spell of 2 s instead of 10 s keeps the test quick (a policy setting, like sampling).
    stack = await startStack({
      scenario: RADAR_ROW,
      // Reservations off: this test is about the re-plan mending a pile-up the fast moves made.
      policy: policyWith({
        jointReplan: { enabled: true, quietMs: 2_000 },
        channelReservations: { enabled: false },
      }),
    });
  });
  afterAll(() => stack?.stop());

  it('spreads the radios its radar moves piled up, with moves of its own', async () => {
    const row = await radarRow(stack);
    const { apIds, channels, pairs } = row;
    // The controller holds the four moves until all four have chosen: none sees another's move in
    // its scan, and with the reservations off they choose alike.
    for (const apId of apIds) await simPost(stack.sim.url, '/v1/inject/change-hold', { apId });
    await row.radarOnAll();
    await eventually(async () => {
      const { body } = await simRequest<{ changeHold: { waiting: number } }>(
        stack.sim.url,
        'GET',
        '/v1/inject',
      );
      return body.changeHold.waiting >= apIds.length || undefined;
    });
    await simRequest(stack.sim.url, 'DELETE', '/v1/inject/change-hold?held=apply');
    const piled = await eventually(async () => {
      const now = await channels();
      return Object.values(now).every((c) => !RADAR.includes(c.channel)) ? await pairs() : undefined;
    });
    expect(piled.length).toBeGreaterThan(0); // blind to each other, they met on the same channels

    const burst = stack.rrm.client.workflow.getHandle(burstReplanWorkflowId(stack.taskQueue));
    // Started by the first move's note (after its APPLIED record): not found until then.
    const planned = await eventually(
      async () => (await burst.query(burstStateQuery).catch(() => undefined))?.planned[0],
      30_000,
    );
    expect(planned.apIds).toEqual([...apIds].sort());
    expect(planned.coChannelPairs).toEqual({ before: piled.length, after: 0 });
    // As the floor page reads it (GET /v1/bursts).
    expect((await collectBursts(stack.rrm, stack.taskQueue)).planned[0]).toEqual(planned);

    const spread = await eventually(async () => {
      const now = await channels();
      return planned.moves.every((m) => now[m.apId].channel === m.to.channel) ? await pairs() : undefined;
    }, 30_000);
    expect(spread).toEqual([]);
    for (const m of planned.moves) {
      const status = await stack.rrm.status(m.eventId);
      expect(status).toMatchObject({
        type: 'JOINT_REPLAN',
        severity: 'LOW', // an optimisation, whatever the burst's severity
        actionType: 'CHANNEL_CHANGE',
      });
      expect(RADAR).not.toContain(m.to.channel); // never onto the radar-closed channels
      // Signed after the move lands at the controller: on a worker process of its own (the cluster
      // run) the record can trail the channel by a moment.
      const applied = await eventually(async () => {
        const [row] = await stack.query<{ reason: string }>(
          `select reason from audit_records where event_id = $1 and execution_status = 'APPLIED'`,
          [m.eventId],
        );
        return row;
      }, 30_000);
      expect(applied.reason).toContain(`joint re-plan of burst ${planned.burstId} (4 radios`);
      // Each move names its gain, and its audit record says it.
      expect(m.gain).toBeDefined();
      expect(applied.reason).toContain(`, for ${describeGain(m.gain!)}`);
    }
  });
});
