// Stubbed activities for workflow tests in skipped time: an in-memory controller, an audit trail in
// an array and a policy the test sets. The coordination activities are the real ones, against the
// test environment's client (signal-with-start of the AP coordinator, describe of an event).
// Every activity the worker runs (a fake, or a real coordination activity) is wrapped in `jest.fn`
// (createFakes), so a test states the calls it expects, as the samples' sleep-for-days test does:
// `expect(h.activities.applyStep).toHaveBeenCalledWith(expect.objectContaining({ changeId }))`.
// The mocks are never cleared: one worker serves every test of a file, and an earlier test's
// workflows may still call activities, so an expectation names the test's own event or AP ids.
import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import {
  createControllerActivities,
  type ControllerActivities,
  type ControllerPort,
  type MonitorSample,
  type RecordedChange,
  type StepRequest,
  type StepResult,
} from '../../activities/controller';
import { ControllerError } from '../../activities/controller/port';
import { createCoordinationActivities, type CoordinationActivities } from '../../activities/coordination';
import {
  createClosureActivities,
  type Closure,
  type ClosureActivities,
  type ClosureTable,
} from '../../activities/closures';
import { createRadarReflexActivities, type RadarReflexActivities } from '../../activities/radar-reflex';
import type { ClosedChannel } from '../../domain/dfs';
import type { PolicyActivities } from '../../activities/policy';
import { parseAuditEntry, type AuditEntry } from '../../audit';
import type { AuditActivities } from '../../activities/audit';
import type { ChannelObservation } from '../../domain/channel-selection';
import type { ClientView } from '../../domain/plans';
import type { Policy } from '../../domain/policy';
import { configOf, type ApSnapshot, type RadioState } from '../../domain/radio';
import { bondedSubchannels, channelsOfBand, type Radio } from '../../domain/regulatory';
import { ap as apFixture } from '../unit/plan-fixtures';
import { policyWith } from '../support/policy';

/** What the next applyStep on an AP does instead of applying. */
export type ApplyFault =
  /** Someone else changed the AP first: its version moves on and the step is refused. */
  | { kind: 'VersionConflict' }
  /** Radar on the requested channel: refused with the radar's channels as details. */
  | { kind: 'ChannelUnavailable'; radarChannels: number[] }
  | { kind: 'ControllerRefused' }
  /** The step is applied, but its answer never comes back (a timeout, a crash): the caller retries. */
  | { kind: 'AnswerLost' };

/** One applyStep the controller received, and what became of it. */
export interface StepCall extends StepRequest {
  result: 'applied' | 'duplicate' | ApplyFault['kind'] | 'held-then-refused';
}

/** An applyStep the controller holds until the test lets it go. */
export interface HeldApply {
  /** Resolves with the request once the controller has it in hand. */
  reached: Promise<StepRequest>;
  /** Lets it go on: applied as usual, or refused (ControllerRefused). */
  release(how: 'apply' | 'refuse'): void;
}

/** Metrics well inside every rollback threshold of a baseline taken the same way. */
export const HEALTHY_SAMPLE: MonitorSample = {
  per: 0.02,
  retryRate: 0.05,
  throughputMbps: 200,
  disconnectsPerMin: 0,
  avgQoe: 0.9,
  associationsPerMin: 0,
};

/** Against HEALTHY_SAMPLE: PER, retry rate, throughput, QoE and disconnects all past their limits. */
export const DEGRADED_SAMPLE: MonitorSample = {
  per: 0.2,
  retryRate: 0.4,
  throughputMbps: 50,
  disconnectsPerMin: 20,
  avgQoe: 0.4,
  associationsPerMin: 0,
};

/** A radio in a CAC: it does not transmit, so every figure is zero (judged, it would look degraded). */
export const OFF_THE_AIR_SAMPLE: MonitorSample = {
  per: 0,
  retryRate: 0,
  throughputMbps: 0,
  disconnectsPerMin: 0,
  avgQoe: 0,
  associationsPerMin: 0,
  transmitting: false,
};

