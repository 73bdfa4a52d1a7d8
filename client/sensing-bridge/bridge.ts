// The sensing bridge (auto-detection): polls the controller's sensing results and raises events of
// the contract for them, one per condition episode, so a lasting condition does not become a storm
// of events. A pure core (`nextBridgeState`) decides what to raise; `SensingBridge` is the polling
// shell around it (read, decide, submit, remember).
import type { Logger } from 'pino';
import { validateEvent } from '../../domain/events';
import { confidenceOf, eventForDetection, type Detection } from './detections';
import type { ControllerPort } from '../../activities/controller';
import { readStateFile, writeStateFile } from './state-file';

export interface BridgeOptions {
  /**
   * Detections below this confidence are treated as absent. Default 0.5: the policy's lowest
   * minimum, so nothing the loop would act on is dropped (0.5-0.8 interference still gets OBSS-PD);
   * 0 forwards everything and lets the loop reject it, with an audit record.
   */
  minConfidence: number;
  /** A condition must have been gone this long before its return counts as a new episode. */
  holdDownMs: number;
  /** A condition that never clears is raised again after this long (the first action did not fix it). */
  reraiseMs: number;
}

export const DEFAULT_BRIDGE_OPTIONS: BridgeOptions = {
  minConfidence: 0.5,
  holdDownMs: 60_000,
  reraiseMs: 10 * 60_000,
};

/** One condition's current episode; JSON-serialisable so the shell can keep it across restarts. */
export interface Episode {
  /** When the episode was last raised (its first raise, or its latest re-raise), epoch ms. */
  raisedAt: number;
  /** The first poll that no longer saw it, epoch ms; null while it lasts. */
  clearedAt: number | null;
}

export interface BridgeState {
  episodes: Record<string, Episode>;
}

export interface Raise {
  detection: Detection;
  /** Deterministic: a replay of the same episode maps to the same id, which the loop dedupes. */
  eventId: string;
}

export const initialBridgeState = (): BridgeState => ({ episodes: {} });

/**
 * What makes a condition "the same" from one poll to the next: kind, AP, radio and what tells
 * two conditions of that kind apart (the radar channel, the interferer, the saturated channel, the
 * failed component). Measured values (utilisation, QoE, counts) are not part of it.
 */
export function conditionKey(d: Detection): string {
  const detail = ((): string => {
    switch (d.kind) {
      case 'radar':
      case 'spectrum_saturation':
        return String(d.channel);
      case 'interference':
        return d.interfererId ?? `${d.interfererType}@${d.channel}`;
      case 'hw_failure':
        return d.component;
      default:
        return '-';
    }
  })();
  return `${d.kind}:${radioKey(d)}:${detail}`;
}

/** `apId:radio` of a detection; `apId:ap` for the AP-wide kinds (failure, PoE). */
const radioKey = (d: Detection): string => `${d.apId}:${'radio' in d ? d.radio : 'ap'}`;

/**
 * `sense:<kind>:<apId>:<radio>:<detail>:<episode start, epoch s>`. The start is floored to the
 * hold-down period: two episodes always lie a hold-down apart, so they never share an id, and a
 * bridge restarted without its state within that period still maps to the same id. Characters
 * outside the contract's eventId alphabet become '-'.
 */
export function eventIdFor(key: string, raisedAt: number, holdDownMs: number): string {
  const bucket = holdDownMs > 0 ? Math.floor(raisedAt / holdDownMs) * holdDownMs : raisedAt;
  return `sense:${key}:${Math.floor(bucket / 1000)}`.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 128);
}

/**
 * The pure core: given what the bridge remembers and this poll's detections at `now` (epoch ms),
 * the conditions to raise and the state to remember. A condition raises when it appears, not
 * while it lasts, again once it has been gone for the hold-down period, and again every re-raise
 * interval if it never clears. A symptom (saturation, poor QoE) of a radio whose cause (radar,
 * interference) raises in the same poll waits for the next poll: raised together, events of one
 * sweep race for the AP's turn; a poll later the symptom queues behind its cause (a later
 * detectedAt), and is not raised at all once the cause's fix has cured it.
 */
export function nextBridgeState(
  state: BridgeState,
  detections: readonly Detection[],
  now: number,
  options: BridgeOptions = DEFAULT_BRIDGE_OPTIONS,
): { state: BridgeState; raise: Raise[] } {
  const present = new Map<string, Detection>();
  for (const d of detections) {
    // A condition reported twice in one poll is still one condition: the first report speaks.
    if (confidenceOf(d) >= options.minConfidence && !present.has(conditionKey(d)))
      present.set(conditionKey(d), d);
  }
  const episodes: Record<string, Episode> = {};
  // Conditions gone this poll start (or continue) their hold-down, then are forgotten.
  for (const [key, episode] of Object.entries(state.episodes)) {
    if (present.has(key)) continue;
    const clearedAt = episode.clearedAt ?? now;
    if (now - clearedAt < options.holdDownMs) episodes[key] = { ...episode, clearedAt };
  }
  const raise: Raise[] = [];
  for (const [key, detection] of present) {
    const episode = state.episodes[key];
    const ongoing = episode !== undefined && now - (episode.clearedAt ?? now) < options.holdDownMs;
    if (ongoing && now - episode.raisedAt < options.reraiseMs) {
      episodes[key] = { raisedAt: episode.raisedAt, clearedAt: null };
      continue;
    }
    episodes[key] = { raisedAt: now, clearedAt: null };
    raise.push({ detection, eventId: eventIdFor(key, now, options.holdDownMs) });
  }
  const causes = new Set(raise.filter((r) => CAUSES.has(r.detection.kind)).map((r) => radioKey(r.detection)));
  const deferred = raise.filter((r) => SYMPTOMS.has(r.detection.kind) && causes.has(radioKey(r.detection)));
  // Forgotten, a deferred symptom is new again next poll.
  for (const r of deferred) delete episodes[conditionKey(r.detection)];
  return { state: { episodes }, raise: raise.filter((r) => !deferred.includes(r)) };
}

