// Channel Move Time under load, end to end on the real stack: Temporal (TEMPORAL_ADDRESS), PostgreSQL
// (DATABASE_URL, a scratch database) and the simulator over HTTP. A campus of APs all sits on the
// DFS channels 52-64 when radar hits all four at once: every AP gets a DFS_RADAR event in one burst
// and must be off the channel within the regulatory Channel Move Time (10 s). Prints, from the
// controller's own change log, how long each AP took from submit to the applied move.
// `npm run bench`; BENCH_COLUMNS × BENCH_ROWS sets the campus (default 8 × 6).
import { performance } from 'node:perf_hooks';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { RrmClient, terminateRunningWorkflows } from '../client/library';
import { DEFAULT_POLICY } from '../domain/policy';
import { CHANNEL_MOVE_TIME_MS } from '../domain/regulatory';
import { startSimulator } from '../simulator/server';
import type { ChangeRecord, ScenarioDefinition } from '../simulator/types';
import { createRrmWorker } from '../workers/rrm-worker';
import { percentile } from './percentile';
import { withScratchDatabase } from './scratch-database';

const COLUMNS = Number(process.env.BENCH_COLUMNS ?? 8);
const ROWS = Number(process.env.BENCH_ROWS ?? 6);
const RADAR_CHANNELS = [52, 56, 60, 64];
const SPACING_M = 20;

/** COLUMNS × ROWS APs 20 m apart, their 5 GHz radios spread over the DFS channels 52-64 at 20 MHz. */
const campus: ScenarioDefinition = {
  name: 'radar-storm-campus',
  description: `${COLUMNS * ROWS} APs on DFS channels 52-64`,
  aps: Array.from({ length: COLUMNS * ROWS }, (_, i) => ({
    apId: `ap-${String(i + 1).padStart(3, '0')}`,
    x: (i % COLUMNS) * SPACING_M,
    y: Math.floor(i / COLUMNS) * SPACING_M,
    radios: {
      '2g': { channel: [1, 6, 11][i % 3], width: 20, txPowerDbm: 11 },
      '5g': { channel: RADAR_CHANNELS[i % RADAR_CHANNELS.length], width: 20, txPowerDbm: 17 },
    },
  })),
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set (npm run bench starts a Temporal dev server)');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  await withScratchDatabase(async (databaseUrl) => {
    const sim = await startSimulator({ port: 0, seed: 1, scenario: campus });
    const taskQueue = 'bench-radar-storm';
    const { worker, client, close } = await createRrmWorker({
      temporal: { address, namespace: 'default', taskQueue },
      databaseUrl,
      controllerUrl: sim.url,
      policy: DEFAULT_POLICY,
      env: { RRM_AUDIT_HMAC_KEYS: `bench:${Buffer.alloc(32, 1).toString('base64')}` },
    });
    // A run that was killed leaves its AP coordinators behind, which would hold the APs' turns.
    await terminateRunningWorkflows(client, taskQueue, 'left by an earlier benchmark run');
    const running = worker.run();
    try {
      const rrm = new RrmClient(client, taskQueue, DEFAULT_POLICY);
      const aps = campus.aps.map((ap) => ({ apId: ap.apId, channel: ap.radios['5g']!.channel }));
      for (const channel of RADAR_CHANNELS) sim.world.injectRadar(channel);
      const submittedAt = Date.now();
      const start = performance.now();
      await rrm.submit(aps.map(({ apId, channel }) => ({ type: 'DFS_RADAR', apId, data: { channel } })));
      const submitMs = performance.now() - start;

      // The controller's change log says when each move landed.
      const movedAt = new Map<string, number>();
      const deadline = Date.now() + 60_000;
      while (movedAt.size < aps.length && Date.now() < deadline) {
        for (const { apId } of aps.filter((ap) => !movedAt.has(ap.apId))) {
          const res = await fetch(`${sim.url}/v1/aps/${apId}/changes`);
          const { changes } = (await res.json()) as { changes: ChangeRecord[] };
          const move = changes.find((c) => c.radio === '5g' && c.current.channel !== c.previous.channel);
          if (move) movedAt.set(apId, Date.parse(move.appliedAt));
        }
        await sleep(100);
      }
      const moveTimes = [...movedAt.values()].map((t) => t - submittedAt).sort((a, b) => a - b);
      const head = `radar storm: ${aps.length} APs, one DFS_RADAR each (submitted in ${submitMs.toFixed(0)} ms)`;
      if (moveTimes.length === 0) throw new Error(`${head}: no AP moved within 60 s`);
      const late = moveTimes.filter((ms) => ms > CHANNEL_MOVE_TIME_MS).length;
      const spanS = moveTimes[moveTimes.length - 1] / 1000;
      console.log(
        `${head}: Channel Move Time p50 ${percentile(moveTimes, 0.5)} ms, p95 ${percentile(moveTimes, 0.95)} ms, ` +
          `max ${percentile(moveTimes, 1)} ms; ${(moveTimes.length / spanS).toFixed(1)} moves/s; ` +
          `over ${CHANNEL_MOVE_TIME_MS / 1000} s: ${late}; not moved within 60 s: ${aps.length - moveTimes.length}`,
      );
    } finally {
      await terminateRunningWorkflows(client, taskQueue, 'benchmark finished');
      worker.shutdown();
      await running;
      await close();
      await sim.close();
    }
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
