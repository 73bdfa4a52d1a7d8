// Scaling out (docs/scaling.md): the radar burst on one worker process, then on two on the same task
// queue, against the Temporal of TEMPORAL_ADDRESS (`npm run bench:cluster` starts the self-hosted
// cluster for it: four service processes, PostgreSQL persistence) and a scratch database of
// DATABASE_URL. The workers are real processes (`npm run worker`, test/support/worker-process.ts),
// started as a deployment starts them: no client in their process, so no event starts eagerly and
// every first task goes through the matching service. Each burst moves that many radios hit by radar
// at once; the figures are submit → move in the controller's change log (the Channel Move Time),
// submit → every event's APPLIED signed in the audit trail (the whole reflex and its follow-up),
// and the CPU seconds each process took meanwhile, printed side by side. BENCH_SCALE_BURSTS changes
// the bursts (default 48,200,200), BENCH_SCALE_WORKERS the worker counts and their order (default 1,2).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { RrmClient, terminateRunningWorkflows } from '../client/library';
import { DEFAULT_POLICY } from '../domain/policy';
import { CHANNEL_MOVE_TIME_MS } from '../domain/dfs';
import { startSimulator, type RunningSimulator } from '../simulator/server';
import { WorkerProcess } from '../test/support/worker-process';
import { installQuietRuntime, requireTemporalAddress } from './bench-runtime';
import { campus, RADAR_CHANNELS, radarApId } from './campus';
import { percentile } from './percentile';
import { movesSince } from './radar-moves';
import { withScratchDatabase } from './scratch-database';

const BURSTS = (process.env.BENCH_SCALE_BURSTS ?? '48,200,200').split(',').map(Number);
const WORKER_COUNTS = (process.env.BENCH_SCALE_WORKERS ?? '1,2').split(',').map(Number);
const SETTLE_TIMEOUT_MS = 180_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface BurstRun {
  size: number;
  /** Submit → move, ms, ascending. */
  moves: number[];
  /** Submit → the last event's APPLIED signed, ms (undefined: not within the timeout). */
  allSignedMs?: number;
  /** CPU seconds over the burst (submit → all signed), per process or group. */
  cpu: Record<string, number>;
  /** Share of the machine's CPU time that was busy over the burst. */
  busy: number;
  /** The machine's busy CPU seconds over the burst, every process counted. */
  machineSeconds: number;
}

async function main(): Promise<void> {
  const address = requireTemporalAddress();
  installQuietRuntime();
  const largest = Math.max(...BURSTS);
  await withScratchDatabase(async (databaseUrl) => {
    const sim = await startSimulator({ port: 0, seed: 1, scenario: campus(largest) });
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const pool = new Pool({ connectionString: databaseUrl, max: 2 });
    const runs = new Map<number, BurstRun[]>();
    try {
      for (const count of WORKER_COUNTS) {
        const taskQueue = `bench-scale-${count}w-${randomUUID().slice(0, 6)}`;
        const workers = Array.from(
          { length: count },
          () =>
            new WorkerProcess({
              taskQueue,
              databaseUrl,
              controllerEnv: { RRM_CONTROLLER_URL: sim.url },
              temporalAddress: address,
            }),
        );
        await Promise.all(workers.map((w) => w.start()));
        const rrm = new RrmClient(client, taskQueue, DEFAULT_POLICY);
        const fresh = async () => {
          await terminateRunningWorkflows(client, taskQueue, 'bench phase');
          sim.world.reset();
          for (const channel of RADAR_CHANNELS) sim.world.injectRadar(channel);
        };
        try {
          // Warm-up (workflow code loaded, connections, caches): not counted.
          await fresh();
          await burst(sim, rrm, pool, workers, 3);
          const mine: BurstRun[] = [];
          for (const size of BURSTS) {
            await fresh();
            const run = await burst(sim, rrm, pool, workers, size);
            console.log(`${count} worker process(es), burst of ${size}: ${describe(run)}`);
            mine.push(run);
          }
          runs.set(count, mine);
          await fresh();
        } finally {
          await Promise.all(workers.map((w) => w.stop()));
        }
      }
    } finally {
      await pool.end();
      await connection.close();
      await sim.close();
    }
    report(runs);
  });
}

async function burst(
  sim: RunningSimulator,
  rrm: RrmClient,
  pool: Pool,
  workers: WorkerProcess[],
  size: number,
): Promise<BurstRun> {
  const apIds = Array.from({ length: size }, (_, i) => radarApId(i));
  const channelOf = (apId: string) => sim.world.apState(apId).radios['5g']!.channel;
  const cpuBefore = cpuOf(workers);
  const machineBefore = machineCpu();
  const since = Date.now();
  const detectedAt = new Date(since).toISOString();
  const submitted = await rrm.submit(
    apIds.map((apId) => ({ type: 'DFS_RADAR', apId, detectedAt, data: { channel: channelOf(apId) } })),
  );
  const eventIds = submitted.map((s) => s.eventId);
  const moves = (await movesSince(sim, apIds, since)).times;
  const allSignedMs = await allSigned(pool, eventIds, since);
  const cpuAfter = cpuOf(workers);
  const machineAfter = machineCpu();
  const cpu = Object.fromEntries(
    Object.entries(cpuAfter).map(([name, seconds]) => [name, seconds - (cpuBefore[name] ?? 0)]),
  );
  const ticks = Math.max(1, machineAfter.total - machineBefore.total);
  const idle = machineAfter.idle - machineBefore.idle;
  return {
    size,
    moves,
    allSignedMs,
    cpu,
    busy: 1 - idle / ticks,
    machineSeconds: (ticks - idle) / TICKS_PER_SECOND,
  };
}

