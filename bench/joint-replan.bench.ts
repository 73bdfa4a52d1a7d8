// A radar burst on the 48-AP campus re-planned as one (`npm run bench`): the co-channel
// neighbour pairs before the burst, right after each radio's own radar move, and after the burst's
// joint re-plan (docs/coordination.md), beside a greedy colouring of the same neighbour graph; and
// how long the re-plan took. The loop runs with `jointReplan.enabled`, the same burst twice: with
// the channel reservations off (each radio chooses blind to the others) and on (the default).
import { Pool } from 'pg';
import { coChannelPairs, type BondedChannel } from '../domain/joint-plan';
import { DEFAULT_POLICY } from '../domain/policy';
import { resolvePolicy } from '../domain/policy-schema';
import { channelsOfBand, type ChannelWidth } from '../domain/regulatory';
import { isDfsChannel } from '../domain/dfs';
import { burstReplanWorkflowId, burstStateQuery, type BurstPlanned } from '../workflows/contract';
import { campus, RADAR_CHANNELS, radarApId } from './campus';
import { eventually } from '../test/support/eventually';
import { withRadarStand } from './radar-stand';

const APS = 48;
/** How long the bench waits for each step of the burst before it gives up. */
const WAIT_MS = 120_000;

interface BurstFigures {
  edges: number;
  before: number;
  afterFast: number;
  afterReplan: number;
  greedy: number;
  replanMoves: number;
  /** Radar moves whose choice counted neighbours' bookings, and those that chose blind (no answer). */
  counted: number;
  blind: number;
  /** From submit to the last radar move, and from it to the re-plan's last move (or its plan, when it made none). */
  fastMs: number;
  replanMs: number;
}

/** One radar burst on a fresh campus under `overrides` of the default policy. */
async function burstOnCampus(overrides: Parameters<typeof resolvePolicy>[0]): Promise<BurstFigures> {
  const resolved = resolvePolicy(overrides);
  if (!resolved.ok) throw new Error(resolved.errors.join('; '));
  let figures: BurstFigures | undefined;
  await withRadarStand(
    campus(APS),
    `bench-replan-${resolved.policy.channelReservations.enabled ? 'booked' : 'blind'}`,
    async ({ sim, client, radar, fresh, taskQueue, databaseUrl }) => {
      await fresh();
      const apIds = Array.from({ length: APS }, (_, i) => radarApId(i));
      const inCampus = new Set(apIds);
      const graph = sim.world
        .listAps()
        .filter((ap) => inCampus.has(ap.apId))
        .map((ap) => ({ apId: ap.apId, neighbours: ap.neighbors.filter((n) => inCampus.has(n)) }));
      const channelsNow = (): Record<string, BondedChannel> =>
        Object.fromEntries(
          apIds.map((id) => {
            const r = sim.world.apState(id).radios['5g']!;
            return [id, { channel: r.channel, width: r.width as ChannelWidth }];
          }),
        );
      const pairs = (assignment: Record<string, BondedChannel>) =>
        coChannelPairs(graph, assignment, '5g', 'US').length;
      const lastChange = (since: number) =>
        Math.max(
          since,
          ...apIds.flatMap((id) =>
            sim.world
              .changes(id)
              .filter((c) => c.radio === '5g' && Date.parse(c.appliedAt) >= since)
              .map((c) => Date.parse(c.appliedAt)),
          ),
        );

      const before = pairs(channelsNow());
      const submitted = Date.now();
      await radar(apIds);
      await eventually(
        async () =>
          apIds.every((id) => !RADAR_CHANNELS.includes(sim.world.apState(id).radios['5g']!.channel))
            ? true
            : undefined,
        WAIT_MS,
        () => 'every radio off the radar channels',
      );
      const afterFast = pairs(channelsNow());
      const fastDone = lastChange(submitted);

      const burst = client.workflow.getHandle(burstReplanWorkflowId(taskQueue));
      const planned = await eventually(
        async () => (await burst.query(burstStateQuery).catch(() => undefined))?.planned[0],
        WAIT_MS,
        () => 'the burst planned',
      );
      await eventually(
        async () => (movesApplied(planned, sim.world) ? true : undefined),
        WAIT_MS,
        () => 'every re-plan move applied',
      );
      const reasons = await radarMoveReasons(databaseUrl);
      figures = {
        counted: reasons.filter((r) => r.includes("counting neighbours' moves in flight")).length,
        blind: reasons.filter((r) => r.includes("neighbours' moves in flight not seen")).length,
        edges: graph.reduce((n, r) => n + r.neighbours.length, 0) / 2,
        before,
        afterFast,
        afterReplan: pairs(channelsNow()),
        greedy: pairs(greedyColouring(graph)),
        replanMoves: planned.moves.length,
        fastMs: fastDone - submitted,
        replanMs: (planned.moves.length ? lastChange(fastDone + 1) : planned.plannedAt) - fastDone,
      };
    },
    resolved.policy,
  );
  return figures!;
}