/** Conditions that are the cause of others on their radio, and the symptoms they cause. */
const CAUSES = new Set<Detection['kind']>(['radar', 'interference']);
const SYMPTOMS = new Set<Detection['kind']>(['spectrum_saturation', 'qoe']);

/**
 * At most this many events wait for `submit` (Temporal unreachable for long). Beyond it the oldest
 * are dropped: they are the stalest (each type has a TTL), and a condition that lasts is raised
 * again after the re-raise interval.
 */
export const MAX_PENDING_EVENTS = 1_000;

export interface SensingBridgeConfig extends Partial<BridgeOptions> {
  /** The controller's sensing view (the controller port's `readDetections`). */
  sensing: Pick<ControllerPort, 'readDetections'>;
  /** Submits events of the contract (e.g. `RrmClient.submit`); a rejection is retried next poll. */
  submit: (events: unknown[]) => Promise<unknown>;
  /** Default 5000. */
  intervalMs?: number;
  /** Where to keep the episodes across restarts (JSON, ./state-file.ts); none by default. */
  stateFile?: string;
  /** Default MAX_PENDING_EVENTS. */
  maxPending?: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Default the system clock. */
  now?: () => Date;
}

/** The polling shell: reads detections every interval, raises through `submit`, remembers episodes. */
export class SensingBridge {
  private state: BridgeState = initialBridgeState();
  /** Events decided but not yet accepted by `submit`: retried with the same eventIds. */
  private pending: Record<string, unknown>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly options: BridgeOptions;
  private readonly now: () => Date;

  constructor(private readonly config: SensingBridgeConfig) {
    this.options = {
      minConfidence: config.minConfidence ?? DEFAULT_BRIDGE_OPTIONS.minConfidence,
      holdDownMs: config.holdDownMs ?? DEFAULT_BRIDGE_OPTIONS.holdDownMs,
      reraiseMs: config.reraiseMs ?? DEFAULT_BRIDGE_OPTIONS.reraiseMs,
    };
    this.now = config.now ?? (() => new Date());
  }

  /** One poll: read, decide, submit. Returns the events submitted (pending retries included). */
  async pollOnce(): Promise<Record<string, unknown>[]> {
    const detections = await this.config.sensing.readDetections();
    const at = this.now();
    const { state, raise } = nextBridgeState(this.state, detections, at.getTime(), this.options);
    this.state = state;
    const events = this.bounded(
      [...this.pending, ...raise.map((r) => this.eventFor(r, at))].filter(
        (e): e is Record<string, unknown> => e !== null,
      ),
    );
    this.pending = events;
    // Saved before submitting: a restart then retries the same eventIds instead of losing them.
    await this.saveState();
    if (events.length === 0) return [];
    await this.config.submit(events);
    this.pending = [];
    await this.saveState();
    for (const e of events) {
      this.config.logger?.info({ eventId: e.eventId, type: e.type, apId: e.apId }, 'sensing event raised');
    }
    return events;
  }

  /** Polls every interval until `stop`; a failed poll is logged and the next one tries again. */
  async start(): Promise<void> {
    if (this.timer || this.running) return;
    await this.loadState();
    const tick = async (): Promise<void> => {
      try {
        await this.pollOnce();
      } catch (err) {
        this.config.logger?.warn({ err }, `sensing poll failed: ${(err as Error).message}`);
      }
    };
    const loop = (): void => {
      this.running = tick().finally(() => {
        this.running = null;
        if (this.timer) this.timer = setTimeout(loop, this.config.intervalMs ?? 5_000);
      });
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops polling and waits for a poll in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * The event for a raised condition, or null (logged) when it would not pass the contract: one
   * bad event would make `submit` refuse the whole batch, and retrying it would block the others.
   */
  private eventFor(r: Raise, at: Date): Record<string, unknown> | null {
    const event = { eventId: r.eventId, ...eventForDetection(r.detection, at) };
    const check = validateEvent(event, { now: at, newEventId: () => r.eventId });
    if (check.ok) return event;
    this.config.logger?.warn(
      { event, errors: check.errors },
      'sensing detection does not make a valid event',
    );
    return null;
  }

  /** The newest `maxPending` of the pending events; the oldest beyond it are dropped, and logged. */
  private bounded(events: Record<string, unknown>[]): Record<string, unknown>[] {
    const max = this.config.maxPending ?? MAX_PENDING_EVENTS;
    const dropped = events.length - max;
    if (dropped <= 0) return events;
    this.config.logger?.warn(
      { dropped, maxPending: max },
      `sensing bridge dropped the ${dropped} oldest pending events: at most ${max} wait for submit`,
    );
    return events.slice(dropped);
  }

  private async loadState(): Promise<void> {
    if (!this.config.stateFile) return;
    const saved = await readStateFile(this.config.stateFile, this.config.logger);
    if (!saved) return;
    this.state = { episodes: saved.episodes };
    this.pending = this.bounded(saved.pending);
  }

  private async saveState(): Promise<void> {
    if (!this.config.stateFile) return;
    await writeStateFile(this.config.stateFile, { ...this.state, pending: this.pending });
  }
}