/** Non-Wi-Fi duty cycle the scan reports on the radio's own channel and on jammed channels. */
export /** How loud an RF neighbour is heard in a scan. */
const NEIGHBOUR_DBM = -60;
const JAMMED_DUTY_CYCLE_PCT = 90;

/** Everything the fakes did, in order, as short lines: `apply <changeId> <result>`, `audit <eventId> <status>`. */
export type Journal = string[];

export class FakeController {
  private readonly aps = new Map<string, ApSnapshot>();
  private readonly jammed = new Map<string, Set<number>>();
  private readonly faults = new Map<string, ApplyFault[]>();
  private readonly holds = new Map<
    string,
    { reached: (r: StepRequest) => void; gate: Promise<'apply' | 'refuse'> }[]
  >();
  private readonly degraded = new Set<string>();
  /** Samples still to come off the air (a CAC), per `apId:radio`. */
  private readonly offAir = new Map<string, number>();
  /** Samples still to come as the test wrote them, per `apId:radio`. */
  private readonly queued = new Map<string, MonitorSample[]>();
  private readonly applied = new Map<string, StepResult>();
  /** What each applied radio step's change id did, for a retried radar reflex. */
  private readonly changes = new Map<string, RecordedChange>();
  /** Every applyStep received, in order. */
  readonly calls: StepCall[] = [];

  constructor(private readonly journal: Journal) {}

  /** An AP of the US domain at version 7: 2g on 6/20, 5g on 36/80, 6g on 37/80 unless overridden. */
  addAp(apId: string, radios: Partial<Record<Radio, Partial<RadioState>>> = {}): ApSnapshot {
    const snapshot = apFixture(apId, {
      '2g': radios['2g'] ?? {},
      '5g': radios['5g'] ?? {},
      '6g': radios['6g'] ?? {},
    });
    this.aps.set(apId, snapshot);
    return structuredClone(snapshot);
  }

  /** The APs the controller lists as `apId`'s RF neighbours. */
  setNeighbours(apId: string, neighbours: string[]): void {
    this.aps.get(apId)!.neighbors = neighbours;
  }

  ap(apId: string): ApSnapshot {
    const snapshot = this.aps.get(apId);
    if (!snapshot) throw new Error(`fake controller: no AP ${apId}`);
    return structuredClone(snapshot);
  }

  radio(apId: string, radio: Radio = '5g'): RadioState {
    return this.ap(apId).radios[radio]!;
  }

  /** Non-Wi-Fi energy on these 20 MHz channels of the AP (besides its radios' own channels). */
  jam(apId: string, channels: number[]): void {
    const set = this.jammed.get(apId) ?? new Set<number>();
    channels.forEach((c) => set.add(c));
    this.jammed.set(apId, set);
  }

  /** The next applyStep on the AP fails this way (faults queue up, one per call). */
  failNextApply(apId: string, fault: ApplyFault): void {
    this.faults.set(apId, [...(this.faults.get(apId) ?? []), fault]);
  }

  /** The next applyStep on the AP waits for the test. */
  holdNextApply(apId: string): HeldApply {
    let reached!: (r: StepRequest) => void;
    let release!: (how: 'apply' | 'refuse') => void;
    const reachedP = new Promise<StepRequest>((r) => (reached = r));
    const gate = new Promise<'apply' | 'refuse'>((r) => (release = r));
    this.holds.set(apId, [...(this.holds.get(apId) ?? []), { reached, gate }]);
    return { reached: reachedP, release };
  }

  /** APs whose reads fail as an unreachable controller's do (retryably, so the retries run out). */
  readonly unreachable = new Set<string>();

  /** Samples of the radio from now on: degraded (true) or healthy (false). */
  degrade(apId: string, radio: Radio = '5g', on = true): void {
    if (on) this.degraded.add(`${apId}:${radio}`);
    else this.degraded.delete(`${apId}:${radio}`);
  }

  /** The radio's next `samples` samples find it off the air, as during a CAC: no traffic, no clients. */
  offTheAir(apId: string, samples: number, radio: Radio = '5g'): void {
    this.offAir.set(`${apId}:${radio}`, samples);
  }

