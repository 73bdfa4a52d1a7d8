// Non-Wi-Fi bursts on the real stack: a confident report moves the radio away from the
// interferer, and when the new channel turns out worse the change is rolled back automatically.
// Sampling runs every 2 s here (a policy setting) to keep the suite quick; the real 30 s cadence
// and 5-minute window are covered by the time-skipping suite.
import { fastSampling } from '../support/policy';
import { bondedSubchannels } from '../../domain/regulatory';
import { isDfsChannel } from '../../domain/dfs';
import { selectChannel } from '../../domain/channel-selection';
import { STORY_INTERFERER } from '../../simulator/scenario';
import { getRadio, getScan, simGet, simPost } from '../support/sim-client';
import { inStage, jamCurrentChannel, jamNonDfsChannels, statusWhen } from '../support/scenarios';
import { eventually, startStack, type Stack } from '../support/stack';

describe('non-Wi-Fi interference on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ policy: fastSampling() });
    await simPost(stack.sim.url, '/v1/inject/interferer', { ...STORY_INTERFERER });
  });
  afterAll(() => stack?.stop());

  it('rolls a channel change back when the new channel turns out worse', async () => {
    const apId = stack.ap('ap-03');
    const before = await getRadio(stack.sim.url, apId);
    expect(before.channel).toBe(44);
    const [submitted] = await stack.rrm.submit([
      {
        eventId: `burst-${apId}`,
        type: 'INTERFERENCE_BURST',
        apId,
        confidence: 0.9,
        data: { channel: 44, dutyCyclePct: 90 },
      },
    ]);

    const monitoring = await eventually(async () => {
      const s = await stack.rrm.status(submitted.eventId);
      return s.stage === 'monitor' ? s : undefined;
    });
    expect(monitoring.actionType).toBe('CHANNEL_CHANGE');
    const moved = await getRadio(stack.sim.url, apId);
    expect(moved.channel).not.toBe(44);
    const newBlock = bondedSubchannels('5g', moved.channel, moved.width as 40, 'US');
    expect(newBlock).not.toContain(44);

    // A jammer appears on the new channel, right next to the AP: the network got worse.
    await jamCurrentChannel(stack, apId);

    const result = await stack.rrm.result(submitted.eventId);
    expect(result.outcome).toBe('ROLLED_BACK');
    expect(result.findings.length).toBeGreaterThan(0);
    expect(await getRadio(stack.sim.url, apId)).toMatchObject({
      channel: before.channel,
      width: before.width,
    });

    const audit = await stack.query<{
      execution_status: string;
      degradation_detected: boolean;
      auto_rollback_triggered: boolean;
      rollback_eligible: boolean;
      manual_rollback_eligible: boolean;
      configuration_changes: { param: string; old_value: number; new_value: number }[];
    }>(
      `select execution_status, degradation_detected, auto_rollback_triggered, rollback_eligible,
              manual_rollback_eligible, configuration_changes
         from audit_records where event_id = $1 order by chain_position`,
      [submitted.eventId],
    );
    expect(audit.map((r) => r.execution_status)).toEqual(['APPLIED', 'ROLLED_BACK']);
    // The policy row allows the automatic rollback; once it happened, nothing is left to undo by hand.
    expect(audit.map((r) => r.rollback_eligible)).toEqual([true, true]);
    expect(audit.map((r) => r.manual_rollback_eligible)).toEqual([true, false]);
    expect(audit[1]).toMatchObject({ degradation_detected: true, auto_rollback_triggered: true });
    expect(audit[1].configuration_changes).toEqual(
      expect.arrayContaining([{ param: 'channel', old_value: moved.channel, new_value: before.channel }]),
    );
  });

  it('raises OBSS-PD, capping TX power by the 1:1 rule, when the interferer is less certain', async () => {
    const apId = stack.ap('ap-01');
    const before = await getRadio(stack.sim.url, apId);
    const [submitted] = await stack.rrm.submit([
      {
        eventId: `burst-medium-${apId}`,
        type: 'NON_WIFI_BURST',
        apId,
        confidence: 0.6,
        data: { channel: before.channel },
      },
    ]);
    const status = await eventually(async () => {
      const s = await stack.rrm.status(submitted.eventId);
      return s.stage === 'monitor' ? s : undefined;
    });
    expect(status.actionType).toBe('OBSS_PD_TUNE');
    const after = await getRadio(stack.sim.url, apId);
    expect(after.obssPdDbm).toBe(before.obssPdDbm + 3);
    expect(after.txPowerDbm).toBeLessThanOrEqual(21 - (after.obssPdDbm + 82));
    expect(after.channel).toBe(before.channel);
  });
});

