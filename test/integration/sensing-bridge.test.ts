// The sensing bridge against a real simulator (no Temporal: a fake submit records the events):
// each injected condition of the story raises one valid event of its type, a lasting condition
// raises nothing more, a cleared one comes back only after the hold-down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEvent, type RrmEvent } from '../../domain/events';
import { SensingBridge, type SensingBridgeConfig } from '../../client/sensing-bridge/bridge';
import { STORY } from '../../simulator/scenario';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { simPost, simRequest } from '../support/sim-client';
import { createSimulatorController } from '../../activities/controller/simulator';

const T0 = Date.parse('2025-01-01T12:00:00Z');

describe('sensing bridge on the simulator', () => {
  let sim: RunningSimulator;
  let submitted: Array<Record<string, unknown>>;
  let clock: number;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await simPost(sim.url, '/v1/inject/reset');
    submitted = [];
    clock = T0;
  });

  const bridge = (extra: Partial<SensingBridgeConfig> = {}) =>
    new SensingBridge({
      sensing: createSimulatorController(sim.url),
      submit: async (events) => {
        submitted.push(...(events as Array<Record<string, unknown>>));
      },
      now: () => new Date(clock),
      ...extra,
    });

  /** The recorded events, each validated against the contract. */
  const events = (): RrmEvent[] =>
    submitted.map((raw) => {
      const result = validateEvent(raw, { now: new Date(clock), newEventId: () => 'missing' });
      if (!result.ok)
        throw new Error(`invalid event ${JSON.stringify(raw)}: ${JSON.stringify(result.errors)}`);
      return result.event;
    });

  it('raises one valid event per story piece as it is injected, nothing more while they last', async () => {
    const b = bridge();
    expect(await b.pollOnce()).toEqual([]);
    const pieces: Array<[string, string, () => Promise<unknown>]> = [
      [
        'DFS_RADAR',
        STORY.radar.apId,
        () => simPost(sim.url, '/v1/inject/radar', { channel: STORY.radar.channel }),
      ],
      [
        'LOAD_IMBALANCE',
        STORY.loadImbalance.apId,
        () => simPost(sim.url, '/v1/inject/client-surge', STORY.loadImbalance),
      ],
      [
        'DENSITY_SPIKE',
        STORY.densitySpike.apId,
        () => simPost(sim.url, '/v1/inject/client-surge', STORY.densitySpike),
      ],
      ['HW_FAILURE', STORY.hwFailure.apId, () => simPost(sim.url, '/v1/inject/ap-failure', STORY.hwFailure)],
      [
        'POWER_BUDGET_EXCEEDED',
        STORY.powerBudget.apId,
        () => simPost(sim.url, '/v1/inject/power-budget', STORY.powerBudget),
      ],
      [
        'QOE_DEGRADATION',
        STORY.qoe.apId,
        () => simPost(sim.url, '/v1/inject/roamers', { ...STORY.qoe, count: STORY.qoe.roamers }),
      ],
    ];
    for (const [type, apId, inject] of pieces) {
      await inject();
      clock += 5_000;
      const raised = await b.pollOnce();
      expect({ type, apId, raised: raised.some((e) => e.type === type && e.apId === apId) }).toEqual({
        type,
        apId,
        raised: true,
      });
    }
    const count = submitted.length;
    for (let i = 0; i < 6; i++) {
      clock += 5_000;
      expect(await b.pollOnce()).toEqual([]);
    }
    expect(submitted).toHaveLength(count);
    // Every event is valid and has its own eventId.
    expect(new Set(events().map((e) => e.eventId)).size).toBe(count);
    const failure = events().find((e) => e.type === 'HW_FAILURE')!;
    expect(failure.data).toEqual({ component: STORY.hwFailure.component, detail: STORY.hwFailure.detail });
    expect(failure.eventId).toBe(`sense:hw_failure:${STORY.hwFailure.apId}:ap:ap:${T0 / 1000}`);
  });

  it('raises interference at any confidence from 0.5, its saturation and QoE a poll later; a lasting burst only once', async () => {
    const b = bridge();
    await simPost(sim.url, '/v1/inject/interferer', { interfererId: STORY.interference.interfererId });
    const typesOf = (raised: Record<string, unknown>[]) =>
      raised.filter((e) => e.apId === STORY.interference.apId).map((e) => e.type);
    expect(typesOf(await b.pollOnce())).toEqual(['NON_WIFI_BURST']);
    clock += 5_000;
    expect(typesOf(await b.pollOnce()).sort()).toEqual(['QOE_DEGRADATION', 'SPECTRUM_SAT']);
    const burst = events().find((e) => e.type === 'NON_WIFI_BURST')!;
    expect(burst.confidence).toBeGreaterThanOrEqual(0.8);
    expect(burst.data).toMatchObject({ channel: STORY.interference.channel, interfererType: 'video_bridge' });

    // Gone for less than the hold-down and back: nothing new. Gone longer: raised again.
    await simRequest(sim.url, 'DELETE', `/v1/inject/interferer/${STORY.interference.interfererId}`);
    clock += 5_000;
    await b.pollOnce();
    await simPost(sim.url, '/v1/inject/interferer', { interfererId: STORY.interference.interfererId });
    clock += 30_000;
    await b.pollOnce();
    expect(submitted).toHaveLength(3);
    await simRequest(sim.url, 'DELETE', `/v1/inject/interferer/${STORY.interference.interfererId}`);
    clock += 5_000;
    await b.pollOnce();
    clock += 61_000;
    await b.pollOnce();
    await simPost(sim.url, '/v1/inject/interferer', { interfererId: STORY.interference.interfererId });
    clock += 5_000;
    await b.pollOnce();
    expect(submitted).toHaveLength(4);
    clock += 5_000;
    await b.pollOnce();
    expect(submitted).toHaveLength(6);
    expect(new Set(submitted.map((e) => e.eventId)).size).toBe(6);
  });

  it('retries events whose submit failed with the same eventIds', async () => {
    let fail = true;
    const b = bridge({
      submit: async (batch) => {
        if (fail) throw new Error('temporal unavailable');
        submitted.push(...(batch as Array<Record<string, unknown>>));
      },
    });
    await simPost(sim.url, '/v1/inject/power-budget', STORY.powerBudget);
    await expect(b.pollOnce()).rejects.toThrow('temporal unavailable');
    fail = false;
    clock += 5_000;
    await b.pollOnce();
    expect(events().map((e) => e.eventId)).toEqual([
      `sense:power_budget:${STORY.powerBudget.apId}:ap:-:${T0 / 1000}`,
    ]);
  });

  it('keeps its episodes in the state file across a restart: no second event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sensing-bridge-'));
    try {
      const stateFile = join(dir, 'state.json');
      await simPost(sim.url, '/v1/inject/client-surge', STORY.densitySpike);
      await bridge({ stateFile }).pollOnce();
      // A new process a few minutes later (another hold-down bucket), the spike still going on.
      clock += 3 * 60_000;
      const restarted = bridge({ stateFile, intervalMs: 20 });
      await restarted.start();
      await new Promise((r) => setTimeout(r, 150));
      await restarted.stop();
      expect(
        events()
          .map((e) => e.type)
          .sort(),
      ).toEqual(['DENSITY_SPIKE', 'LOAD_IMBALANCE']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('polls on its interval until stopped and survives an unreachable controller', async () => {
    const warnings: string[] = [];
    const logger = {
      info: () => undefined,
      debug: () => undefined,
      warn: (_o: unknown, m?: string) => void warnings.push(m ?? ''),
    };
    const dead = bridge({
      sensing: createSimulatorController('http://127.0.0.1:9'),
      intervalMs: 20,
      logger: logger as never,
    });
    await dead.start();
    await new Promise((r) => setTimeout(r, 100));
    await dead.stop();
    expect(warnings.length).toBeGreaterThan(1);

    const live = bridge({ intervalMs: 20 });
    await live.start();
    await simPost(sim.url, '/v1/inject/ap-failure', STORY.hwFailure);
    await new Promise((r) => setTimeout(r, 150));
    await live.stop();
    expect(events().map((e) => e.type)).toEqual(['HW_FAILURE']);
  });
});