/** Submit → the moment every event's APPLIED record is in the audit trail. */
async function allSigned(pool: Pool, eventIds: string[], since: number): Promise<number | undefined> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ n: number }>(
      `select count(distinct event_id)::int as n from audit_records
        where execution_status = 'APPLIED' and event_id = any($1)`,
      [eventIds],
    );
    if (rows[0].n >= eventIds.length) return Date.now() - since;
    await sleep(100);
  }
  return undefined;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) of a process so far; 0 when it is gone. */
function processCpu(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds so far of each worker process and of each Temporal service process of the cluster. */
function cpuOf(workers: WorkerProcess[]): Record<string, number> {
  const cpu: Record<string, number> = {};
  workers.forEach((w, i) => (cpu[`worker ${i + 1}`] = processCpu(w.pid)));
  const dir = process.env.TEMPORAL_CLUSTER_DIR;
  if (dir) {
    for (const service of ['frontend', 'history', 'matching', 'worker']) {
      try {
        cpu[`temporal ${service}`] = processCpu(Number(readFileSync(join(dir, `${service}.pid`), 'utf8')));
      } catch {
        // not a cluster of scripts/temporal-cluster.sh
      }
    }
  }
  return cpu;
}

/** The machine's CPU time so far (all cores), and how much of it was idle (ticks). */
function machineCpu(): { total: number; idle: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const values = ticks.map(Number);
  return { total: values.reduce((a, b) => a + b, 0), idle: values[3] + (values[4] ?? 0) };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const cpuOfGroup = (run: BurstRun, prefix: string) =>
  Object.entries(run.cpu).filter(([name]) => name.startsWith(prefix));

/** The figures of one burst, one per line. */
function figuresOf(run: BurstRun): [string, string][] {
  const { moves, size } = run;
  const late = moves.filter((ms) => ms > CHANNEL_MOVE_TIME_MS).length + (size - moves.length);
  const workers = cpuOfGroup(run, 'worker ').map(([, s]) => s);
  const services = cpuOfGroup(run, 'temporal ');
  const rest = run.machineSeconds - sum(workers) - sum(services.map(([, s]) => s));
  return [
    [
      'radar moves p50 / max',
      moves.length
        ? `${seconds(Number(percentile(moves, 0.5)))} / ${seconds(moves[moves.length - 1])}`
        : 'none',
    ],
    [`moves over ${CHANNEL_MOVE_TIME_MS / 1000} s (or none)`, String(late)],
    [
      'every APPLIED signed',
      run.allSignedMs === undefined ? `not within ${seconds(SETTLE_TIMEOUT_MS)}` : seconds(run.allSignedMs),
    ],
    ['CPU s, worker processes', workers.map((s) => s.toFixed(1)).join(' + ')],
    [
      'CPU s, Temporal services',
      services.length
        ? `${sum(services.map(([, s]) => s)).toFixed(1)} (${services.map(([n, s]) => `${n.slice('temporal '.length)} ${s.toFixed(1)}`).join(', ')})`
        : 'not a cluster of scripts/temporal-cluster.sh',
    ],
    ['CPU s, the rest (PostgreSQL, simulator, bench)', rest.toFixed(1)],
    ['machine busy (2 cores = 100%)', `${Math.round(run.busy * 100)}%`],
  ];
}

function describe(run: BurstRun): string {
  return figuresOf(run)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/** Each burst side by side: one table per burst, one column per worker count. */
function report(runs: Map<number, BurstRun[]>): void {
  const counts = [...runs.keys()];
  console.log(
    `\nradar burst on ${process.env.TEMPORAL_CLUSTER_DIR ? 'the self-hosted cluster' : 'Temporal'}, side by side:`,
  );
  BURSTS.forEach((size, i) => {
    const nth = BURSTS.slice(0, i).filter((n) => n === size).length;
    const header = [
      `burst of ${size} radios${nth ? ` (run ${nth + 1})` : ''}`,
      ...counts.map((n) => `${n} worker process${n > 1 ? 'es' : ''}`),
    ];
    const columns = counts.map((n) => figuresOf(runs.get(n)![i]));
    const rows = columns[0].map(([name], row) => [name, ...columns.map((c) => c[row][1])]);
    console.log('');
    for (const row of [header, header.map(() => '---'), ...rows]) console.log(`| ${row.join(' | ')} |`);
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