  /**
   * The radio's next samples, in order, before the usual ones (queued before an event, the first is
   * its baseline).
   */
  queueSamples(apId: string, samples: MonitorSample[], radio: Radio = '5g'): void {
    const key = `${apId}:${radio}`;
    this.queued.set(key, [...(this.queued.get(key) ?? []), ...samples]);
  }

  /** The applyStep calls whose change id starts with `prefix` (e.g. an event id). */
  callsOf(prefix: string): StepCall[] {
    return this.calls.filter((c) => c.changeId.startsWith(`${prefix}:`));
  }

  /** The controller's activities, as the worker makes them from a port (its refusals typed the same way). */
  activities(): ControllerActivities {
    return createControllerActivities(this.port());
  }

  port(): ControllerPort {
    return {
      readAp: async (apId) => {
        if (this.unreachable.has(apId)) throw new Error('controller unreachable (fake)');
        // An AP the controller does not know, named as the real adapter names it.
        if (!this.aps.has(apId)) {
          const message = `the controller does not know AP ${apId}`;
          throw new ControllerError('UnknownAp', message, { apId });
        }
        return this.ap(apId);
      },
      scanChannels: async (apId, radio) => this.scan(apId, radio),
      readClients: async (): Promise<ClientView[]> => [],
      sampleRadio: async (apId, radio) => {
        this.ap(apId); // an unknown AP fails like the real adapter
        const key = `${apId}:${radio}`;
        const next = this.queued.get(key)?.shift();
        if (next) return { ...next };
        const offAir = this.offAir.get(key) ?? 0;
        if (offAir > 0) {
          this.offAir.set(key, offAir - 1);
          return { ...OFF_THE_AIR_SAMPLE };
        }
        return { ...(this.degraded.has(key) ? DEGRADED_SAMPLE : HEALTHY_SAMPLE) };
      },
      applyStep: (request) => this.applyStep(request),
      changeOf: async (_apId, changeId) => this.changes.get(changeId),
      listAps: async () => [],
      readDetections: async () => [],
    };
  }

  private scan(apId: string, radio: Radio): ChannelObservation[] {
    const snapshot = this.ap(apId);
    const state = snapshot.radios[radio];
    const domain = snapshot.regulatoryDomain;
    const noisy = new Set([
      ...(this.jammed.get(apId) ?? []),
      ...(state ? bondedSubchannels(radio, state.channel, state.width, domain) : []),
    ]);
    // As the simulator's scan: each RF neighbour is heard, at once, on the channels it operates on now.
    const heard = snapshot.neighbors.flatMap((id) => {
      const neighbour = this.aps.get(id)?.radios[radio];
      return neighbour ? bondedSubchannels(radio, neighbour.channel, neighbour.width, domain) : [];
    });
    return channelsOfBand(radio, domain).map((channel) => ({
      channel,
      neighborCount: heard.filter((c) => c === channel).length,
      strongestNeighborDbm: heard.includes(channel) ? NEIGHBOUR_DBM : null,
      nonWifiDutyCyclePct: noisy.has(channel) ? JAMMED_DUTY_CYCLE_PCT : 0,
      clientSupportPct: 100,
    }));
  }

  private record(request: StepRequest, result: StepCall['result']): void {
    this.calls.push({ ...request, result });
    this.journal.push(`apply ${request.changeId} ${result}`);
  }