describe('a channel the controller refuses for radar', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ policy: fastSampling() });
  });
  afterAll(() => stack?.stop());

  it('is avoided: the loop re-plans instead of failing', async () => {
    const apId = stack.ap('ap-07');
    const radio = await getRadio(stack.sim.url, apId);
    await jamNonDfsChannels(stack, apId);
    // The loop's first choice, from the same scan and rules the workflow uses.
    const scan = await getScan(stack.sim.url, apId);
    const operating = bondedSubchannels('5g', radio.channel, radio.width, 'US');
    const first = selectChannel({
      radio: '5g',
      regulatoryDomain: 'US',
      currentChannel: radio.channel,
      currentWidth: radio.width,
      observations: scan.channels,
      closedChannels: [],
      avoidChannels: operating,
      nonDfsOnly: false,
    });
    if (first.kind !== 'selected') throw new Error('no first choice');
    const firstBlock = bondedSubchannels('5g', first.channel, first.width, 'US');
    // Radar there (the AP's own detection): the controller refuses the move.
    for (const channel of firstBlock.filter((c) => isDfsChannel('5g', c, 'US'))) {
      await simPost(stack.sim.url, '/v1/inject/radar', { channel });
    }
    if (!firstBlock.some((c) => isDfsChannel('5g', c, 'US'))) {
      throw new Error(
        `first choice ${first.channel} is not DFS: this test needs an AP whose best move is DFS`,
      );
    }

    const [submitted] = await stack.rrm.submit([
      { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: radio.channel } },
    ]);
    const status = await eventually(async () => {
      const s = await stack.rrm.status(submitted.eventId);
      return s.stage === 'monitor' || s.outcome ? s : undefined;
    });
    expect(status.stage).toBe('monitor');
    const now = await getRadio(stack.sim.url, apId);
    expect(bondedSubchannels('5g', now.channel, now.width, 'US').some((c) => firstBlock.includes(c))).toBe(
      false,
    );
  });

  it('is superseded at once, nothing undone, when radar hits the channel it moved to: the radar moves the radio on', async () => {
    const apId = stack.ap('ap-04');
    const before = await getRadio(stack.sim.url, apId);
    await jamNonDfsChannels(stack, apId);
    const [burst] = await stack.rrm.submit([
      { type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: before.channel } },
    ]);
    const moved = await inStage(stack, burst.eventId, 'monitor');
    const newChannel = Number(moved.changes.find((c) => c.param === 'channel')!.newValue);
    expect(isDfsChannel('5g', newChannel, 'US')).toBe(true);

    await simPost(stack.sim.url, '/v1/inject/radar', { channel: newChannel });
    const [radar] = await stack.rrm.submit([{ type: 'DFS_RADAR', apId, data: { channel: newChannel } }]);
    const superseded = await statusWhen(stack, burst.eventId, (s) => s.outcome !== undefined);
    expect(superseded).toMatchObject({
      outcome: 'SUPERSEDED',
      reason: expect.stringContaining(
        `superseded by radar ${radar.eventId} (CRITICAL) on channel ${newChannel}`,
      ),
    });
    const handled = await inStage(stack, radar.eventId, 'monitor');
    expect(handled.closedChannels).toContain(newChannel);
    const now = await getRadio(stack.sim.url, apId);
    expect(bondedSubchannels('5g', now.channel, now.width, 'US')).not.toContain(newChannel);
    // After the burst's move, one change of the radio: the radar's. The burst undid nothing.
    const { changes } = await simGet<{ changes: { appliedAt: string; radio: string }[] }>(
      stack.sim.url,
      `/v1/aps/${apId}/changes`,
    );
    const since = changes.filter(
      (c) => c.radio === '5g' && Date.parse(c.appliedAt) > Date.parse(moved.appliedAt!),
    );
    expect(since).toHaveLength(1);
    await stack.rrm.commit(radar.eventId, { operator: 'test' });
  });
});
