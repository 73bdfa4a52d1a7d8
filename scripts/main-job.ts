// The main job's Node side (started by scripts/main.sh once Temporal and PostgreSQL run): the
// simulator with its built-in floor, a worker, and a driver that plays the scenario's story through
// the sensing view, submitting the events a sensing integration would.
import { Command } from 'commander';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig, requireDatabaseUrl } from '../workers/config';
import { loadPolicy } from '../workers/policy-file';
import { createRrmWorker } from '../workers/rrm-worker';
import { logger } from '../workers/logger';
import { RrmClient } from '../client/rrm-client';
import { eventForDetection, readDetections, type Detection } from '../client/sensing';
import { startSimulator } from '../simulator/server';
import { BUILT_IN_SCENARIO, STORY, STORY_INTERFERER, STORY_MICROWAVE } from '../simulator/scenario';
import { bondedSubchannels, type ChannelWidth } from '../domain/regulatory';

/** The AP whose change the story rolls back: clean channel, a burst that was gone when acted upon. */
const FALSE_ALARM_AP = 'ap-01';

/** A strong emitter right next to an AP, over its whole bonded channel. */
function shortBurst(
  radio: { x: number; y: number; channel: number; width: ChannelWidth },
  interfererId: string,
) {
  return {
    interfererId,
    type: 'jammer',
    radio: '5g',
    channels: bondedSubchannels('5g', radio.channel, radio.width, 'US'),
    dutyCyclePct: 95,
    powerDbm: 20,
    x: radio.x + 2,
    y: radio.y + 2,
  };
}

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

