// The Channel Move Time of radar moves against Temporal's own floor, in one run on one dev server
// (TEMPORAL_ADDRESS), PostgreSQL (DATABASE_URL, a scratch database) and one simulator over HTTP:
// - the floor (bench/floor): one workflow, one activity that reads the AP and posts the channel,
//   on a worker with the SDK's default options, as the loop's worker has;
// - the loop: a DFS_RADAR event end to end (its radar reflex, then the follow-up and the audit), on
//   the project's own worker settings, started eagerly as the main job starts it.
// Each figure is submit → the move in the controller's change log, printed with its ratio to the
// floor measured in the same run: one event at a time on an idle system (each submitted once the
// previous one's work is done) and back to back, bursts of 48 radios, of 200 (three times) and of
// 1,000, and one radar move a second (the floor's, then the loop's) while 20 events a second of the
// other types run on 100 other APs. It ends with the targets of the radar reflex
// (docs/event-lifecycle.md), each met or not.
// `npm run bench`; BENCH_LOAD_SECONDS shortens the loaded run (default 60).
import type { RrmClient } from '../client/library';
import { CHANNEL_MOVE_TIME_MS } from '../domain/dfs';
import type { EventType } from '../domain/event-types';
import type { RunningSimulator } from '../simulator/server';
import { backgroundApId, campus, radarApId } from './campus';
import { percentile } from './percentile';
import { withRadarStand, type Mover } from './radar-stand';
import { movesSince, type Moves } from './radar-moves';