  private async applyStep(request: StepRequest): Promise<StepResult> {
    const { step, changeId, expectedVersion } = request;
    const snapshot = this.aps.get(step.apId);
    if (!snapshot) {
      throw new ControllerError('UnknownAp', `no AP ${step.apId}`);
    }
    const done = this.applied.get(changeId);
    if (done) {
      this.record(request, 'duplicate');
      return { ...done, duplicate: true };
    }
    const hold = this.holds.get(step.apId)?.shift();
    if (hold) {
      hold.reached(request);
      if ((await hold.gate) === 'refuse') {
        this.record(request, 'held-then-refused');
        throw refused(`${changeId} refused after being held`);
      }
    }
    const queued = this.faults.get(step.apId)?.shift();
    const answerLost = queued?.kind === 'AnswerLost';
    const fault = queued?.kind === 'AnswerLost' ? undefined : queued;
    if (fault) {
      this.record(request, fault.kind);
      switch (fault.kind) {
        case 'VersionConflict':
          snapshot.version++;
          if (step.kind === 'radio') snapshot.radios[step.radio]!.version++;
          throw new ControllerError(
            'VersionConflict',
            `expected version ${expectedVersion}: changed meanwhile`,
          );
        case 'ChannelUnavailable':
          throw new ControllerError('ChannelUnavailable', `radar on ${fault.radarChannels.join(', ')}`, {
            error: 'channel_unavailable',
            radarChannels: fault.radarChannels,
          });
        case 'ControllerRefused':
          throw refused(`${changeId} refused by the fake controller`);
      }
    }
    let result: StepResult;
    switch (step.kind) {
      case 'steer':
        result = { steered: step.clientIds, duplicate: false };
        break;
      case 'radio':
      case 'admin': {
        // Per radio for a radio step, per AP for the admin state (as the controllers guard them).
        const state = step.kind === 'radio' ? snapshot.radios[step.radio] : undefined;
        if (step.kind === 'radio' && !state) throw refused(`${step.apId} has no ${step.radio} radio`);
        const current = state ? state.version : snapshot.version;
        if (expectedVersion !== current) {
          this.record(request, 'VersionConflict');
          throw new ControllerError(
            'VersionConflict',
            `expected version ${expectedVersion}, the ${state ? 'radio' : 'AP'} is at ${current}`,
          );
        }
        if (step.kind === 'radio') {
          const from = configOf(state!);
          Object.assign(
            state!,
            Object.fromEntries(Object.entries(step.target).filter(([, v]) => v !== undefined)),
          );
          state!.version++;
          this.changes.set(changeId, { radio: step.radio, from, to: configOf(state!) });
        } else {
          snapshot.adminStatus = step.to;
        }
        snapshot.version++;
        result = { version: state ? state.version : snapshot.version, duplicate: false };
        break;
      }
    }
    this.applied.set(changeId, result);
    this.record(request, answerLost ? 'AnswerLost' : 'applied');
    if (answerLost) throw new Error('controller unreachable (fake): the answer was lost');
    return result;
  }
}

const refused = (message: string) => new ControllerError('ControllerRefused', message);

/** The audit trail in an array: validated like the real writer, written once per idempotency key. */
export class FakeAudit {
  readonly entries: AuditEntry[] = [];
  private readonly failing: ((entry: AuditEntry) => boolean)[] = [];
  /** Entries whose write failed (the store was "down"), one per failed attempt. */
  readonly failedWrites: AuditEntry[] = [];

  constructor(private readonly journal: Journal) {}

  /** Writes matching `when` fail (retryably, like an unreachable store) until the returned function is called. */
  failWhile(when: (entry: AuditEntry) => boolean): () => void {
    this.failing.push(when);
    return () => void this.failing.splice(this.failing.indexOf(when), 1);
  }

  of(eventId: string): AuditEntry[] {
    return this.entries.filter((e) => e.eventId === eventId);
  }

  /** The TURN_RECLAIMED records of a holder or watcher the coordinator found closed. */
  reclaimsOf(eventId: string): AuditEntry[] {
    return this.of(eventId).filter((e) => e.executionStatus === 'TURN_RECLAIMED');
  }

  statusesOf(eventId: string): string[] {
    return this.of(eventId).map((e) => e.executionStatus);
  }

  activities(): AuditActivities {
    const recordAudit = async (input: AuditEntry) => {
      let entry: AuditEntry;
      try {
        entry = parseAuditEntry(input);
      } catch (err) {
        throw ApplicationFailure.create({
          type: 'InvalidAuditEntryError',
          message: String(err),
          nonRetryable: true,
        });
      }
      const at = this.entries.findIndex((e) => e.idempotencyKey === entry.idempotencyKey);
      if (at >= 0) return { auditId: `audit-${at}`, chainPosition: at };
      if (this.failing.some((when) => when(entry))) {
        this.failedWrites.push(entry);
        throw new Error('audit store unreachable (fake)');
      }
      this.entries.push(entry);
      this.journal.push(`audit ${entry.eventId} ${entry.executionStatus}`);
      return { auditId: `audit-${this.entries.length - 1}`, chainPosition: this.entries.length - 1 };
    };
    return {
      recordAudit,
      // One after another, as the real writer queues them: a failure leaves the earlier ones written.
      recordAudits: async (entries) => {
        const receipts = [];
        for (const entry of entries) receipts.push(await recordAudit(entry));
        return receipts;
      },
    };
  }
}

