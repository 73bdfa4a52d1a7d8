// The OpenWiFi adapter (activities/controller/openwifi/) against the simulator's OpenWiFi face over
// real HTTP: sign-in and token renewal, the configuration UUID as compare-and-set guard, the
// device's answers (applied, partly rejected, refused), answers of the wrong shape, the gateway's
// pauses (429, busy), TLS with a private CA, and configurations that pass the uCentral schema.
import { ApplicationFailure } from '@temporalio/activity';
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createControllerActivities } from '../../activities/controller';
import { createOpenWifiController } from '../../activities/controller/openwifi';
import { ControllerBusy, ControllerError, type ControllerPort } from '../../activities/controller/port';
import type { OpenWifiControllerSettings } from '../../config/controller';
import type { ControllerStep } from '../../domain/controller-steps';
import { configOf, type RadioConfig } from '../../domain/radio';
import { ConfigurationSchema } from '../../simulator/openwifi/ucentral';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { makeCertificates } from '../support/tls';
import { getAp, getRadio, simPost } from '../support/sim-client';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 1, openWifi: { tokenLifetimeS: 3600 } });
});
afterAll(() => sim.close());
beforeEach(async () => {
  await simPost(sim.url, '/v1/inject/reset');
  await simPost(sim.url, '/v1/inject/openwifi/offline', { apId: 'ap-01', offline: false });
  await fetch(`${sim.url}/v1/inject/openwifi`, { method: 'DELETE' });
});

const withKey = (extra: Partial<OpenWifiControllerSettings> = {}): ControllerPort =>
  createOpenWifiController({
    kind: 'openwifi',
    gatewayUrl: sim.openWifi.gatewayUrl,
    apiKey: sim.openWifi.apiKey,
    maxConcurrent: 4,
    ...extra,
  });
const withPassword = (): ControllerPort =>
  createOpenWifiController({
    kind: 'openwifi',
    gatewayUrl: sim.openWifi.gatewayUrl,
    securityUrl: sim.openWifi.securityUrl,
    user: sim.openWifi.userId,
    password: sim.openWifi.password,
    maxConcurrent: 4,
  });

async function rejection(work: Promise<unknown>): Promise<Error> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

/** The 5 GHz radio of `apId` to `target`, planned on the AP as the adapter reads it now. */
async function move(
  controller: ControllerPort,
  target: Partial<RadioConfig>,
  apId = 'ap-01',
  version?: number,
) {
  const ap = await controller.readAp(apId);
  const from = ap.radios['5g']!;
  return controller.applyStep({
    step: { kind: 'radio', apId, radio: '5g', from, target },
    changeId: `test-${Date.now()}`,
    expectedVersion: version ?? from.version,
  });
}

