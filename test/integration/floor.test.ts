// The floor at a glance on the real stack: `rrm floor` (JSON, text, --watch) and `GET /v1/floor` show
// every AP and radio with its configuration from the controller beside its turn, watch and closures.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FloorView } from '../../client/library';
import { buildIngestServer } from '../../client/http-ingest/server';
import type { EventStatus } from '../../workflows/contract';
import { runCli } from '../support/cli';
import { radarInMonitor } from '../support/scenarios';
import { getRadio } from '../support/sim-client';
import { startStack, type Stack } from '../support/stack';

describe('the floor: rrm floor and GET /v1/floor', () => {
  let stack: Stack;
  let radar: EventStatus;
  const env = () => ({
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    RRM_CONTROLLER_URL: stack.sim.url,
  });

  beforeAll(async () => {
    stack = await startStack();
    radar = await radarInMonitor(stack, stack.ap('ap-05'));
  });
  afterAll(() => stack?.stop());

  /** What the floor must say of ap-05 after its radar move: watched, 52–64 closed, on its new channel. */
  async function expectRadarAp(floor: FloorView) {
    expect(floor.aps.map((a) => a.apId)).toEqual(
      expect.arrayContaining([stack.ap('ap-01'), stack.ap('ap-09')]),
    );
    const ap05 = floor.aps.find((a) => a.apId === stack.ap('ap-05'))!;
    const radio = ap05.radios.find((r) => r.radio === '5g')!;
    const now = await getRadio(stack.sim.url, ap05.apId);
    expect(ap05.coordinator).toBe('running');
    expect(radio).toMatchObject({
      channel: now.channel,
      width: now.width,
      holder: null,
      watch: { eventId: radar.eventId, type: 'DFS_RADAR', severity: 'CRITICAL' },
      queue: [],
      closedChannels: [52, 56, 60, 64],
    });
  }

  it('rrm --json floor: every AP, the radar AP watched with its channels closed', async () => {
    const res = await runCli(['--json', 'floor'], env());
    expect(res).toMatchObject({ code: 0, stderr: '' });
    await expectRadarAp(JSON.parse(res.stdout) as FloorView);
  });

  it('rrm floor: one line per radio', async () => {
    const res = await runCli(['floor'], env());
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toMatch(/^floor at .*: \d+ APs \(controller http:\/\/127\.0\.0\.1:\d+\)$/);
    expect(lines[1]).toMatch(
      /^ {2}AP\s+status\s+radio\s+channel\s+power\s+clients\s+turn\s+watch\s+queue\s+closed$/,
    );
    const ap05 = lines.find((l) => l.includes(radar.eventId))!;
    expect(ap05).toMatch(/5g\s+\d+\/\d+\s+\d+ dBm\s+\d+\s+-\s+\S+ \(CRITICAL\) \d+ s\s+-\s+52,56,60,64$/);
  });

  it('rrm floor --watch redraws until stopped', async () => {
    const child = spawn(process.execPath, [join(__dirname, '../../bin/rrm.js'), 'floor', '--watch', '1'], {
      env: { PATH: process.env.PATH, RRM_STACK_FILE: '', ...env() },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const draws = () => out.split('floor at ').length - 1;
    const deadline = Date.now() + 20_000;
    while (draws() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(draws()).toBeGreaterThanOrEqual(2);
    expect(out).toContain('\x1b[2J'); // each draw starts on a clear screen
  });

  it('GET /v1/floor answers the same view', async () => {
    const server = buildIngestServer({
      rrm: stack.rrm,
      controller: { port: stack.controller, url: stack.sim.url },
      processMetrics: false,
    });
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${base}/v1/floor`);
      expect(res.status).toBe(200);
      await expectRadarAp((await res.json()) as FloorView);
    } finally {
      await server.close();
    }
  });
});
