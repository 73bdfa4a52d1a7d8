// What a worker costs while changes are being watched: 2,000 DFS_RADAR events, each moved and still
// running (its 5-minute monitor window, then its rollback token), with their 2,000 AP coordinators
// holding the watches and radar closures. Prints the process's resident memory before and after
// (the simulator runs in the same process, so its share is in both figures), what one workflow in
// the workers' caches costs, how many history events the coordinators gained over 30 s in which
// nothing happened to them (an idle coordinator should gain none), and the process's CPU meanwhile
// (the events' samples, every 30 s each).
// `npm run bench`; BENCH_WATCHED_EVENTS sets the number of events (default 2000).
import { setTimeout as sleep } from 'node:timers/promises';
import { RrmClient, terminateRunningWorkflows } from '../client/library';
import { DEFAULT_POLICY } from '../domain/policy';
import { startSimulator } from '../simulator/server';
import { apCoordinatorWorkflowId, coordinatorTaskQueue } from '../workflows/contract';
import { createRrmWorker } from '../workers/rrm-worker';
import { createSimulatorController } from '../activities/controller/simulator';
import { campus, radarApId } from './campus';
import { installQuietRuntime, requireTemporalAddress } from './bench-runtime';
import { withScratchDatabase } from './scratch-database';

const EVENTS = Number(process.env.BENCH_WATCHED_EVENTS ?? 2000);
const WAVE = 200;
const IDLE_PROBES = 20;
const IDLE_SECONDS = 30;

async function main(): Promise<void> {
  const address = requireTemporalAddress();
  installQuietRuntime();
  const scenario = campus(EVENTS);
  await withScratchDatabase(async (databaseUrl) => {
    const sim = await startSimulator({ port: 0, seed: 1, scenario });
    const taskQueue = 'bench-worker-memory';
    const worker = await createRrmWorker({
      temporal: { connection: { address }, namespace: 'default', taskQueue },
      databaseUrl,
      controller: createSimulatorController(sim.url),
      policy: DEFAULT_POLICY,
      env: { RRM_AUDIT_HMAC_KEYS: `bench:${Buffer.alloc(32, 1).toString('base64')}` },
    });
    const { client } = worker;
    await terminateRunningWorkflows(client, taskQueue, 'left by an earlier benchmark run');
    const running = worker.run();
    try {
      const rrm = new RrmClient(client, taskQueue, DEFAULT_POLICY);
      for (const channel of [52, 56, 60, 64]) sim.world.injectRadar(channel);
      const before = residentMb();
      const start = Date.now();
      for (let from = 0; from < EVENTS; from += WAVE) {
        const apIds = Array.from({ length: Math.min(WAVE, EVENTS - from) }, (_, i) => radarApId(from + i));
        await rrm.submit(
          apIds.map((apId) => ({
            type: 'DFS_RADAR',
            apId,
            data: { channel: scenario.aps.find((ap) => ap.apId === apId)!.radios['5g']!.channel },
          })),
        );
        await allMoved(sim.world.changes.bind(sim.world), apIds);
      }
      const settledS = ((Date.now() - start) / 1000).toFixed(0);
      await sleep(5_000);
      const watching = await client.workflow.count(
        `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running" AND WorkflowType = "rrmEvent"`,
      );
      const coordinators = await client.workflow.count(
        `TaskQueue = "${coordinatorTaskQueue(taskQueue)}" AND ExecutionStatus = "Running"`,
      );
      const after = residentMb();
      const probes = Array.from({ length: IDLE_PROBES }, (_, i) =>
        client.workflow.getHandle(apCoordinatorWorkflowId(radarApId(i * Math.floor(EVENTS / IDLE_PROBES)))),
      );
      const lengths = async () => Promise.all(probes.map(async (h) => (await h.describe()).historyLength));
      const first = await lengths();
      // What the waiting costs the process (samples every 30 s; an evicted workflow replays to take one).
      const cpu = process.cpuUsage();
      await sleep(IDLE_SECONDS * 1000);
      const used = process.cpuUsage(cpu);
      const busy = (100 * (used.user + used.system)) / 1e6 / IDLE_SECONDS;
      const grown = (await lengths()).reduce((n, len, i) => n + (len - first[i]), 0);
      const caches = { events: worker.workers.events, coordinators: worker.workers.coordinators };
      const cached =
        Math.min(watching.count, caches.events.options.maxCachedWorkflows) +
        Math.min(coordinators.count, caches.coordinators.options.maxCachedWorkflows);
      console.log(
        `worker memory: ${EVENTS} DFS_RADAR events moved in ${settledS} s, ${watching.count} still running (in their monitor window or holding a rollback token): ` +
          `resident ${after.toFixed(0)} MB (${before.toFixed(0)} MB before the events; simulator included), ` +
          `${(((after - before) * 1000) / cached).toFixed(0)} KB per cached workflow ` +
          `(${watching.count} events, ${coordinators.count} AP coordinators running; workflow caches: events ` +
          `${caches.events.options.maxCachedWorkflows}, coordinators ${caches.coordinators.options.maxCachedWorkflows}); ` +
          `history events added to ${IDLE_PROBES} idle AP coordinators in ${IDLE_SECONDS} s: ${grown}; ` +
          `the process's CPU meanwhile: ${busy.toFixed(0)} % of a core`,
      );
    } finally {
      await terminateRunningWorkflows(client, taskQueue, 'benchmark finished');
      worker.shutdown();
      await running;
      await worker.close();
      await sim.close();
    }
  });
}

/** Resident memory after a full garbage collection, in MB. */
function residentMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (npm run bench does)');
  gc();
  return process.memoryUsage().rss / 1e6;
}

/** Waits (up to 120 s) until every AP's 5 GHz radio has moved. */
async function allMoved(
  changes: (apId: string) => { radio: string; current: { channel: number }; previous: { channel: number } }[],
  apIds: string[],
): Promise<void> {
  const deadline = Date.now() + 120_000;
  let pending = apIds;
  while (pending.length && Date.now() < deadline) {
    pending = pending.filter(
      (apId) => !changes(apId).some((c) => c.radio === '5g' && c.current.channel !== c.previous.channel),
    );
    await sleep(100);
  }
  if (pending.length) throw new Error(`${pending.length} APs did not move within 120 s`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
