// The controller activities (activities/controller/) against the simulator over HTTP, through the
// face of this run (its native API or its OpenWiFi face, test/support/controller-face.ts): how each
// kind of refusal reaches the workflow. Refusals the workflow answers by planning again are benign
// (no WARN log, no failure metric); the others are plain non-retryable failures; an unreachable
// controller is retried.
import { ApplicationFailure } from '@temporalio/activity';
import { createControllerActivities } from '../../activities/controller';
import type { ControllerStep } from '../../domain/controller-steps';
import { getRadio, simPost, useBuiltInSimulator } from '../support/sim-client';
import { controllerFace, controllerFor, unreachableController } from '../support/controller-face';

const sim = useBuiltInSimulator();

async function failureOf(work: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

const activities = () => createControllerActivities(controllerFor(sim));

async function moveTo(channel: number, expectedVersion?: number) {
  const radio = await getRadio(sim.url, 'ap-01');
  const step: ControllerStep = {
    kind: 'radio',
    apId: 'ap-01',
    radio: '5g',
    from: radio,
    target: { channel, width: 20 },
  };
  const version = expectedVersion ?? (await activities().readAp('ap-01')).radios['5g']!.version;
  return activities().applyStep({
    step,
    changeId: `move-${channel}-${version}`,
    expectedVersion: version,
  });
}

describe('controller activities: refusals as the workflow sees them', () => {
  it('a stale version is a benign VersionConflict', async () => {
    const stale = (await activities().readAp('ap-01')).radios['5g']!.version - 1;
    const failure = await failureOf(moveTo(40, stale));
    expect(failure).toMatchObject({ type: 'VersionConflict', nonRetryable: true, category: 'BENIGN' });
  });

  it('radar on the chosen channel is a benign ChannelUnavailable that names the channels', async () => {
    await simPost(sim.url, '/v1/inject/radar', { channel: 100 });
    const failure = await failureOf(moveTo(100));
    expect(failure).toMatchObject({ type: 'ChannelUnavailable', nonRetryable: true, category: 'BENIGN' });
    expect(failure.details?.[0]).toMatchObject({ radarChannels: expect.arrayContaining([100]) });
  });

  it('an unknown AP is a non-retryable UnknownAp, not benign', async () => {
    const failure = await failureOf(activities().readAp('ap-99'));
    expect(failure).toMatchObject({ type: 'UnknownAp', nonRetryable: true });
    expect(failure.category).toBeUndefined();
  });

  it('an unreachable controller is a plain error, retried by the activity policy', async () => {
    const err = await createControllerActivities(unreachableController())
      .readAp('ap-01')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect((err as Error).message).toMatch(/^controller unreachable at http:\/\/127\.0\.0\.1:1/);
  });
});

describe('the floor view through the controller port', () => {
  it('lists every AP with its radios, its RF neighbours (as readAp has them) and its regulatory domain', async () => {
    const port = controllerFor(sim);
    const aps = await port.listAps();
    expect(aps.map((ap) => ap.apId)).toEqual(expect.arrayContaining(['ap-01', 'ap-05', 'ap-09']));
    const ap05 = aps.find((ap) => ap.apId === 'ap-05')!;
    expect(ap05.radios['5g']).toMatchObject({ channel: 52, width: 80 });
    expect(ap05.neighbors).toEqual([...(await port.readAp('ap-05')).neighbors].sort());
    expect(ap05.neighbors!.length).toBeGreaterThan(0);
    expect(ap05.regulatoryDomain).toBe('US');
    // The simulator knows where each AP is (a 3×3 grid); OpenWiFi has no floor plan.
    if (controllerFace() === 'simulator') {
      const ap01 = aps.find((ap) => ap.apId === 'ap-01')!;
      expect(ap01.position).toEqual({ x: 0, y: 0 });
      expect(ap05.position!.x).toBeGreaterThan(0);
    } else expect(ap05.position).toBeUndefined();
  });
});

describe('a monitor sample through the controller port', () => {
  it("carries the traffic the monitor judges by: the radio's associated clients and its own airtime", async () => {
    const port = controllerFor(sim);
    const [ap, sample] = await Promise.all([port.readAp('ap-05'), port.sampleRadio('ap-05', '5g')]);
    expect(sample.transmitting).toBe(true);
    expect(sample.clientCount).toBeGreaterThan(0);
    expect(sample.clientCount).toBe(ap.radios['5g']!.clientCount);
    // The simulator's load: 5 % for beacons and management, 1.5 % per client.
    expect(sample.airtimePct).toBeCloseTo(5 + 1.5 * sample.clientCount!, 0);
  });

  it('finds no client and no airtime on a radio off the air for its CAC', async () => {
    await moveTo(100);
    const sample = await controllerFor(sim).sampleRadio('ap-01', '5g');
    expect(sample).toMatchObject({ transmitting: false, clientCount: 0, airtimePct: 0 });
  });
});
