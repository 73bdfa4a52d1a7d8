// What happens at the door: duplicates start one workflow, bad events start nothing, events the
// policy refuses end REJECTED, and each case is audited. Also through the `rrm` CLI process.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { InvalidEventsError } from '../../client/library';
import { eventWorkflowId } from '../../workflows/contract';
import { startStack, type Stack } from '../support/stack';

const run = promisify(execFile);

describe('event ingest on the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  const auditOf = (eventId: string) =>
    stack.query<{ execution_status: string; reason: string }>(
      'select execution_status, reason from audit_records where event_id = $1 order by chain_position',
      [eventId],
    );

  it('starts one workflow for an eventId submitted twice, even after the first has finished', async () => {
    const event = {
      eventId: `dup-${stack.ap('x')}`,
      type: 'NON_WIFI_BURST',
      apId: stack.ap('ap-02'),
      confidence: 0.2,
    };
    const [first, second] = await stack.rrm.submit([event, event]).then(async (both) => {
      await stack.rrm.result(event.eventId);
      return [both, await stack.rrm.submit([event])];
    });
    expect(first.map((s) => s.duplicate).sort()).toEqual([false, true]);
    expect(second[0].duplicate).toBe(true);

    const runs = [];
    for await (const wf of stack.rrm.client.workflow.list({
      query: `WorkflowId = '${eventWorkflowId(event.eventId)}'`,
    })) {
      runs.push(wf);
    }
    expect(runs).toHaveLength(1);
    expect(await auditOf(event.eventId)).toHaveLength(1);
  });

  it('refuses a bad batch with errors naming each field, and starts nothing of it', async () => {
    const good = {
      eventId: `good-${stack.ap('x')}`,
      type: 'DFS_RADAR',
      apId: stack.ap('ap-05'),
      data: { channel: 52 },
    };
    const bad = {
      eventId: `bad-${stack.ap('x')}`,
      type: 'DFS_RADAR',
      apId: 'has space',
      radio: '7g',
      data: {},
    };
    const error = await stack.rrm.submit([good, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventsError);
    const fields = (error as InvalidEventsError).problems.flatMap((p) =>
      p.errors.map((e) => `${p.index}:${e.field}`),
    );
    expect(fields.sort()).toEqual(['1:apId', '1:data.channel', '1:radio']);

    for (const eventId of [good.eventId, bad.eventId]) {
      await expect(
        stack.rrm.client.workflow.getHandle(eventWorkflowId(eventId)).describe(),
      ).rejects.toBeInstanceOf(WorkflowNotFoundError);
      expect(await auditOf(eventId)).toHaveLength(0);
    }
  });

  it('rejects events below the minimum confidence of their type, with an audit record', async () => {
    const low = {
      eventId: `low-${stack.ap('x')}`,
      type: 'NON_WIFI_BURST',
      apId: stack.ap('ap-04'),
      confidence: 0.3,
    };
    await stack.rrm.submit([low]);
    const result = await stack.rrm.result(low.eventId);
    expect(result).toMatchObject({
      outcome: 'REJECTED',
      reason: expect.stringContaining('below the minimum 0.5'),
    });
    expect(await auditOf(low.eventId)).toEqual([{ execution_status: 'REJECTED', reason: result.reason }]);
  });

  it('the rrm CLI submits NDJSON with --wait, and fails with a one-line reason naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rrm-cli-'));
    const env = { ...process.env, TEMPORAL_TASK_QUEUE: stack.taskQueue };
    const cli = join(__dirname, '../../bin/rrm.js');

    const good = join(dir, 'events.ndjson');
    writeFileSync(
      good,
      `${JSON.stringify({ eventId: `cli-${stack.ap('x')}`, type: 'LOAD_IMBALANCE', apId: stack.ap('ap-06'), confidence: 0.2 })}\n`,
    );
    const ok = await run(process.execPath, [cli, '--json', 'submit', good, '--wait'], { env });
    expect(JSON.parse(ok.stdout)).toEqual([expect.objectContaining({ outcome: 'REJECTED', stage: 'done' })]);

    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ type: 'DFS_RADAR', apId: stack.ap('ap-06'), data: { channel: 'fifty-two' } }),
    );
    const failure = await run(process.execPath, [cli, 'submit', bad], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('data.channel');

    // The field errors come before any connection: with no Temporal to reach, the same answer.
    const offline = await run(process.execPath, [cli, 'submit', bad], {
      env: { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(offline).toMatchObject({ code: 1 });
    expect((offline as { stderr: string }).stderr).toContain('data.channel');
  });
});