describe('OpenWiFi adapter: signing in', () => {
  it('signs in with OAuth2 and signs in again when the gateway says the token expired', async () => {
    const controller = withPassword();
    expect((await controller.readAp('ap-01')).apId).toBe('ap-01');
    const { expired } = (await (
      await fetch(`${sim.url}/v1/inject/openwifi/expire-tokens`, { method: 'POST' })
    ).json()) as {
      expired: number;
    };
    expect(expired).toBeGreaterThan(0);
    expect((await controller.readAp('ap-02')).apId).toBe('ap-02');
  });

  it('renews its token with the refresh token before it expires', async () => {
    const short = await startSimulator({ port: 0, seed: 1, openWifi: { tokenLifetimeS: 1 } });
    try {
      const controller = createOpenWifiController({
        kind: 'openwifi',
        gatewayUrl: short.openWifi.gatewayUrl,
        securityUrl: short.openWifi.securityUrl,
        user: short.openWifi.userId,
        password: 'wrong after the first sign-in',
        maxConcurrent: 1,
      });
      // The first sign-in needs the password: refused here, as it should be.
      const refused = await rejection(controller.readAp('ap-01'));
      expect(refused).toMatchObject({ type: 'ControllerRefused' });
      expect(refused.message).toMatch(/refused the sign-in \(403: 2: Invalid credentials/);
      expect(refused.message).not.toContain('wrong after');

      const good = createOpenWifiController({
        kind: 'openwifi',
        gatewayUrl: short.openWifi.gatewayUrl,
        securityUrl: short.openWifi.securityUrl,
        user: short.openWifi.userId,
        password: short.openWifi.password,
        maxConcurrent: 1,
      });
      await good.readAp('ap-01');
      await new Promise((r) => setTimeout(r, 1_200));
      // Past its lifetime: renewed with the refresh token, the read goes through.
      expect((await good.readAp('ap-01')).apId).toBe('ap-01');
    } finally {
      await short.close();
    }
  });

  it('names a wrong API key without showing it', async () => {
    const err = await rejection(withKey({ apiKey: 'not-the-key' }).readAp('ap-01'));
    expect(err).toMatchObject({ type: 'ControllerRefused' });
    expect(err.message).toMatch(/403 8: Invalid token/);
    expect(err.message).not.toContain('not-the-key');
  });

  it('speaks TLS to a gateway whose certificate a private CA signed', async () => {
    const certs = makeCertificates();
    // A TLS front for the face: what a self-signed gateway looks like to the adapter.
    const front = createServer(
      { cert: readFileSync(certs.serverCert), key: readFileSync(certs.serverKey) },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          void fetch(`${sim.url}${req.url}`, {
            method: req.method,
            headers: Object.fromEntries(
              Object.entries(req.headers).filter(
                (kv): kv is [string, string] => typeof kv[1] === 'string' && kv[0] !== 'host',
              ),
            ),
            body: chunks.length ? Buffer.concat(chunks) : undefined,
          }).then(async (r) => {
            res.writeHead(r.status, { 'content-type': 'application/json' });
            res.end(await r.text());
          });
        });
      },
    );
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const gatewayUrl = `https://localhost:${(front.address() as AddressInfo).port}/api/v1`;
      const untrusted = await rejection(withKey({ gatewayUrl }).readAp('ap-01'));
      expect(untrusted.message).toMatch(/unreachable/);
      expect((await withKey({ gatewayUrl, caFile: certs.caCert }).readAp('ap-01')).apId).toBe('ap-01');
    } finally {
      front.close();
      certs.remove();
    }
  });
});

