// The `rrm` CLI as a second terminal uses it: it finds the running stack through the main job's
// settings file (never mixed with a stack its environment names, never once that main job has
// ended), and when something is missing its one-line answer names the cause and the fix.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RrmStats } from '../../client/library';
import { writeRunningStack } from '../../config/running-stack';
import { EVENT_WORKFLOW_TYPE, eventWorkflowId } from '../../workflows/contract';
import { runCli } from '../support/cli';
import { harmlessEvent } from '../support/scenarios';
import { eventually, startStack, TEST_AUDIT_ENV, type Stack } from '../support/stack';

describe('the rrm CLI finds the stack, and says why when it cannot', () => {
  let stack: Stack;
  const dir = mkdtempSync(join(tmpdir(), 'rrm-cli-stack-'));
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it('answers with no settings of its own: the running stack file says where everything is', async () => {
    const file = join(dir, 'running-stack.json');
    writeRunningStack(
      {
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: stack.taskQueue,
        DATABASE_URL: stack.databaseUrl,
      },
      file,
    );
    const [submitted] = await stack.rrm.submit([await harmlessEvent(stack, stack.ap('ap-02'))]);
    await stack.rrm.result(submitted.eventId);

    // Visibility lags behind the event: asked again until it counts it.
    const stats = await eventually(async () => {
      const res = await runCli(['--json', 'stats'], { RRM_STACK_FILE: file });
      expect(res.code).toBe(0);
      // This test's process wrote the file: its pid is the "main job" that runs.
      expect(res.stderr).toBe(
        `rrm: using the running main job's stack (pid ${process.pid}, started ${startedAt(file)}) from ${file}\n`,
      );
      const answer = JSON.parse(res.stdout) as RrmStats;
      return answer.events.total >= 1 ? answer : undefined;
    }, 30_000);
    expect(stats.taskQueue).toBe(stack.taskQueue);
    expect(stats.audit).not.toBeNull(); // DATABASE_URL came from the file too
  });

  it('ignores the file once its main job has ended, and says it is stale', async () => {
    const file = join(dir, 'stale.json');
    const ended = spawnSync(process.execPath, ['-e', '']).pid; // reaped: no process has it now
    const startedAt = '2026-01-01T00:00:00.000Z';
    writeFileSync(file, JSON.stringify({ pid: ended, startedAt, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } }));
    const res = await runCli(['schema'], { RRM_STACK_FILE: file });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(
      `rrm: ignoring ${file}: it is stale, its main job (pid ${ended}, started ${startedAt}) is not running\n`,
    );
  });

  it('does not read the file when its environment names a Temporal of its own', async () => {
    // A live main job's file naming another Temporal and a database that does not answer.
    const file = join(dir, 'other-stack.json');
    writeRunningStack(
      { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: 'postgres://rrm@127.0.0.1:1/rrm' },
      file,
    );
    const res = await runCli(['--json', 'stats'], {
      RRM_STACK_FILE: file,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
    });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect((JSON.parse(res.stdout) as RrmStats).audit).toBeNull(); // no DATABASE_URL from the file
  });

  it('does not read the file when its environment names a database of its own', async () => {
    const file = join(dir, 'other-database.json');
    writeRunningStack({ DATABASE_URL: 'postgres://rrm@127.0.0.1:1/rrm' }, file);
    const res = await runCli(['--json', 'audit', 'verify'], {
      RRM_STACK_FILE: file,
      DATABASE_URL: stack.databaseUrl,
      ...TEST_AUDIT_ENV,
    });
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain('main job'); // the file, neither used nor ignored as stale
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: true });
  });

  it('verifies the running stack’s audit trail with keys given in the environment', async () => {
    // The main job shares its key file; keys listed in the environment take its place.
    const file = join(dir, 'keys-in-env.json');
    writeRunningStack(
      { DATABASE_URL: stack.databaseUrl, RRM_AUDIT_HMAC_KEYS_FILE: join(dir, 'main-job-keys.json') },
      file,
    );
    const res = await runCli(['--json', 'audit', 'verify'], { RRM_STACK_FILE: file, ...TEST_AUDIT_ENV });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^rrm: using the running main job's stack/);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: true });
    expect(JSON.parse(res.stdout).checked).toBeGreaterThanOrEqual(1);
  });

  it('says Temporal is unreachable, where, and how to fix it', async () => {
    const res = await runCli(['status', 'e-1'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^rrm: Temporal unreachable at 127\.0\.0\.1:1 \(.+\); start the loop with `npm start`/,
    );
  });

  it('says no worker polls the task queue when the loop is not running', async () => {
    const queue = `nobody-${stack.taskQueue}`;
    const event = {
      ...(await harmlessEvent(stack, stack.ap('ap-04'))),
      eventId: `orphan-${stack.taskQueue}`,
    };
    await stack.rrm.client.workflow.start(EVENT_WORKFLOW_TYPE, {
      workflowId: eventWorkflowId(event.eventId),
      taskQueue: queue,
      args: [
        {
          ...event,
          radio: '5g',
          confidence: 0.9,
          detectedAt: new Date().toISOString(),
          receivedAt: new Date().toISOString(),
          source: 'MANUAL',
        },
      ],
    });
    const res = await runCli(['status', event.eventId], {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: queue,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `rrm: no worker polls task queue ${queue} in namespace default: the loop is not running`,
    );
    await stack.rrm.client.workflow.getHandle(eventWorkflowId(event.eventId)).terminate('test done');
  });

  it('says an event is not there', async () => {
    const res = await runCli(['status', 'no-such-event'], {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
    });
    expect(res).toMatchObject({ code: 1, stderr: 'rrm: no event no-such-event\n' });
  });

  it('says PostgreSQL is unreachable, naming DATABASE_URL without its password', async () => {
    const res = await runCli(['stats'], {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      DATABASE_URL: 'postgres://rrm:secret@127.0.0.1:1/rrm',
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^rrm: PostgreSQL unreachable at 127\.0\.0\.1:1\/rrm \(DATABASE_URL\)/);
    expect(res.stderr).not.toContain('secret');
  });
});

const startedAt = (file: string): string =>
  (JSON.parse(readFileSync(file, 'utf8')) as { startedAt: string }).startedAt;