async function main(): Promise<void> {
  // The story narrates on stdout; the SDK only speaks up when something is wrong.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  const policy = loadPolicy(config.policyFile);
  const sim = await startSimulator({ port: Number(process.env.SIM_PORT ?? 8787), seed: opts.seed });
  const { worker, client, close } = await createRrmWorker({
    temporal: config.temporal,
    databaseUrl: requireDatabaseUrl(config),
    controllerUrl: sim.url,
    policy,
  });
  const rrm = new RrmClient(client, config.temporal.taskQueue, policy);
  const running = worker.run();
  const confidence = (d: Detection) => (d.kind === 'interference' ? d.confidence : 1);
  const submitted: string[] = [];
  // A fresh run id keeps this run's eventIds apart from earlier runs kept in the dev server's history.
  const runId = new Date()
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14);

  const ui = `http://localhost:8233/namespaces/${config.temporal.namespace}/workflows`;
  process.stdout.write(
    [
      '',
      `RRM Event Loop is running — scenario "${BUILT_IN_SCENARIO.name}" (seed ${opts.seed})`,
      `  Temporal Web UI : ${ui}`,
      `                    filter e.g. RrmApId="${STORY.radar.apId}" or RrmOutcome="ROLLED_BACK"`,
      `  Simulator       : ${sim.url}/v1/aps`,
      `  CLI             : npx rrm status <eventId> · npx rrm ap ${STORY.radar.apId}`,
      `  Stop            : Ctrl-C${opts.duration ? ` (or after ${opts.duration} s)` : ''}`,
      '',
    ].join('\n'),
  );

  const say = (line: string) => process.stdout.write(`[story] ${line}\n`);
  const submit = async (label: string, events: Record<string, unknown>[]) => {
    const result = await rrm.submit(events.map((e, i) => ({ eventId: `${runId}-${label}-${i}`, ...e })));
    for (const s of result) {
      submitted.push(s.eventId);
      say(`  ${s.duplicate ? 'duplicate, not started again' : 'submitted'}: ${s.eventId}`);
    }
  };
  const controller = async (method: 'POST' | 'DELETE', path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} failed: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const sensed = async (filter: (d: Detection) => boolean) =>
    (await readDetections(sim.url)).filter(filter).sort((a, b) => confidence(b) - confidence(a));
  const radioOf = async (apId: string) => {
    const ap = (await (await fetch(`${sim.url}/v1/aps/${apId}`)).json()) as {
      x: number;
      y: number;
      radios: { '5g': { channel: number; width: ChannelWidth } };
    };
    return { x: ap.x, y: ap.y, ...ap.radios['5g'] };
  };

  const story = async () => {
    await sleep(3_000);
    say(`radar on channel ${STORY.radar.channel}: ${STORY.radar.apId} must leave within 10 s`);
    await controller('POST', '/v1/inject/radar', { channel: STORY.radar.channel });
    const radar = await sensed((d) => d.kind === 'radar' && d.apId === STORY.radar.apId);
    await submit(
      'radar',
      radar.map((d) => eventForDetection(d, new Date())),
    );

    await sleep(5_000);
    say(
      `${STORY_INTERFERER.interfererId} switches on next to ${STORY.interference.apId}: a confident burst, channel change`,
    );
    await controller('POST', '/v1/inject/interferer', { interfererId: STORY_INTERFERER.interfererId });
    const burst = await sensed(
      (d) => d.kind === 'interference' && d.apId === STORY.interference.apId && d.radio === '5g',
    );
    await submit(
      'burst',
      burst.slice(0, 1).map((d) => eventForDetection(d, new Date())),
    );

    await sleep(5_000);
    say(`${STORY_MICROWAVE.interfererId} heats lunch on 2.4 GHz: a less certain burst, OBSS-PD is raised`);
    await controller('POST', '/v1/inject/interferer', { interfererId: STORY_MICROWAVE.interfererId });
    const microwave = await sensed(
      (d) => d.kind === 'interference' && d.radio === '2g' && confidence(d) >= 0.5,
    );
    await submit(
      'microwave',
      microwave.slice(0, 1).map((d) => eventForDetection(d, new Date())),
    );

    say('a doubtful report, a type not yet handled, and the radar report again (a duplicate)');
    await submit('doubtful', [{ type: 'NON_WIFI_BURST', apId: 'ap-08', confidence: 0.3 }]);
    await submit('hw', [{ type: 'HW_FAILURE', apId: 'ap-09', data: { component: 'radio-5g' } }]);
    await submit(
      'radar',
      radar.map((d) => eventForDetection(d, new Date())),
    );

    await sleep(5_000);
    const victim = await radioOf(FALSE_ALARM_AP);
    say(
      `a short burst on ${FALSE_ALARM_AP}'s channel ${victim.channel}, gone by the time the loop acts: it moves anyway`,
    );
    await controller('POST', '/v1/inject/interferer', shortBurst(victim, 'story-short-burst'));
    const shortLived = await sensed(
      (d) => d.kind === 'interference' && d.apId === FALSE_ALARM_AP && d.radio === '5g',
    );
    await controller('DELETE', '/v1/inject/interferer/story-short-burst');
    await submit(
      'short-burst',
      shortLived.slice(0, 1).map((d) => eventForDetection(d, new Date())),
    );

    await sleep(15_000);
    const moved = await radioOf(FALSE_ALARM_AP);
    say(
      `a jammer appears on ${FALSE_ALARM_AP}'s new channel ${moved.channel}: expect an automatic rollback within ~1 min`,
    );
    await controller('POST', '/v1/inject/interferer', shortBurst(moved, 'story-jammer'));
  };

  const summary = async () => {
    process.stdout.write(
      '\nevent                                  type              AP      stage     outcome\n',
    );
    for (const eventId of [...new Set(submitted)]) {
      const s = await rrm.status(eventId);
      process.stdout.write(
        `${eventId.padEnd(38)} ${s.type.padEnd(17)} ${s.apId.padEnd(7)} ${s.stage.padEnd(9)} ${s.outcome ?? '-'}${s.reason ? `  (${s.reason.slice(0, 90)})` : ''}\n`,
      );
    }
  };

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await summary().catch((err) => logger.warn({ err }, 'summary failed'));
    worker.shutdown();
    await running;
    await close();
    await sim.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  story().catch((err) => {
    logger.error({ err }, 'scenario driver failed');
    void stop(1);
  });
  if (opts.duration) setTimeout(() => void stop(0), opts.duration * 1000);
  await running;
}

main().catch((err: unknown) => {
  logger.fatal(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
