// The stand the radar benches run on: one simulator with the campus, and on one dev server
// (TEMPORAL_ADDRESS) and a scratch database (DATABASE_URL) the loop's worker and the floor's
// (bench/floor), each on a task queue of its own. Movers submit radar moves to either; `fresh()` ends
// every workflow of a phase and puts the radar back on the campus's channels. Both speak to the
// simulator through the adapter RRM_CONTROLLER names: `simulator` (its native API, the default) or
// `openwifi` (its OpenWiFi gateway face, docs/controllers.md).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { RrmClient, terminateRunningWorkflows } from '../client/library';
import { DEFAULT_POLICY, type Policy } from '../domain/policy';
import { startSimulator, type RunningSimulator } from '../simulator/server';
import type { ScenarioDefinition } from '../simulator/types';
import { createRrmWorker } from '../workers/rrm-worker';
import { createSimulatorController } from '../activities/controller/simulator';
import { createOpenWifiController } from '../activities/controller/openwifi';
import type { ControllerPort } from '../activities/controller';
import { createFloorActivities } from './floor/activities';
import { installQuietRuntime, requireTemporalAddress } from './bench-runtime';
import { RADAR_CHANNELS } from './campus';
import { withScratchDatabase } from './scratch-database';

/** Moves the radios off their radar channel (resolves once the moves are submitted). */
export type Mover = (apIds: string[]) => Promise<unknown>;

export interface RadarStand {
  sim: RunningSimulator;
  /** The loop's task queue. */
  taskQueue: string;
  /** The scratch database the loop's audit trail is written to. */
  databaseUrl: string;
  client: Client;
  rrm: RrmClient;
  /** The floor: one workflow, one activity per radio. */
  floor: Mover;
  /** The loop: one DFS_RADAR event per radio. */
  radar(apIds: string[]): ReturnType<RrmClient['submit']>;
  fresh(): Promise<void>;
}

export async function withRadarStand(
  scenario: ScenarioDefinition,
  name: string,
  run: (stand: RadarStand) => Promise<void>,
  policy: Policy = DEFAULT_POLICY,
): Promise<void> {
  const address = requireTemporalAddress();
  installQuietRuntime();
  const loopQueue = `${name}-loop`;
  const floorQueue = `${name}-floor`;
  await withScratchDatabase(async (databaseUrl) => {
    const sim = await startSimulator({ port: 0, seed: 1, scenario });
    const nativeConnection = await NativeConnection.connect({ address });
    const controller = benchController(sim);
    const loop = await createRrmWorker({
      temporal: { connection: { address }, namespace: 'default', taskQueue: loopQueue },
      databaseUrl,
      controller,
      policy,
      env: { RRM_AUDIT_HMAC_KEYS: `bench:${Buffer.alloc(32, 1).toString('base64')}` },
      nativeConnection,
    });
    // The loop's own client, on the workers' connection: its events start eagerly, as in the main job.
    const { client } = loop;
    const floorWorker = await Worker.create({
      connection: nativeConnection,
      taskQueue: floorQueue,
      workflowsPath: require.resolve('./floor/workflows'),
      activities: createFloorActivities(controller),
    });
    const running = [loop.run(), floorWorker.run()];
    const rrm = new RrmClient(client, loopQueue, policy, { eagerStart: loop.eagerStart });
    const channelOf = (apId: string) => scenario.aps.find((ap) => ap.apId === apId)!.radios['5g']!.channel;
    const stand: RadarStand = {
      sim,
      taskQueue: loopQueue,
      databaseUrl,
      client,
      rrm,
      floor: (apIds) =>
        Promise.all(
          apIds.map((apId) =>
            client.workflow.start('floorRadarMove', {
              taskQueue: floorQueue,
              workflowId: `floor-${randomUUID()}`,
              args: [apId],
            }),
          ),
        ),
      // Each report with its detection time, as a sensing source sends it: the same radio's reports of
      // two phases within a minute are then two events, not one (ids are derived from the content).
      radar: (apIds) => {
        const detectedAt = new Date().toISOString();
        return rrm.submit(
          apIds.map((apId) => ({ type: 'DFS_RADAR', apId, detectedAt, data: { channel: channelOf(apId) } })),
        );
      },
      async fresh() {
        await Promise.all(
          [loopQueue, floorQueue].map((q) => terminateRunningWorkflows(client, q, 'bench phase')),
        );
        sim.world.reset();
        for (const channel of RADAR_CHANNELS) sim.world.injectRadar(channel);
      },
    };
    try {
      await run(stand);
    } finally {
      await stand.fresh();
      loop.shutdown();
      floorWorker.shutdown();
      await Promise.all(running);
      await loop.close();
      await nativeConnection.close();
      await sim.close();
    }
  });
}

/** The adapter the stand's loop and floor share (RRM_CONTROLLER). */
function benchController(sim: RunningSimulator): ControllerPort {
  const kind = process.env.RRM_CONTROLLER ?? 'simulator';
  if (kind === 'simulator') return createSimulatorController(sim.url);
  if (kind !== 'openwifi') throw new Error(`RRM_CONTROLLER: expected simulator or openwifi, got "${kind}"`);
  const { gatewayUrl, apiKey } = sim.openWifi;
  return createOpenWifiController({ kind: 'openwifi', gatewayUrl, apiKey, maxConcurrent: 32 });
}