const RADAR_APS = 1_000;
const BURSTS = [48, 200, 200, 200, 1_000];
const BACKGROUND_APS = 100;
const SEQUENTIAL = 20;
/** Between two events "on an idle system": the previous event's audit and turn release are done. */
const IDLE_GAP_MS = 500;
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const BACKGROUND_PER_SECOND = 20;
const BACKGROUND_TYPES: EventType[] = [
  'NON_WIFI_BURST',
  'SPECTRUM_SAT',
  'DENSITY_SPIKE',
  'LOAD_IMBALANCE',
  'POWER_BUDGET_EXCEEDED',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const scenario = campus(RADAR_APS, BACKGROUND_APS);

async function main(): Promise<void> {
  await withRadarStand(scenario, 'bench-latency', async ({ sim, rrm, floor, radar, fresh }) => {
    const movers: [string, Mover][] = [
      ['floor', floor],
      ['loop DFS_RADAR', radar],
    ];
    const radarAps = (n: number, from = 0) => Array.from({ length: n }, (_, i) => radarApId(from + i));

    // Warm-up (bundles loaded, JIT, connections): not counted.
    for (const [, move] of movers) {
      await fresh();
      await timeMoves(sim, radarAps(3), move, 'back to back');
    }

    const single = new Map<string, Moves>();
    for (const [name, move] of movers) {
      await fresh();
      single.set(name, await timeMoves(sim, radarAps(SEQUENTIAL), move, 'idle'));
    }
    report(`one radar event on an idle system (${SEQUENTIAL}, ${IDLE_GAP_MS} ms apart)`, single);
    const backToBack = new Map<string, Moves>();
    for (const [name, move] of movers) {
      await fresh();
      backToBack.set(name, await timeMoves(sim, radarAps(SEQUENTIAL), move, 'back to back'));
    }
    report(
      `one radar event after another (${SEQUENTIAL}, each as soon as the previous one moved)`,
      backToBack,
    );

    const bursts: Map<string, Moves>[] = [];
    for (const [run, size] of BURSTS.entries()) {
      const burst = new Map<string, Moves>();
      for (const [name, move] of movers) {
        await fresh();
        burst.set(name, await timeMoves(sim, radarAps(size), move, 'burst'));
      }
      const nth = BURSTS.slice(0, run).filter((n) => n === size).length;
      report(`burst: ${size} radios hit by radar at once${nth ? ` (run ${nth + 1})` : ''}`, burst);
      bursts.push(burst);
    }

    // The same load under the floor's moves too: what the machine leaves any radar move.
    const loadedRuns = new Map<string, Moves>();
    for (const [name, move] of movers) {
      await fresh();
      const loaded = await underLoad(sim, rrm, move);
      const unloaded = single.get(name)!;
      const ratio = (p: number) => ratioOf(percentile(loaded.times, p), percentile(unloaded.times, p));
      console.log(
        `latency under load, ${name} (one radar move a second for ${LOAD_SECONDS} s, ${loaded.background} events of other types ` +
          `at ${BACKGROUND_PER_SECOND}/s on ${BACKGROUND_APS} other APs): move ${figures(loaded)}; ` +
          `p50 ${ratio(0.5)}, p99 ${ratio(0.99)} of unloaded`,
      );
      loadedRuns.set(name, loaded);
    }
    reportTargets(single, bursts, loadedRuns);
  });
}

/** The radar reflex's targets, each with what this run measured. */
function reportTargets(
  single: Map<string, Moves>,
  bursts: Map<string, Moves>[],
  loaded: Map<string, Moves>,
): void {
  const loop = (m: Map<string, Moves>) => m.get('loop DFS_RADAR')!;
  const floor = (m: Map<string, Moves>) => m.get('floor')!;
  const at = (m: Moves, p: number) => Number(percentile(m.times, p));
  const ratio = (m: Map<string, Moves>, p: number) => at(loop(m), p) / at(floor(m), p);
  const within = (m: Moves) => m.times.filter((ms) => ms <= CHANNEL_MOVE_TIME_MS).length;
  const late = (m: Moves) => m.times.length + m.missing - within(m);
  const sized = (size: number) => bursts.filter((b) => loop(b).times.length + loop(b).missing === size);
  const targets: [string, boolean, string][] = [
    ['one radar move p50 ≤ 1.5× the floor', ratio(single, 0.5) <= 1.5, `${ratio(single, 0.5).toFixed(2)}×`],
    ...[48, 200].flatMap((size) =>
      sized(size).map((b, i): [string, boolean, string] => {
        const p50 = ratio(b, 0.5);
        const max = ratio(b, 1);
        const run = sized(size).length > 1 ? ` (run ${i + 1})` : '';
        return [
          `burst of ${size}${run}: p50 and max ≤ 1.5× the floor`,
          p50 <= 1.5 && max <= 1.5,
          `p50 ${p50.toFixed(2)}×, max ${max.toFixed(2)}×`,
        ];
      }),
    ),
    ...sized(200).map((b, i): [string, boolean, string] => [
      `burst of 200 (run ${i + 1}): none over ${CHANNEL_MOVE_TIME_MS / 1000} s`,
      late(loop(b)) === 0,
      `${late(loop(b))} over`,
    ]),
    [
      'under load: radar p99 ≤ 2× unloaded',
      at(loop(loaded), 0.99) <= 2 * at(loop(single), 0.99),
      `${(at(loop(loaded), 0.99) / at(loop(single), 0.99)).toFixed(2)}×; the floor under the same load: ` +
        `${(at(floor(loaded), 0.99) / at(floor(single), 0.99)).toFixed(2)}×`,
    ],
    ...sized(1_000).map((b): [string, boolean, string] => [
      `burst of 1,000 (the moonshot): all within ${CHANNEL_MOVE_TIME_MS / 1000} s`,
      late(loop(b)) === 0,
      `${within(loop(b))} of 1,000 within; the floor: ${within(floor(b))}`,
    ]),
  ];
  console.log('targets of the radar reflex:');
  for (const [target, met, figure] of targets)
    console.log(`  ${met ? 'met    ' : 'NOT MET'} ${target}: ${figure}`);
}

/** Moves the radios (all at once, or one after another) and times each from its submit. */
async function timeMoves(
  sim: RunningSimulator,
  apIds: string[],
  move: Mover,
  how: 'burst' | 'idle' | 'back to back',
): Promise<Moves> {
  if (how === 'burst') {
    const since = Date.now();
    await move(apIds);
    return movesSince(sim, apIds, since);
  }
  const all: Moves = { times: [], missing: 0 };
  for (const apId of apIds) {
    const since = Date.now();
    await move([apId]);
    const one = await movesSince(sim, [apId], since);
    all.times.push(...one.times);
    all.missing += one.missing;
    if (how === 'idle') await sleep(IDLE_GAP_MS);
  }
  all.times.sort((a, b) => a - b);
  return all;
}

/** One radar move a second on its own radio while the other types run on the background APs. */
async function underLoad(
  sim: RunningSimulator,
  rrm: RrmClient,
  move: Mover,
): Promise<Moves & { background: number }> {
  let background = 0;
  let stop = false;
  const backgroundLoad = (async () => {
    const start = Date.now();
    while (!stop) {
      const type = BACKGROUND_TYPES[background % BACKGROUND_TYPES.length];
      const apId = backgroundApId(Math.floor(Math.random() * BACKGROUND_APS));
      const event = { type, apId, radio: background % 2 ? '5g' : '2g', detectedAt: new Date().toISOString() };
      void rrm.submit([event]).catch((err: unknown) => {
        console.error(`background ${type} on ${apId}: ${String(err)}`);
      });
      background++;
      await sleep(Math.max(0, start + (background * 1000) / BACKGROUND_PER_SECOND - Date.now()));
    }
  })();
  const probes: Promise<Moves>[] = [];
  for (let i = 0; i < LOAD_SECONDS; i++) {
    const apId = radarApId(i % RADAR_APS);
    const since = Date.now();
    await move([apId]);
    probes.push(movesSince(sim, [apId], since));
    await sleep(Math.max(0, since + 1000 - Date.now()));
  }
  stop = true;
  await backgroundLoad;
  const all = await Promise.all(probes);
  return {
    times: all.flatMap((m) => m.times).sort((a, b) => a - b),
    missing: all.reduce((n, m) => n + m.missing, 0),
    background,
  };
}

function figures({ times, missing }: Moves): string {
  if (times.length === 0) return `none moved within 60 s (${missing})`;
  const late = times.filter((ms) => ms > CHANNEL_MOVE_TIME_MS).length;
  return (
    `p50 ${percentile(times, 0.5)} ms, p95 ${percentile(times, 0.95)} ms, p99 ${percentile(times, 0.99)} ms, ` +
    `max ${percentile(times, 1)} ms; over ${CHANNEL_MOVE_TIME_MS / 1000} s: ${late}` +
    (missing ? `; not moved within 60 s: ${missing}` : '')
  );
}

const ratioOf = (value: string, base: string) => `${(Number(value) / Number(base)).toFixed(2)}×`;

/** Each mover's figures, and the loop's ratio to the floor. */
function report(title: string, results: Map<string, Moves>): void {
  console.log(`latency, ${title}:`);
  for (const [name, moves] of results) console.log(`  ${name}: ${figures(moves)}`);
  const loop = results.get('loop DFS_RADAR')!;
  for (const [name, moves] of results) {
    if (name === 'loop DFS_RADAR' || !moves.times.length || !loop.times.length) continue;
    const ratio = (p: number) => ratioOf(percentile(loop.times, p), percentile(moves.times, p));
    console.log(`  loop / ${name}: p50 ${ratio(0.5)}, p95 ${ratio(0.95)}, max ${ratio(1)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
