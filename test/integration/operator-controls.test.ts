// Operator controls on the real stack: manual rollback while monitoring and after, refused where
// regulation forbids it; a failed apply waits in FAILED for retry or abandon; all audited.
import { fastSampling } from '../support/policy';
import { OperatorRefusedError } from '../../client/library';
import { getRadio, simPost, simRequest } from '../support/sim-client';
import { startStack, type Stack } from '../support/stack';
import { holdApWithChannelChange, radarInMonitor, statusWhen } from '../support/scenarios';

describe('operator controls on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ policy: fastSampling() });
  });
  afterAll(() => stack?.stop());

  const auditOf = (eventId: string) =>
    stack.query<{ execution_status: string; operator: string | null; auto_rollback_triggered: boolean }>(
      'select execution_status, operator, auto_rollback_triggered from audit_records where event_id = $1 order by chain_position',
      [eventId],
    );

  it('rolls a change back by hand while it is monitored, recording who and why', async () => {
    const apId = stack.ap('ap-03');
    const before = await getRadio(stack.sim.url, apId);
    const held = await holdApWithChannelChange(stack, apId);
    const status = await stack.rrm.rollback(held.eventId, { operator: 'alice', reason: 'users complain' });
    expect(status).toMatchObject({
      outcome: 'ROLLED_BACK',
      reason: 'manual rollback by alice: users complain',
    });
    expect(await getRadio(stack.sim.url, apId)).toMatchObject({
      channel: before.channel,
      width: before.width,
    });
    expect((await auditOf(held.eventId)).at(-1)).toEqual({
      execution_status: 'ROLLED_BACK',
      operator: 'alice',
      auto_rollback_triggered: false,
    });
  });

  it('rolls a committed change back later, while its rollback token lives', async () => {
    const apId = stack.ap('ap-01');
    const before = await getRadio(stack.sim.url, apId);
    const held = await holdApWithChannelChange(stack, apId);
    expect(await stack.rrm.commit(held.eventId, { operator: 'bob' })).toMatchObject({ outcome: 'APPLIED' });
    const status = await stack.rrm.rollback(held.eventId, { operator: 'bob' });
    expect(status.outcome).toBe('ROLLED_BACK');
    expect(await getRadio(stack.sim.url, apId)).toMatchObject({ channel: before.channel });
    expect((await auditOf(held.eventId)).map((r) => r.execution_status)).toEqual([
      'APPLIED',
      'COMMITTED',
      'ROLLED_BACK',
    ]);
  });

  it('refuses a manual rollback of a radar move while the old channel is radar-closed', async () => {
    const apId = stack.ap('ap-05');
    const radar = await radarInMonitor(stack, apId);
    const refusal = await stack.rrm.rollback(radar.eventId, { operator: 'carol' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OperatorRefusedError);
    expect((refusal as Error).message).toMatch(/radar-closed/);
    const status = await stack.rrm.status(radar.eventId);
    expect(status.stage).toBe('monitor');
    expect((await getRadio(stack.sim.url, apId)).channel).not.toBe(52);
    await stack.rrm.commit(radar.eventId, { operator: 'carol' });
  });

  it('waits in FAILED when the controller refuses the change, and applies it on retry', async () => {
    const apId = stack.ap('ap-07');
    await simPost(stack.sim.url, '/v1/inject/controller-fault', { mode: 'refuse', count: 1 });
    const before = await getRadio(stack.sim.url, apId);
    const [submitted] = await stack.rrm.submit([
      { type: 'NON_WIFI_BURST', apId, confidence: 0.6, data: { channel: before.channel } },
    ]);
    const failed = await statusWhen(stack, submitted.eventId, (s) => s.outcome === 'FAILED');
    expect(failed).toMatchObject({ stage: 'apply', reason: expect.stringContaining('ControllerRefused') });
    expect(await getRadio(stack.sim.url, apId)).toEqual(before);

    const retried = await stack.rrm.retry(submitted.eventId, { operator: 'dave' });
    expect(retried.outcome).toBeUndefined();
    const monitoring = await statusWhen(stack, submitted.eventId, (s) => s.stage === 'monitor');
    expect(monitoring.actionType).toBe('OBSS_PD_TUNE');
    await stack.rrm.commit(submitted.eventId, { operator: 'dave' });
    expect((await auditOf(submitted.eventId)).map((r) => r.execution_status)).toEqual([
      'FAILED',
      'RETRY',
      'APPLIED',
      'COMMITTED',
    ]);
  });

  it('ends ABANDONED when an operator gives up on a failed apply (controller unreachable)', async () => {
    const apId = stack.ap('ap-09');
    await simPost(stack.sim.url, '/v1/inject/controller-fault', { mode: 'unreachable', count: 20 });
    try {
      const radio = await getRadio(stack.sim.url, apId);
      const [submitted] = await stack.rrm.submit([
        { type: 'NON_WIFI_BURST', apId, confidence: 0.6, data: { channel: radio.channel } },
      ]);
      await statusWhen(stack, submitted.eventId, (s) => s.outcome === 'FAILED');
      const commitRefusal = await stack.rrm
        .commit(submitted.eventId, { operator: 'erin' })
        .catch((e: unknown) => e);
      expect(commitRefusal).toBeInstanceOf(OperatorRefusedError);
      const status = await stack.rrm.abandon(submitted.eventId, {
        operator: 'erin',
        reason: 'controller maintenance',
      });
      expect(status).toMatchObject({
        outcome: 'ABANDONED',
        reason: 'abandoned by erin: controller maintenance',
      });
      expect((await auditOf(submitted.eventId)).map((r) => [r.execution_status, r.operator])).toEqual([
        ['FAILED', null],
        ['ABANDONED', 'erin'],
      ]);
    } finally {
      await simRequest(stack.sim.url, 'DELETE', '/v1/inject/controller-fault');
    }
  });
});
