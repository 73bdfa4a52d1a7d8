// Replay (docs/upgrades.md): the histories of real runs replay against the current workflow bundle
// without a nondeterminism error, the check to make before rolling out changed workflow code. An
// event run (applied, watched, committed) and its AP's coordinator run on the stack; their
// histories, fetched by the client and exported by the pinned CLI's `temporal workflow show
// --output json`, are replayed. A tampered history must fail, so a pass means something.
//
// With RRM_REPLAY_HISTORY_DIR set, every `<workflowId>.json` there (histories exported from the
// running build with `temporal workflow show -w <workflowId> -o json`) is replayed too: run this
// file with the new code before it is rolled out.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { EventStatus } from '../../workflows/contract';
import { apCoordinatorWorkflowId, eventWorkflowId } from '../../workflows/contract';
import { fastSampling } from '../support/policy';
import { simPost } from '../support/sim-client';
import { eventually, startStack, workflowBundle, type Stack } from '../support/stack';

const run = promisify(execFile);

// No rollback token: the committed event run ends, so its whole history is replayed.
const policy = fastSampling({ events: { DFS_RADAR: { rollbackTokenTtlMs: 0 } } });

async function replay(history: unknown, workflowId: string): Promise<void> {
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
}

/**
 * A history exported as JSON by the CLI or the Web UI. Worker.runReplayHistory would parse it with
 * @temporalio/common's historyFromJSON, which fails in this install ("type must be a Type"): npm
 * gives @temporalio/common and @temporalio/proto a protobufjs 8 copy each, and the parser's
 * `instanceof Type` sees the other copy's type. So parse with the copy @temporalio/proto's types
 * come from.
 */
function historyFromExport(json: unknown): unknown {
  const fromProto = createRequire(require.resolve('@temporalio/proto'));
  const { fromJson } = fromProto('protobufjs/ext/protojson') as {
    fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
  };
  const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
  return fromJson(root.lookupType('temporal.api.history.v1.History'), json, { ignoreUnknownFields: true });
}

/** Replays every `<workflowId>.json` of `dir`; returns the workflow ids replayed. */
async function replayDirectory(dir: string): Promise<string[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  for (const file of files) {
    const workflowId = basename(file, '.json');
    try {
      await replay(historyFromExport(JSON.parse(readFileSync(join(dir, file), 'utf8'))), workflowId);
    } catch (err) {
      throw new Error(`${file} does not replay: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return files.map((f) => basename(f, '.json'));
}

describe('replay of real histories against the current workflow bundle', () => {
  let stack: Stack;
  let eventId: string;
  let apId: string;
  beforeAll(async () => {
    stack = await startStack({ policy });
    apId = stack.ap('ap-05');
    await simPost(stack.sim.url, '/v1/inject/radar', { channel: 52 });
    const [submitted] = await stack.rrm.submit([
      { eventId: `radar-${apId}`, type: 'DFS_RADAR_DETECTED', apId, data: { channel: 52 } },
    ]);
    eventId = submitted.eventId;
    await eventually(async () => ((await stack.rrm.status(eventId)).stage === 'monitor' ? true : undefined));
    await stack.rrm.commit(eventId, { operator: 'test' });
    const status = (await stack.rrm.eventHandle(eventId).result()) as EventStatus;
    expect(status.outcome).toBe('APPLIED');
  });
  afterAll(() => stack?.stop());

  it('replays the event run and the coordinator as fetched by the client', async () => {
    const event = await stack.rrm.eventHandle(eventId).fetchHistory();
    expect(event.events?.length).toBeGreaterThan(10);
    await replay(event, eventWorkflowId(eventId));
    // The coordinator still runs (the radar's channels stay closed): its history so far replays.
    const coordinatorId = apCoordinatorWorkflowId(apId);
    await replay(await stack.rrm.client.workflow.getHandle(coordinatorId).fetchHistory(), coordinatorId);
  });

  it('replays histories exported by `temporal workflow show --output json`', async () => {
    const cli = process.env.TEMPORAL_CLI;
    if (!cli) throw new Error('TEMPORAL_CLI is not set: run the tests with `npm test`');
    const dir = mkdtempSync(join(tmpdir(), 'rrm-histories-'));
    try {
      for (const workflowId of [eventWorkflowId(eventId), apCoordinatorWorkflowId(apId)]) {
        const { stdout } = await run(
          cli,
          ['workflow', 'show', '-w', workflowId, '-o', 'json', '--address', process.env.TEMPORAL_ADDRESS!],
          { maxBuffer: 64 * 1024 * 1024 },
        );
        writeFileSync(join(dir, `${workflowId}.json`), stdout);
      }
      expect(await replayDirectory(dir)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a history the current code would not have produced', async () => {
    const history = await stack.rrm.eventHandle(eventId).fetchHistory();
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes)!;
    scheduled.activityTaskScheduledEventAttributes!.activityType = { name: 'notAnActivityOfThisCode' };
    await expect(replay(history, eventWorkflowId(eventId))).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  const saved = process.env.RRM_REPLAY_HISTORY_DIR;
  (saved ? it : it.skip)('replays the histories of RRM_REPLAY_HISTORY_DIR', async () => {
    expect((await replayDirectory(saved!)).length).toBeGreaterThan(0);
  });
});
