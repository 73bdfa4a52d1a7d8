// The sensing bridge's pure core (episodes, hold-down, re-raise, eventIds), the detection → event
// mapping of every kind against the event contract, and its shell's bound on pending events and
// state file (the controller's sensing view stubbed).
import fsPromises from 'node:fs/promises';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEvent } from '../../domain/events';
import {
  DEFAULT_BRIDGE_OPTIONS,
  MAX_PENDING_EVENTS,
  SensingBridge,
  conditionKey,
  initialBridgeState,
  nextBridgeState,
  type BridgeState,
  type Raise,
  type SensingBridgeConfig,
} from '../../client/sensing-bridge/bridge';
import { eventForDetection, type Detection } from '../../client/sensing-bridge/detections';

const T0 = Date.parse('2025-01-01T12:00:00Z');
const S = 1_000;

const burst = (apId = 'ap-03', confidence = 0.9): Detection => ({
  kind: 'interference',
  apId,
  radio: '5g',
  channel: 44,
  confidence,
  dutyCyclePct: 90,
  rssiDbm: -52.7,
  interfererType: 'video_bridge',
  interfererId: 'video-bridge-1',
});

const QOE_CLIENTS = [
  { clientId: '02:00:00:07:50:01', qoe: 0.31 },
  { clientId: '02:00:00:07:50:02', qoe: 0.9 },
];

const ALL_KINDS: Detection[] = [
  { kind: 'radar', apId: 'ap-05', radio: '5g', channel: 52 },
  burst(),
  {
    kind: 'spectrum_saturation',
    apId: 'ap-03',
    radio: '5g',
    channel: 44,
    utilizationPct: 93.4,
    confidence: 0.93,
  },
  {
    kind: 'qoe',
    apId: 'ap-07',
    radio: '5g',
    avgQoe: 0.41,
    clients: QOE_CLIENTS,
    confidence: 0.68,
  },
  {
    kind: 'density_spike',
    apId: 'ap-02',
    radio: '5g',
    associatedClients: 39,
    associationsPerMin: 30,
    confidence: 1,
  },
  { kind: 'hw_failure', apId: 'ap-09', component: 'ap', detail: 'no heartbeat from the AP for 30 s' },
  { kind: 'power_budget', apId: 'ap-04', budgetWatts: 12.95, drawWatts: 13 },
  {
    kind: 'load_imbalance',
    apId: 'ap-01',
    radio: '5g',
    clientCount: 36,
    neighborMeanClients: 12,
    confidence: 1,
  },
];

/** Every kind once, on radios where none is the cause of another (the interference moves to ap-06). */
const UNRELATED_KINDS = ALL_KINDS.map((d) => (d.kind === 'interference' ? burst('ap-06') : d));

/** Runs polls at the given offsets (ms from T0) with the given detections; returns raised eventIds per poll. */
function run(polls: Array<[number, Detection[]]>, options = DEFAULT_BRIDGE_OPTIONS): string[][] {
  let state: BridgeState = initialBridgeState();
  return polls.map(([t, ds]) => {
    const next = nextBridgeState(state, ds, T0 + t, options);
    state = next.state;
    return next.raise.map((r) => r.eventId);
  });
}

