// The controller activities (activities/controller/) against the simulator over HTTP, through the
// face of this run (its native API or its OpenWiFi face, test/support/controller-face.ts): how each
// kind of refusal reaches the workflow. Refusals the workflow answers by planning again are benign
// (no WARN log, no failure metric); the others are plain non-retryable failures; an unreachable
// controller is retried.
import { ApplicationFailure } from '@temporalio/activity';
import { createControllerActivities } from '../../activities/controller';
import type { ControllerStep } from '../../domain/controller-steps';
import { getRadio, simPost, useBuiltInSimulator } from '../support/sim-client';
import { controllerFor, unreachableController } from '../support/controller-face';

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
