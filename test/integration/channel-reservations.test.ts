// Channel reservations on the real stack (docs/coordination.md, "Reservations"): four APs in a row
// hit at once, each by an interferer its source reports CRITICAL (radar moves book nothing: the
// reflex). Each move books its choice with the burst workflow and counts what its neighbours booked
// before it, so the four leave their channels onto channels of their own, without the joint re-plan
// (off here) having anything to mend; each booking ends as its move lands.
import { burstReplanWorkflowId, burstStateQuery } from '../../workflows/contract';
import { policyWith } from '../support/policy';
import { RADAR, RADAR_ROW, radarRow } from '../support/radar-row';
import { eventually, startStack, type Stack } from '../support/stack';

describe('channel reservations on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      scenario: RADAR_ROW,
      // A generous time box: on a shared CI machine the first booking (starting the workflow) can be slow.
      policy: policyWith({
        jointReplan: { enabled: false },
        // CRITICAL moves wait for the answer here (by default they do not: they choose blind).
        channelReservations: { criticalAnswerWithinMs: 2_000 },
      }),
    });
  });
  afterAll(() => stack?.stop());

  it('spreads four neighbours hit at once, each counting the moves booked before it', async () => {
    const row = await radarRow(stack);
    const eventIds = await row.radarOnAll({ type: 'NON_WIFI_BURST', severity: 'CRITICAL', confidence: 0.9 });
    await eventually(async () => {
      const now = await row.channels();
      return Object.values(now).every((c) => !RADAR.includes(c.channel)) ? true : undefined;
    });
    // Without the reservations the same four pile up (test/integration/joint-replan.test.ts).
    expect(await row.pairs()).toEqual([]);

    // Signed as the turn goes back: the last record may follow the move by a moment.
    const reasons = await eventually(async () => {
      const rows = await stack.query<{ reason: string }>(
        `select reason from audit_records where event_id = any($1) and execution_status = 'APPLIED'`,
        [eventIds],
      );
      return rows.length === 4 ? rows : undefined;
    });
    // Which of them counted a booking (rather than a move already in its scan) depends on timing
    // here; test/workflows/reservations.test.ts holds the applies to show the counting itself.
    for (const { reason } of reasons) expect(reason).not.toContain('not seen');

    const burst = stack.rrm.client.workflow.getHandle(burstReplanWorkflowId(stack.taskQueue));
    await eventually(async () =>
      (await burst.query(burstStateQuery)).reservations.length === 0 ? true : undefined,
    );
  });
});