async function main(): Promise<void> {
  const quietMs = DEFAULT_POLICY.jointReplan.quietMs;
  // The same burst twice: choices blind to each other (reservations off), then as the loop runs by default.
  const blind = await burstOnCampus({
    jointReplan: { enabled: true },
    channelReservations: { enabled: false },
  });
  // BENCH_BOOKING_MS: how long a radar move waits for its booking's answer (by default it does not).
  const criticalAnswerWithinMs = Number(
    process.env.BENCH_BOOKING_MS ?? DEFAULT_POLICY.channelReservations.criticalAnswerWithinMs,
  );
  const booked = await burstOnCampus({
    jointReplan: { enabled: true },
    channelReservations: { enabled: true, criticalAnswerWithinMs },
  });
  const share = (n: number) =>
    `${n} of ${blind.edges} neighbour pairs (${((100 * n) / blind.edges).toFixed(0)} %)`;
  console.log(`a radar burst on ${APS} APs (52-64 closed for every radio), co-channel neighbour pairs:`);
  console.log(`  before the burst:                                      ${share(blind.before)}`);
  for (const [name, f] of [
    ['reservations off', blind],
    [`reservations on (radar moves wait ${criticalAnswerWithinMs} ms for a booking's answer)`, booked],
  ] as const) {
    console.log(`  ${name}:`);
    console.log(`    right after the radios' own radar moves:             ${share(f.afterFast)}`);
    console.log(
      `    radar moves that counted neighbours' bookings: ${f.counted}; that chose blind (no answer): ${f.blind}`,
    );
    console.log(
      `    after the joint re-plan (${f.replanMoves} moves):${' '.repeat(Math.max(1, 23 - String(f.replanMoves).length))}${share(f.afterReplan)}`,
    );
    console.log(
      `    last radar move ${f.fastMs} ms after submit; the re-plan's last move ${f.replanMs} ms after it ` +
        `(of which ${quietMs} ms waiting for the burst to go quiet)`,
    );
  }
  console.log(`  a greedy colouring of the same graph (baseline):       ${share(blind.greedy)}`);
  const met = (f: BurstFigures) => f.afterReplan <= f.greedy && f.afterReplan * 5 < f.edges;
  console.log(
    `  target: after the re-plan ≤ greedy and < 1/5 of pairs: reservations off ${met(blind) ? 'met' : 'NOT met'}, ` +
      `on ${met(booked) ? 'met' : 'NOT met'}`,
  );
}

/** The reasons of the radar moves' APPLIED audit records. */
async function radarMoveReasons(databaseUrl: string): Promise<string[]> {
  const pool = new Pool({ connectionString: databaseUrl });
  try {
    const { rows } = await pool.query<{ reason: string }>(
      `select reason from audit_records where event_type = 'DFS_RADAR' and execution_status = 'APPLIED'`,
    );
    return rows.map((r) => r.reason);
  } finally {
    await pool.end();
  }
}

/** Every move of the plan on its radio (or its event decided otherwise, e.g. radar closed the channel since). */
function movesApplied(
  planned: BurstPlanned,
  world: { apState(id: string): { radios: { '5g'?: { channel: number } } } },
) {
  return planned.moves.every((m) => world.apState(m.apId).radios['5g']!.channel === m.to.channel);
}

/**
 * The baseline: Welsh–Powell greedy colouring with the channels the radios may take after the burst
 * (52-64 closed), non-DFS first; each radio, most connected first, takes the first channel none of
 * its coloured neighbours has, or the one fewest of them have.
 */
function greedyColouring(graph: { apId: string; neighbours: string[] }[]): Record<string, BondedChannel> {
  const open = channelsOfBand('5g', 'US').filter((c) => !RADAR_CHANNELS.includes(c));
  const channels = [
    ...open.filter((c) => !isDfsChannel('5g', c, 'US')),
    ...open.filter((c) => isDfsChannel('5g', c, 'US')),
  ];
  const colour: Record<string, BondedChannel> = {};
  for (const r of [...graph].sort((a, b) => b.neighbours.length - a.neighbours.length)) {
    const used = r.neighbours.map((n) => colour[n]?.channel).filter((c) => c !== undefined);
    const free = channels.find((c) => !used.includes(c));
    const least = channels.reduce((best, c) => (count(used, c) < count(used, best) ? c : best), channels[0]);
    colour[r.apId] = { channel: free ?? least, width: 20 };
  }
  return colour;
}

const count = (values: number[], v: number) => values.filter((x) => x === v).length;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
