// The main job's Node side (started by scripts/main.sh once Temporal and PostgreSQL run): the
// simulator with its built-in floor, a worker, the HTTP ingest, the sensing bridge, and the story
// (scripts/story.ts) that makes the floor's network misbehave in every way the policy table knows.
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { DefaultLogger } from '@temporalio/worker';
import { loadConfig, requireDatabaseUrl } from '../config/env';
import { loadPolicy } from '../config/policy-file';
import { startTracing } from '../config/tracing';
import { writeRunningStack } from '../config/running-stack';
import { LoopMetrics, serveMetrics } from '../workers/metrics';
import { createRrmWorker } from '../workers/rrm-worker';
import { installRuntime } from '../workers/telemetry';
import { logger } from '../config/logger';
import { RrmClient, terminateRunningWorkflows } from '../client/library';
import { alignColumns } from '../client/cli/format';
import { SensingBridge } from '../client/sensing-bridge/bridge';
import { credentialsFromEnv, hasCredentials } from '../client/http-ingest/auth';
import { buildIngestServer } from '../client/http-ingest/server';
import { startSimulator } from '../simulator/server';
import { connectController } from '../activities/controller/connect';
import { controllerUrlOf } from '../config/controller';
import { mainController } from './main-controller';
import { BUILT_IN_SCENARIO, STORY } from '../simulator/scenario';
import type { ChannelWidth } from '../domain/regulatory';
import { STORY_STAGES, type StoryContext } from './story';
import { createPool } from '../db/pool';
import { heldRank, waitingFor } from '../domain/radio-turns';
import { describeGain } from '../domain/joint-plan';
import { burstReplanWorkflowId, burstStateQuery, type BurstPlanned } from '../workflows/contract';
import type { EventStatus } from '../workflows/contract';

const opts = new Command('main-job')
  .option('--duration <seconds>', 'stop after this many seconds and print a summary', (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`--duration must be a positive number of seconds, got "${v}"`);
    return n;
  })
  .option('--seed <n>', 'simulator seed', (v) => Number(v), Number(process.env.SIM_SEED ?? 1))
  .parse()
  .opts<{ duration?: number; seed: number }>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stdout.write(`[story] ${line}\n`);