describe('sensing bridge core', () => {
  it('raises a condition once when it appears, with a deterministic eventId', () => {
    const { raise, state } = nextBridgeState(initialBridgeState(), [burst()], T0);
    expect(raise).toEqual([
      { detection: burst(), eventId: `sense:interference:ap-03:5g:video-bridge-1:${T0 / 1000}` },
    ]);
    expect(state.episodes[conditionKey(burst())]).toEqual({ raisedAt: T0, clearedAt: null });
    expect(nextBridgeState(initialBridgeState(), [burst()], T0).raise).toEqual(raise);
  });

  it('does not storm while the condition lasts, even when its figures change', () => {
    const polls: Array<[number, Detection[]]> = Array.from({ length: 60 }, (_, i) => [
      i * 5 * S,
      [burst('ap-03', 0.8 + (i % 3) * 0.05)],
    ]);
    expect(run(polls).flat()).toHaveLength(1);
  });

  it('a flicker shorter than the hold-down is the same episode; a longer absence is a new one', () => {
    const raised = run([
      [0, [burst()]],
      [5 * S, []],
      [30 * S, [burst()]], // gone 25 s: same episode
      [35 * S, []], // gone from here…
      [90 * S, [burst()]], // …55 s: still the same episode
      [95 * S, []], // gone from here…
      [160 * S, [burst()]], // …65 s: a new episode
    ]);
    expect(raised.map((r) => r.length)).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(raised[6][0]).not.toEqual(raised[0][0]);
  });

  it('re-raises a condition that never clears after the re-raise interval, with a new eventId', () => {
    const polls: Array<[number, Detection[]]> = Array.from({ length: 25 }, (_, i) => [i * 60 * S, [burst()]]);
    const raised = run(polls)
      .map((r, i) => [i, r] as const)
      .filter(([, r]) => r.length > 0);
    expect(raised.map(([i]) => i)).toEqual([0, 10, 20]);
    expect(new Set(raised.map(([, r]) => r[0])).size).toBe(3);
  });

  it('keeps conditions of several APs and kinds apart', () => {
    const raised = run([
      [0, [burst('ap-03')]],
      [5 * S, [burst('ap-03'), burst('ap-06')]],
      [10 * S, [burst('ap-06'), ALL_KINDS[2]]],
      [15 * S, [burst('ap-03'), burst('ap-06'), ALL_KINDS[2]]],
    ]);
    expect(raised.map((r) => r.length)).toEqual([1, 1, 1, 0]);
    expect(raised[1][0]).toContain(':ap-06:');
    expect(raised[2][0]).toContain('spectrum_saturation:ap-03');
  });

  it("raises a radio's saturation and QoE a poll after their cause, and not once the cause is cured", () => {
    const [, interference, saturation] = ALL_KINDS;
    const poorQoe: Detection = { ...ALL_KINDS[3], apId: 'ap-03' };
    const kinds = (raise: Raise[]) => raise.map((r) => r.detection.kind);
    const first = nextBridgeState(initialBridgeState(), [interference, saturation, poorQoe], T0);
    expect(kinds(first.raise)).toEqual(['interference']);
    const second = nextBridgeState(first.state, [interference, saturation, poorQoe], T0 + 5 * S);
    expect(kinds(second.raise)).toEqual(['spectrum_saturation', 'qoe']);
    // The cause's fix cured them before the next poll: nothing more.
    expect(nextBridgeState(first.state, [], T0 + 5 * S).raise).toEqual([]);
    // A symptom on another radio does not wait.
    const elsewhere = nextBridgeState(
      initialBridgeState(),
      [interference, { ...saturation, apId: 'ap-06' }],
      T0,
    );
    expect(kinds(elsewhere.raise)).toEqual(['interference', 'spectrum_saturation']);
  });

  it('one poll reporting a condition twice raises it once', () => {
    expect(run([[0, [burst(), burst()]]])[0]).toHaveLength(1);
  });

  it('skips detections below the confidence threshold (default 0.5), which is an option', () => {
    expect(run([[0, [burst('ap-08', 0.3)]]])[0]).toEqual([]);
    expect(
      run([[0, [burst('ap-08', 0.3)]]], { ...DEFAULT_BRIDGE_OPTIONS, minConfidence: 0 })[0],
    ).toHaveLength(1);
    // Kinds without a confidence are certain.
    expect(run([[0, [ALL_KINDS[5]]]], { ...DEFAULT_BRIDGE_OPTIONS, minConfidence: 1 })[0]).toHaveLength(1);
  });

  it('forgets cleared conditions after their hold-down (the state does not grow)', () => {
    let state = nextBridgeState(initialBridgeState(), UNRELATED_KINDS, T0).state;
    expect(Object.keys(state.episodes)).toHaveLength(UNRELATED_KINDS.length);
    state = nextBridgeState(state, [], T0 + 5 * S).state;
    expect(Object.keys(state.episodes)).toHaveLength(UNRELATED_KINDS.length);
    state = nextBridgeState(state, [], T0 + 65 * S).state;
    expect(state.episodes).toEqual({});
  });

  it('a restart without state in the same hold-down bucket maps to the same eventId', () => {
    const t = T0 + 10 * S;
    const first = nextBridgeState(initialBridgeState(), [burst()], t).raise[0].eventId;
    const afterRestart = nextBridgeState(initialBridgeState(), [burst()], t + 20 * S).raise[0].eventId;
    expect(afterRestart).toBe(first);
  });

  it('makes eventIds of the contract alphabet and length', () => {
    const { raise } = nextBridgeState(initialBridgeState(), UNRELATED_KINDS, T0);
    expect(raise).toHaveLength(UNRELATED_KINDS.length);
    for (const r of raise) expect(r.eventId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  });
});

describe('detection → event mapping', () => {
  const now = new Date(T0);
  const validated = (d: Detection) => {
    const result = validateEvent(eventForDetection(d, now), { now, newEventId: () => 'generated' });
    if (!result.ok) throw new Error(`${d.kind}: ${JSON.stringify(result.errors)}`);
    return result.event;
  };

  it('maps every kind to a valid event of its type', () => {
    expect(ALL_KINDS.map((d) => validated(d).type)).toEqual([
      'DFS_RADAR',
      'NON_WIFI_BURST',
      'SPECTRUM_SAT',
      'QOE_DEGRADATION',
      'DENSITY_SPIKE',
      'HW_FAILURE',
      'POWER_BUDGET_EXCEEDED',
      'LOAD_IMBALANCE',
    ]);
  });

  it('carries the data and confidence each type documents; severity is left to the policy', () => {
    const [radar, interference, sat, qoe, spike, failure, power, imbalance] = ALL_KINDS.map(validated);
    expect(radar).toMatchObject({ apId: 'ap-05', radio: '5g', confidence: 1, data: { channel: 52 } });
    expect(interference).toMatchObject({
      confidence: 0.9,
      data: { channel: 44, dutyCyclePct: 90, rssiDbm: -53, interfererType: 'video_bridge' },
    });
    expect(sat).toMatchObject({ confidence: 0.93, data: { channel: 44, utilizationPct: 93.4 } });
    expect(qoe).toMatchObject({
      radio: '5g',
      confidence: 0.68,
      data: { clients: QOE_CLIENTS },
    });
    expect(spike.data).toEqual({ associatedClients: 39, associationsPerMin: 30 });
    expect(failure).toMatchObject({
      apId: 'ap-09',
      data: { component: 'ap', detail: 'no heartbeat from the AP for 30 s' },
    });
    expect(power.data).toEqual({ budgetWatts: 12.95, drawWatts: 13 });
    expect(imbalance).toMatchObject({ confidence: 1, data: { clientCount: 36 } });
    for (const e of [radar, interference, sat, qoe, spike, failure, power, imbalance]) {
      expect(e.severity).toBeUndefined();
      expect(e).toMatchObject({ source: 'SENSING_API', detectedAt: now.toISOString() });
    }
  });

  it('still raises low-confidence interference: the policy rejects it', () => {
    expect(validated(burst('ap-08', 0.3)).confidence).toBe(0.3);
  });
});

describe('sensing bridge shell: pending events and state file', () => {
  let dir: string;
  let stateFile: string;
  let warnings: Array<{ fields: Record<string, unknown>; message: string }>;
  const logger = {
    info: () => undefined,
    debug: () => undefined,
    warn: (fields: Record<string, unknown>, message = '') => void warnings.push({ fields, message }),
  };
  /** The controller's sensing view answers `detections`; every submit is refused (Temporal down). */
  const bridge = (extra: Partial<SensingBridgeConfig> = {}) =>
    new SensingBridge({
      sensing: { readDetections: async () => detectionsNow },
      submit: () => Promise.reject(new Error('Temporal unreachable')),
      stateFile,
      logger: logger as never,
      now: () => new Date(T0),
      intervalMs: 60_000,
      ...extra,
    });
  let detectionsNow: Detection[] = [];
  const sensing = (detections: Detection[]) => {
    detectionsNow = detections;
  };
  const saved = () => JSON.parse(readFileSync(stateFile, 'utf8')) as { pending: Array<{ eventId: string }> };
  /** Started (reading its state file), one poll, stopped. */
  const startedAndStopped = async (b: SensingBridge) => {
    await b.start();
    await new Promise((r) => setTimeout(r, 100));
    await b.stop();
  };
  const bursts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => burst(`ap-${from + i}`));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sensing-bridge-'));
    stateFile = join(dir, 'state.json');
    warnings = [];
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps at most maxPending events waiting (documented default), dropping the oldest, logged', async () => {
    expect(MAX_PENDING_EVENTS).toBe(1_000);
    sensing(bursts(5));
    const b = bridge({ maxPending: 3 });
    await expect(b.pollOnce()).rejects.toThrow('Temporal unreachable');
    expect(saved().pending.map((e) => e.eventId)).toEqual(
      ['ap-2', 'ap-3', 'ap-4'].map((ap) => expect.stringContaining(`:${ap}:`)),
    );
    expect(warnings).toEqual([
      expect.objectContaining({
        fields: { dropped: 2, maxPending: 3 },
        message: expect.stringContaining('dropped the 2 oldest pending events'),
      }),
    ]);
    // A restart with a smaller bound keeps the newest of the saved ones.
    sensing([]);
    await startedAndStopped(bridge({ maxPending: 1 }));
    expect(saved().pending.map((e) => e.eventId)).toEqual([expect.stringContaining(':ap-4:')]);
  });

  it('a save cut short (disk full) leaves the previous state whole, and no temp file', async () => {
    sensing(bursts(1));
    await expect(bridge().pollOnce()).rejects.toThrow('Temporal unreachable');
    const before = readFileSync(stateFile, 'utf8');
    const realWrite = fsPromises.writeFile;
    jest.spyOn(fsPromises, 'writeFile').mockImplementationOnce(async (path, data) => {
      await realWrite(path, String(data).slice(0, 10));
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    sensing(bursts(1, 1));
    await expect(bridge().pollOnce()).rejects.toThrow('ENOSPC');
    expect(readFileSync(stateFile, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['state.json']);
    // Owner only: QoE events carry client MACs.
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['corrupt', '{"episodes": {"radar:ap-05', /is not valid JSON/],
    ['foreign', JSON.stringify({ name: 'my-app', version: 3 }), /is not a sensing bridge state/],
    ['malformed', JSON.stringify({ episodes: { k: { raisedAt: 'soon' } } }), /episodes\.k/],
  ])('sets a %s state file aside, names it and starts afresh', async (_kind, content, problem) => {
    writeFileSync(stateFile, content);
    sensing(bursts(1));
    await startedAndStopped(bridge({ submit: () => Promise.resolve() }));
    const aside = readdirSync(dir).find((f) => f.startsWith('state.json.invalid-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dir, aside!), 'utf8')).toBe(content);
    expect(warnings).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(new RegExp(`^the sensing bridge state file ${stateFile} `)),
      }),
    ]);
    expect(warnings[0].message).toMatch(problem);
    expect(warnings[0].fields).not.toHaveProperty('err');
    expect(saved().pending).toEqual([]);
  });

  it('refuses to start on a state file it cannot read, naming it', async () => {
    await expect(bridge({ stateFile: dir }).start()).rejects.toThrow(
      `cannot read the sensing bridge state file ${dir}: EISDIR`,
    );
  });
});