/** The worker's policy, as a test sets it before starting its events. */
export class FakePolicy {
  current: Policy = policyWith({});

  activities(): PolicyActivities {
    return { currentPolicy: async () => this.current };
  }
}

/** The closure table in memory: extended, never shortened, as the real one. */
export class FakeClosures implements ClosureTable {
  readonly rows: (ClosedChannel & { apId: string })[] = [];

  async close({ heardBy, neighbours, radio, channels, until, closedBy }: Closure): Promise<void> {
    for (const apId of [heardBy, ...neighbours]) {
      for (const channel of channels) {
        const at = this.rows.findIndex((r) => r.apId === apId && r.radio === radio && r.channel === channel);
        if (at >= 0 && this.rows[at].until >= until) continue;
        const row = { apId, radio, channel, until, closedBy, ...(apId === heardBy ? {} : { heardBy }) };
        if (at >= 0) this.rows[at] = row;
        else this.rows.push(row);
      }
    }
  }

  async closedFor(apId: string, radio: Radio, now: number): Promise<ClosedChannel[]> {
    return this.rows
      .filter((r) => r.apId === apId && r.radio === radio && r.until > now)
      .map(({ apId: _, ...closed }) => closed)
      .sort((a, b) => a.channel - b.channel);
  }
}

/** Every activity the loop's worker registers (workers/rrm-worker.ts), by name. */
export type LoopActivities = ControllerActivities &
  RadarReflexActivities &
  ClosureActivities &
  AuditActivities &
  PolicyActivities &
  CoordinationActivities;

/** The fake activities, each a `jest.fn` with its fake's signature: `mock.calls` are typed. */
export type MockedActivities = { [K in keyof LoopActivities]: jest.MockedFunction<LoopActivities[K]> };

/** Each fake wrapped in `jest.fn`: it does what it did, and the mock records its calls. */
function mocked(activities: LoopActivities): MockedActivities {
  const mocks = {} as Record<keyof LoopActivities, jest.Mock>;
  for (const name of Object.keys(activities) as (keyof LoopActivities)[]) {
    mocks[name] = jest.fn(activities[name] as (...args: never[]) => unknown);
  }
  return mocks as MockedActivities;
}

export interface Fakes {
  controller: FakeController;
  closures: FakeClosures;
  audit: FakeAudit;
  policy: FakePolicy;
  journal: Journal;
  /** While set, the channel bookings' activity fails (as a timed-out local activity would). */
  bookings: { failing: boolean };
  /** What the worker runs: the fakes as jest mocks, for `toHaveBeenCalledWith` and `mock.calls`. */
  activities: MockedActivities;
}

export function createFakes(client: Client): Fakes {
  const journal: Journal = [];
  const controller = new FakeController(journal);
  const audit = new FakeAudit(journal);
  const policy = new FakePolicy();
  const bookings = { failing: false };
  const closures = new FakeClosures();
  const coordination = createCoordinationActivities(client, closures);
  return {
    controller,
    closures,
    audit,
    policy,
    journal,
    bookings,
    activities: mocked({
      ...controller.activities(),
      ...createRadarReflexActivities({
        controller: controller.port(),
        closures,
        policy: () => policy.current,
      }),
      ...createClosureActivities(closures),
      ...audit.activities(),
      ...policy.activities(),
      ...coordination,
      reserveChannel: async (...args: Parameters<typeof coordination.reserveChannel>) => {
        if (bookings.failing) throw ApplicationFailure.nonRetryable('the booking did not finish in time');
        return coordination.reserveChannel(...args);
      },
    }),
  };
}