describe('OpenWiFi adapter: changes', () => {
  it('writes only the fields the step changes, in a configuration the uCentral schema takes', async () => {
    const controller = withKey();
    const before = (await (await gatewayGet('/device/ap-01')).json()) as {
      configuration: { radios: unknown[] };
    };
    const result = await move(controller, { txPowerDbm: 14, obssPdDbm: -76, admissionCap: 20 });
    expect(result.duplicate).toBe(false);
    const after = (await (await gatewayGet('/device/ap-01')).json()) as {
      UUID: number;
      configuration: unknown;
    };
    expect((await controller.readAp('ap-01')).radios['5g']!.version).toBe(result.version);
    expect(ConfigurationSchema.safeParse(after.configuration).success).toBe(true);
    const radios = (after.configuration as { radios: Record<string, unknown>[] }).radios;
    expect(radios[1]).toMatchObject({
      band: '5G',
      'tx-power': 14,
      'maximum-clients': 20,
      'hostapd-iface-raw': ['he_spr_sr_control=4', 'he_spr_non_srg_obss_pd_max_offset=6'],
    });
    expect(radios[0]).toEqual(before.configuration.radios[0]);
    expect(await getRadio(sim.url, 'ap-01')).toMatchObject({
      txPowerDbm: 14,
      obssPdDbm: -76,
      admissionCap: 20,
    });
  });

  it('reports a retried step whose change is in place as a duplicate, applied once', async () => {
    const controller = withKey();
    const ap = await controller.readAp('ap-01');
    const step: ControllerStep = {
      kind: 'radio',
      apId: 'ap-01',
      radio: '5g',
      from: ap.radios['5g']!,
      target: { txPowerDbm: 13 },
    };
    const before = (await getAp(sim.url, 'ap-01')).version;
    const expectedVersion = ap.radios['5g']!.version;
    const first = await controller.applyStep({ step, changeId: 'c1', expectedVersion });
    const again = await controller.applyStep({ step, changeId: 'c1', expectedVersion });
    expect(again).toEqual({ version: first.version, duplicate: true });
    expect((await getAp(sim.url, 'ap-01')).version).toBe(before + 1);
  });

  it("refuses a step planned on another version of the radio's settings (compare-and-set per radio)", async () => {
    const controller = withKey();
    const { version } = (await controller.readAp('ap-01')).radios['5g']!;
    await move(controller, { txPowerDbm: 12 });
    const err = await rejection(move(controller, { txPowerDbm: 11 }, 'ap-01', version));
    expect(err).toMatchObject({ type: 'VersionConflict', details: { expectedVersion: version } });
    expect((await getRadio(sim.url, 'ap-01')).txPowerDbm).toBe(12);
  });

  it("takes a step planned before a change of the AP's other radio: that is no conflict", async () => {
    const controller = withKey();
    const ap = await controller.readAp('ap-01');
    const other = ap.radios['2g']!;
    await controller.applyStep({
      step: {
        kind: 'radio',
        apId: 'ap-01',
        radio: '2g',
        from: other,
        target: { txPowerDbm: other.txPowerDbm - 1 },
      },
      changeId: 'other-radio',
      expectedVersion: other.version,
    });
    const result = await move(controller, { txPowerDbm: 9 }, 'ap-01', ap.radios['5g']!.version);
    expect(result.duplicate).toBe(false);
    expect((await getRadio(sim.url, 'ap-01')).txPowerDbm).toBe(9);
  });

  it('finds what a change id did to a radio, for a retried radar move', async () => {
    const controller = withKey();
    const ap = await controller.readAp('ap-01');
    const from = ap.radios['5g']!;
    const step: ControllerStep = {
      kind: 'radio',
      apId: 'ap-01',
      radio: '5g',
      from,
      target: { txPowerDbm: 8 },
    };
    await controller.applyStep({ step, changeId: 'found-later', expectedVersion: from.version });
    expect(await controller.changeOf('ap-01', 'found-later')).toEqual({
      radio: '5g',
      from: configOf(from),
      to: { ...configOf(from), txPowerDbm: 8 },
    });
    expect(await controller.changeOf('ap-01', 'never-made')).toBeUndefined();
  });

  it('puts a partly rejected change back and never reports it applied', async () => {
    const controller = withKey();
    const before = await getRadio(sim.url, 'ap-01');
    await simPost(sim.url, '/v1/inject/openwifi', { kind: 'fields_rejected', fields: ['tx-power'] });
    const err = await rejection(move(controller, { channel: 44, width: 20, txPowerDbm: 12 }));
    expect(err).toMatchObject({ type: 'ControllerRefused' });
    expect(err.message).toMatch(/substituted radios\[1\]\.tx-power.*restored its previous settings/);
    expect(await getRadio(sim.url, 'ap-01')).toMatchObject({
      channel: before.channel,
      width: before.width,
      txPowerDbm: before.txPowerDbm,
    });
  });

  it('takes a refused configuration as refused, with nothing applied', async () => {
    const before = await getAp(sim.url, 'ap-01');
    await simPost(sim.url, '/v1/inject/openwifi', { kind: 'configure_refused' });
    const err = await rejection(move(withKey(), { txPowerDbm: 12 }));
    expect(err).toMatchObject({ type: 'ControllerRefused' });
    expect(await getAp(sim.url, 'ap-01')).toEqual(before);
  });

  it('turns a channel the device refuses for radar into ChannelUnavailable with its channels', async () => {
    await simPost(sim.url, '/v1/inject/radar', { channel: 100 });
    const err = await rejection(move(withKey(), { channel: 100, width: 40 }));
    expect(err).toMatchObject({ type: 'ChannelUnavailable', details: { radarChannels: [100, 104] } });
  });

  it('does not configure a device the gateway cannot reach, and reads it as DOWN', async () => {
    const controller = withKey();
    await simPost(sim.url, '/v1/inject/openwifi/offline', { apId: 'ap-01' });
    expect(await controller.readAp('ap-01')).toMatchObject({ status: 'DOWN' });
    const err = await rejection(move(controller, { txPowerDbm: 12 }));
    expect(err).toMatchObject({ type: 'ControllerRefused' });
    expect(err.message).toMatch(/not connected/);
  });

  it('marks an offline AP down: the gateway keeps the change pending, the loop reads what it was told', async () => {
    const controller = withKey();
    await simPost(sim.url, '/v1/inject/ap-failure', { apId: 'ap-01' });
    const ap = await controller.readAp('ap-01');
    const step: ControllerStep = { kind: 'admin', apId: 'ap-01', from: 'UP', to: 'DOWN' };
    const result = await controller.applyStep({ step, changeId: 'down', expectedVersion: ap.version });
    expect(result.duplicate).toBe(false);
    expect(await controller.readAp('ap-01')).toMatchObject({ status: 'DOWN', adminStatus: 'DOWN' });
    expect((await getAp(sim.url, 'ap-01')).adminStatus).toBe('DOWN');
    expect(await controller.applyStep({ step, changeId: 'down', expectedVersion: ap.version })).toMatchObject(
      {
        duplicate: true,
      },
    );
  });

  it('reads an unknown device as UnknownAp', async () => {
    expect(await rejection(withKey().readAp('ap-99'))).toMatchObject({
      type: 'UnknownAp',
      details: { apId: 'ap-99' },
    });
  });
});

