// A radar burst on the 48-AP campus re-planned as one (issue 13; `npm run bench`): the co-channel
// neighbour pairs before the burst, right after each radio's own radar move, and after the burst's
// joint re-plan (docs/coordination.md), beside a greedy colouring of the same neighbour graph; and
// how long the re-plan took. The loop runs with `jointReplan.enabled`.
import { coChannelPairs, type BondedChannel } from '../domain/joint-plan';
import { resolvePolicy } from '../domain/policy-schema';
import { channelsOfBand, isDfsChannel, type ChannelWidth } from '../domain/regulatory';
import { burstReplanWorkflowId, burstStateQuery, type BurstPlanned } from '../workflows/definitions';
import { campus, RADAR_CHANNELS, radarApId } from './campus';
import { withRadarStand } from './radar-stand';

const APS = 48;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 120_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  const resolved = resolvePolicy({ jointReplan: { enabled: true } });
  if (!resolved.ok) throw new Error(resolved.errors.join('; '));
  await withRadarStand(
    campus(APS),
    'bench-replan',
    async ({ sim, client, radar, fresh, taskQueue }) => {
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
      const edges = graph.reduce((n, r) => n + r.neighbours.length, 0) / 2;
      const lastChange = (since: number) =>
        Math.max(
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
      await until('every radio off the radar channels', () =>
        apIds.every((id) => !RADAR_CHANNELS.includes(sim.world.apState(id).radios['5g']!.channel))
          ? true
          : undefined,
      );
      const afterFast = pairs(channelsNow());
      const fastDone = lastChange(submitted);

      const burst = client.workflow.getHandle(burstReplanWorkflowId(taskQueue));
      const planned = await until('the burst planned', async () => {
        const state = await burst.query(burstStateQuery).catch(() => undefined);
        return state?.planned[0];
      });
      await until('every re-plan move applied', () => (movesApplied(planned, sim.world) ? true : undefined));
      const afterReplan = pairs(channelsNow());
      const replanDone = lastChange(fastDone + 1);

      const greedy = pairs(greedyColouring(graph));
      const share = (n: number) => `${n} of ${edges} neighbour pairs (${((100 * n) / edges).toFixed(0)} %)`;
      console.log(`joint re-plan of a radar burst on ${APS} APs (52-64 closed for every radio):`);
      console.log(`  co-channel neighbour pairs before the burst:        ${share(before)}`);
      console.log(`  right after the radios' own radar moves:            ${share(afterFast)}`);
      console.log(
        `  after the joint re-plan (${planned.moves.length} moves):             ${share(afterReplan)}`,
      );
      console.log(`  a greedy colouring of the same graph (baseline):   ${share(greedy)}`);
      console.log(
        `  last radar move ${fastDone - submitted} ms after submit; the re-plan's last move ${replanDone - fastDone} ms ` +
          `after it (of which ${resolved.policy.jointReplan.quietMs} ms waiting for the burst to go quiet)`,
      );
      console.log(
        `  target: after ≤ greedy (${afterReplan <= greedy ? 'met' : 'NOT met'}) and < 1/5 of pairs (${afterReplan * 5 < edges ? 'met' : 'NOT met'})`,
      );
    },
    resolved.policy,
  );
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