async function main(): Promise<void> {
  // The story narrates on stdout; the SDK only speaks up when something is wrong.
  // The controller is the simulator's own (below): RRM_CONTROLLER only picks which face of it.
  const config = loadConfig({ ...process.env, RRM_CONTROLLER: 'simulator' });
  const { metricsPort } = config;
  const sdkMetricsUrl = await installRuntime({
    metrics: metricsPort !== undefined,
    logger: new DefaultLogger('WARN'),
  });
  const policy = loadPolicy(config.policyFile);
  const databaseUrl = requireDatabaseUrl(config);
  const sim = await startSimulator({ port: Number(process.env.SIM_PORT ?? 8787), seed: opts.seed });
  const controller = mainController(sim, process.env);
  const port = connectController(controller.settings);
  const metrics = new LoopMetrics(undefined, { processMetrics: true });
  const tracing = startTracing('rrm-main-job');
  const worker = await createRrmWorker({
    temporal: config.temporal,
    databaseUrl,
    controller: port,
    policy,
    metrics,
    tracing,
  });
  const metricsEndpoint =
    metricsPort === undefined
      ? undefined
      : await serveMetrics(metricsPort, metrics.registry, sdkMetricsUrl, '127.0.0.1');
  const { client } = worker;
  // On the worker's own connection: events start eagerly on this process's worker.
  const rrm = new RrmClient(client, config.temporal.taskQueue, policy, { eagerStart: worker.eagerStart });
  // Workflows left running by an earlier main job acted on a simulator that is gone (and may have
  // been written by older code): they are ended, so the AP coordinators start afresh.
  const leftovers = await terminateRunningWorkflows(
    client,
    config.temporal.taskQueue,
    'main job restarted: the simulator this acted on is gone',
  );
  if (leftovers) say(`ended ${leftovers} workflow(s) left running by an earlier main job`);
  const running = worker.run();
  /** Each event this run submitted, and when (epoch ms). */
  const submitted = new Map<string, number>();
  const submit = async (events: unknown[]) => {
    const at = Date.now();
    for (const s of await rrm.submit(events)) {
      if (!submitted.has(s.eventId)) submitted.set(s.eventId, at);
      say(`  ${s.duplicate ? 'duplicate, not started again' : 'submitted'}: ${s.eventId}`);
    }
  };

  const pool = createPool(databaseUrl, 2, 'rrm-ingest');
  // Closed like any ingest: without a token of the environment's, the main job makes one and shows it.
  const given = credentialsFromEnv();
  const madeToken = hasCredentials(given) ? undefined : randomBytes(18).toString('base64url');
  const ingest = buildIngestServer({
    rrm,
    pool,
    taskQueue: config.temporal.taskQueue,
    controller: { port, url: controllerUrlOf(controller.settings) },
    credentials: madeToken ? { sharedToken: madeToken } : given,
    ui: { temporalWebUi: config.temporalUiUrl, namespace: config.temporal.namespace },
  });
  const httpPort = Number(process.env.RRM_HTTP_PORT ?? 8080);
  const ingestUrl = await ingest.listen({ port: httpPort, host: '127.0.0.1' }).catch((err: Error) => {
    logger.warn(`HTTP ingest not started on :${httpPort}: ${err.message}`);
    return undefined;
  });
  // The story already says what the bridge submits: only its warnings go to the log.
  const bridge = new SensingBridge({
    sensing: controller.sensing(port),
    submit,
    logger: logger.child({}, { level: 'warn' }),
  });
  await bridge.start();
  // `npx rrm …` in a second terminal finds this stack without any settings (config/running-stack.ts).
  writeRunningStack({
    ...process.env,
    TEMPORAL_ADDRESS: config.temporal.connection.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    ...controller.shared,
  });

  // TEMPORAL_UI_URL is the Web UI scripts/main.sh started with Temporal; empty: none (a cluster whose
  // UI server did not build).
  const ui =
    process.env.TEMPORAL_UI_URL === ''
      ? `none (use: ${process.env.TEMPORAL_CLI ?? 'temporal'} workflow list --address ${config.temporal.connection.address})`
      : `${config.temporalUiUrl}/namespaces/${config.temporal.namespace}/workflows`;
  process.stdout.write(
    [
      '',
      `RRM Event Loop is running — scenario "${BUILT_IN_SCENARIO.name}" (seed ${opts.seed})`,
      `  Temporal        : ${process.env.TEMPORAL_BACKEND === 'cluster' ? 'self-hosted cluster (scripts/temporal-cluster.sh)' : 'dev server'} at ${config.temporal.connection.address}`,
      `  Temporal Web UI : ${ui}`,
      `                    filter e.g. RrmApId="${STORY.radar.apId}" or RrmOutcome="ROLLED_BACK"`,
      `  Floor page      : ${ingestUrl ? `${ingestUrl}/ui/ (sign in with the ingest's token)` : 'not running'}`,
      `  Controller      : ${controller.describe}`,
      `  HTTP ingest     : ${ingestUrl ? `${ingestUrl}/v1/events` : 'not running'}${ingestUrl && madeToken ? ` (Authorization: Bearer ${madeToken})` : ''}`,
      `  Worker metrics  : ${metricsEndpoint?.url ?? 'off (RRM_METRICS_PORT not set)'}`,
      `  CLI             : npx rrm floor --watch · npx rrm stats · npx rrm ap ${STORY.radar.apId} · npx rrm status <eventId>`,
      `  Stop            : Ctrl-C${opts.duration ? ` (or after ${opts.duration} s)` : ''}`,
      '',
    ].join('\n'),
  );

  // A fresh run id keeps this run's hand-made eventIds apart from earlier runs kept in the dev server.
  const runId = new Date()
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14);
  const getJson = async (path: string) =>
    (await fetch(`${sim.url}${path}`)).json() as Promise<Record<string, unknown>>;
  const story: StoryContext = {
    async controller(method, path, body) {
      const res = await fetch(`${sim.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} failed: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    },
    async radioOf(apId) {
      const ap = (await getJson(`/v1/aps/${apId}`)) as {
        x: number;
        y: number;
        radios: { '5g': { channel: number; width: ChannelWidth } };
      };
      return { x: ap.x, y: ap.y, ...ap.radios['5g'] };
    },
    async clientsOf(apId) {
      const view = (await getJson(`/v1/aps/${apId}/radios/5g/clients`)) as {
        clients: { clientId: string; qoe: number }[];
      };
      return view.clients.map(({ clientId, qoe }) => ({ clientId, qoe }));
    },
    submit: (label, events) => submit(events.map((e, i) => ({ eventId: `${runId}-${label}-${i}`, ...e }))),
  };
  const playStory = async () => {
    const start = Date.now();
    for (const stage of STORY_STAGES) {
      await sleep(Math.max(0, start + stage.at * 1000 - Date.now()));
      say(stage.say);
      await stage.act(story);
    }
  };

  const summary = async () => {
    const rows = [
      ['event', 'type', 'AP', 'stage', 'outcome', 'answered (submit → apply or outcome)', 'reason'],
    ];
    // The bursts the loop re-planned as one, and their moves (events the loop started itself).
    for (const burst of await plannedBursts()) {
      const { before, after } = burst.coChannelPairs;
      const moves = burst.moves.length ? `${burst.moves.length} moves` : 'no move worth making';
      say(
        `burst ${burst.burstId} re-planned as one: ${burst.apIds.join(', ')}; co-channel neighbour pairs ` +
          `${before} → ${after}, ${moves}`,
      );
      for (const move of burst.moves) {
        submitted.set(move.eventId, burst.plannedAt);
        const gain = move.gain
          ? `for ${describeGain(move.gain)}`
          : 'no gain named (planned by an older build)';
        say(`  ${move.apId} to ${move.to.channel}/${move.to.width} MHz, ${gain}`);
      }
    }
    for (const [eventId, at] of submitted) {
      const s = await rrm.status(eventId);
      rows.push([
        eventId,
        s.type,
        s.apId,
        s.stage,
        s.outcome ?? '-',
        await answeredIn(s, at),
        (s.reason ?? '').slice(0, 70),
      ]);
    }
    process.stdout.write(`\n${alignColumns(rows).join('\n')}\n`);
  };
  const plannedBursts = async (): Promise<BurstPlanned[]> => {
    const handle = client.workflow.getHandle(burstReplanWorkflowId(config.temporal.taskQueue));
    return (await handle.query(burstStateQuery).catch(() => undefined))?.planned ?? [];
  };
  /** Seconds from submit to the apply (or to the outcome); or what the event is still waiting for. */
  const answeredIn = async (s: EventStatus, submittedAt: number): Promise<string> => {
    const answered = s.appliedAt ?? s.decidedAt;
    const waited = s.waitedForWatchOf ? ` (waited for the watch of ${s.waitedForWatchOf}, by design)` : '';
    if (answered) return `${((Date.parse(answered) - submittedAt) / 1000).toFixed(1)} s${waited}`;
    if (s.stage !== 'waiting') return `${s.stage}…`;
    const ap = await rrm.apState(s.apId);
    const request = ap.queue.find((q) => q.eventId === s.eventId);
    const now = Date.now();
    const why = request && waitingFor(ap, request, now);
    if (why?.reason !== 'watch') return `waiting${why ? ` (${why.reason} of ${why.radio})` : ''}`;
    const watch = ap.radios[why.radio].watch!;
    const rank = heldRank(watch, now);
    const whose = rank
      ? `the watch of ${watch.eventId} (${watch.severity}, keeping the ${rank.severity} rank of ${rank.from}'s watch ` +
        `for ${Math.ceil((rank.until - now) / 1000)} s more)`
      : `the ${watch.severity} watch of ${watch.eventId}`;
    // An event about a channel waits only while the radio is still on it (docs/coordination.md).
    const onIt = request?.channel !== undefined && watch.channels.includes(request.channel);
    const premise = onIt ? `, its channel ${request.channel} still the radio's` : '';
    return `waits for ${whose} (by design${premise})`;
  };

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await bridge.stop();
    await summary().catch((err) => logger.warn({ err }, 'summary failed'));
    await ingest.close();
    metricsEndpoint?.close();
    await pool.end();
    worker.shutdown();
    await running;
    await worker.close();
    await tracing?.shutdown();
    await sim.close();
    process.exit(code);
  };
  // Detached on purpose: stop() ends the process itself; nothing is left to wait for it.
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  playStory().catch((err) => {
    logger.error({ err }, 'story failed');
    void stop(1);
  });
  if (opts.duration) setTimeout(() => void stop(0), opts.duration * 1000);
  await running;
}

main().catch((err: unknown) => {
  logger.fatal(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