describe('OpenWiFi adapter: answers it cannot trust, pauses it is asked for', () => {
  /** An adapter that has read once (its neighbour graph built): one read is then three calls at once. */
  async function warm() {
    const controller = withKey();
    await controller.readAp('ap-01');
    return controller;
  }
  /** The other calls of a read that failed early are let finish before the next fault is injected. */
  const settled = () => new Promise((r) => setTimeout(r, 200));

  it('fails an answer of the wrong shape as a non-retryable protocol error naming the field', async () => {
    const controller = await warm();
    await simPost(sim.url, '/v1/inject/openwifi', { kind: 'malformed' });
    const err = await rejection(createControllerActivities(controller).readAp('ap-01'));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'ControllerProtocol', nonRetryable: true });
    expect(err.message).toMatch(/unexpected shape: (serialNumber|UUID|configuration|connected)/);
  });

  it('waits as long as a 429 says before trying again (ControllerBusy, retried by the activity)', async () => {
    const controller = await warm();
    await simPost(sim.url, '/v1/inject/openwifi', { kind: 'rate_limited', retryAfterS: 7 });
    const err = await rejection(controller.readAp('ap-01'));
    expect(err).toBeInstanceOf(ControllerBusy);
    expect((err as ControllerBusy).retryAfterMs).toBe(7_000);
    await settled();
    await simPost(sim.url, '/v1/inject/openwifi', { kind: 'rate_limited', retryAfterS: 2 });
    const failure = await rejection(createControllerActivities(controller).readAp('ap-01'));
    expect(failure).toMatchObject({ type: 'ControllerBusy', nonRetryable: false, nextRetryDelay: 2_000 });
    await settled();
    expect((await controller.readAp('ap-01')).apId).toBe('ap-01');
  });

  it('takes a device busy with another command as a pause, not a refusal', async () => {
    await simPost(sim.url, '/v1/inject/openwifi', { kind: 'device_busy' });
    const err = await rejection(move(withKey(), { txPowerDbm: 12 }));
    expect(err).toBeInstanceOf(ControllerBusy);
    expect(err).not.toBeInstanceOf(ControllerError);
  });
});

describe('OpenWiFi adapter: what it reads', () => {
  it('reads an AP as the native API does: radios, clients, neighbours', async () => {
    const viaGateway = await withKey().readAp('ap-05');
    const native = await getAp(sim.url, 'ap-05');
    expect(viaGateway.neighbors).toEqual(native.neighbors);
    for (const radio of ['2g', '5g'] as const) {
      const {
        band: _band,
        version: _version,
        ...fields
      } = native.radios[radio]! as (typeof native.radios)['5g'] & {
        band?: string;
      };
      // Versions differ by kind: the gateway's is a digest of the radio's configuration section.
      expect(viaGateway.radios[radio]).toEqual({ ...fields, version: expect.any(Number) });
    }
  });

  it('raises radar from the DFS-RADAR-DETECTED lines a device logs, and a disconnected device as a failure', async () => {
    await simPost(sim.url, '/v1/inject/radar', { channel: 52 });
    await simPost(sim.url, '/v1/inject/ap-failure', { apId: 'ap-09' });
    const detections = await withKey().readDetections();
    const native = (await (await fetch(`${sim.url}/v1/sensing`)).json()) as {
      detections: { kind: string; apId: string }[];
    };
    const radar = (list: { kind: string; apId: string }[]) =>
      list
        .filter((d) => d.kind === 'radar')
        .map((d) => d.apId)
        .sort();
    expect(radar(detections)).toEqual(radar(native.detections));
    expect(radar(detections).length).toBeGreaterThan(0);
    expect(detections).toContainEqual(expect.objectContaining({ kind: 'hw_failure', apId: 'ap-09' }));
  });
});

function gatewayGet(path: string) {
  return fetch(`${sim.openWifi.gatewayUrl}${path}`, { headers: { 'X-API-KEY': sim.openWifi.apiKey } });
}
