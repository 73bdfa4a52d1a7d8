// The monitor window judges a change on traffic, in skipped time with a stubbed controller: a
// baseline of a radio carrying no traffic (no client, or hardly any airtime of its own) is no
// reference and gives way to the first sample with traffic; a window that never had traffic to
// compare keeps the change, not judged; a radio the change left without traffic is still judged
// against a baseline with traffic (domain/rollback-rules.ts).
import type { MonitorSample } from '../../activities/controller';
import { HEALTHY_SAMPLE } from './fake-activities';
import { callsWhere, MINUTE, SECOND, useHarness } from './harness';

/** A radio nobody uses: just back on the air, its clients still away. All zeros, but its beacons. */
const IDLE: MonitorSample = {
  per: 0,
  retryRate: 0,
  throughputMbps: 0,
  disconnectsPerMin: 0,
  avgQoe: 1,
  associationsPerMin: 0,
  clientCount: 0,
  airtimePct: 5,
};

/** Traffic again: against IDLE, "PER 0.000 → 0.048 (from 0); retry rate 0.000 → 0.100 (from 0)". */
const BACK: MonitorSample = {
  per: 0.048,
  retryRate: 0.1,
  throughputMbps: 120,
  disconnectsPerMin: 0,
  avgQoe: 0.85,
  associationsPerMin: 3,
  clientCount: 8,
  airtimePct: 17,
};

const BUSY: MonitorSample = { ...HEALTHY_SAMPLE, clientCount: 12, airtimePct: 25 };

describe('a change judged on traffic (rrmEvent + apCoordinator, stubbed activities)', () => {
  const h = useHarness();

  /** A confident interference burst on the AP's 5 GHz channel 36: moved to 149, watched for 5 min. */
  async function burst(apId: string) {
    const started = await h.start({ type: 'NON_WIFI_BURST', apId, confidence: 0.9, data: { channel: 36 } });
    await h.statusWhen(started.eventId, (s) => s.stage === 'monitor');
    return started;
  }
  const samplesOf = (apId: string) => callsWhere(h.activities.sampleRadio, (id) => id === apId);

  it('replaces a baseline without traffic by the first sample with traffic: no rollback for a rise from zero', async () => {
    const apId = h.newAp();
    h.controller.queueSamples(apId, [IDLE, ...Array<MonitorSample>(10).fill(BACK)]);
    const { eventId } = await burst(apId);

    await h.env.sleep(5 * MINUTE + 5 * SECOND);
    const done = await h.outcomeOf(eventId);
    // The window's ten samples: the first became the baseline, the nine after it were judged.
    expect(done).toMatchObject({
      outcome: 'APPLIED',
      reason: 'monitor window passed without degradation',
      samples: 9,
      findings: [],
    });
    expect(samplesOf(apId)).toHaveLength(1 + 10);
    expect(h.audit.statusesOf(eventId)).toEqual(['APPLIED', 'COMMITTED']);
    expect(h.controller.callsOf(eventId).map((c) => c.result)).toEqual(['applied']);
  });

  it('keeps a change the radio never carried traffic to judge by, and audits why', async () => {
    const apId = h.newAp();
    h.controller.queueSamples(apId, Array<MonitorSample>(11).fill(IDLE));
    const { eventId } = await burst(apId);

    await h.env.sleep(5 * MINUTE + 5 * SECOND);
    const reason =
      'kept, not judged: the radio carried no traffic to judge the change by (10 samples in the window without traffic)';
    expect(await h.outcomeOf(eventId)).toMatchObject({ outcome: 'APPLIED', reason, samples: 0 });
    expect(h.audit.statusesOf(eventId)).toEqual(['APPLIED', 'COMMITTED']);
    expect(h.audit.of(eventId)[1]).toMatchObject({
      reason,
      degradationDetected: false,
      autoRollbackTriggered: false,
    });
    expect(h.controller.radio(apId)).toMatchObject({ channel: 149 });
  });

  it('rolls back a change that left the radio without traffic: judged against the baseline with it', async () => {
    const apId = h.newAp();
    // Every client gone after the move: nothing carried, and the disconnects to show it.
    const deserted = { ...IDLE, disconnectsPerMin: 12 };
    h.controller.queueSamples(apId, [BUSY, deserted, deserted]);
    const { eventId } = await burst(apId);

    await h.env.sleep(70 * SECOND); // two degraded samples, 30 s apart
    const done = await h.outcomeOf(eventId);
    expect(done).toMatchObject({ outcome: 'ROLLED_BACK', samples: 2 });
    expect(done.reason).toBe(
      'automatic rollback: throughput 200.0 → 0.0 Mbps (-100 %); disconnects 0.0 → 12.0 /min (limit 10 /min)',
    );
    expect(done.findings.map((f) => f.rule)).toEqual(['THROUGHPUT', 'DISCONNECTS']);
    expect(h.audit.statusesOf(eventId)).toEqual(['APPLIED', 'ROLLED_BACK']);
    expect(h.controller.radio(apId)).toMatchObject({ channel: 36 });
  });
});
