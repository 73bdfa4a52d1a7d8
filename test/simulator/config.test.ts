// Configuration changes through the simulated controller: idempotency by changeId,
// compare-and-set by version, the controller's refusals, faults and AP failures.
import type { ConfigResult } from '../../simulator/types';
import {
  changeRadio,
  getAp,
  getChanges,
  simPost,
  simRequest,
  type SimErrorBody,
  type SimResponse,
  useBuiltInSimulator,
} from '../support/sim-client';

describe('simulator config changes', () => {
  const sim = useBuiltInSimulator();

  const post = (
    apId: string,
    body: unknown,
    radio = '5g',
  ): Promise<SimResponse<ConfigResult & SimErrorBody>> =>
    simRequest(sim.url, 'POST', `/v1/aps/${apId}/radios/${radio}/config`, body);

  /** Asserts a refusal that names the field and left the AP untouched. */
  async function expectRefused(
    apId: string,
    res: SimResponse<SimErrorBody>,
    status: number,
    error: string,
    field?: string,
  ): Promise<void> {
    expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
    if (field) expect(res.body.message).toContain(field);
    const ap = await getAp(sim.url, apId);
    expect(ap.version).toBe(1);
    expect(await getChanges(sim.url, apId)).toEqual([]);
  }

  it('applies a change, bumps the version and records it in the change log', async () => {
    const before = Date.now();
    const res = await post('ap-03', { changeId: 'c-1', expectedVersion: 1, changes: { channel: 36 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      apId: 'ap-03',
      radio: '5g',
      changeId: 'c-1',
      version: 2,
      duplicate: false,
    });
    expect(res.body.previous).toMatchObject({ channel: 44, width: 40 });
    expect(res.body.current).toMatchObject({
      channel: 36,
      width: 40,
      txPowerDbm: res.body.previous.txPowerDbm,
    });
    const ap = await getAp(sim.url, 'ap-03');
    expect(ap.version).toBe(2);
    expect(ap.radios['5g']!.channel).toBe(36);
    const log = await getChanges(sim.url, 'ap-03');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      changeId: 'c-1',
      radio: '5g',
      version: 2,
      previous: { channel: 44 },
      current: { channel: 36 },
    });
    expect(Date.parse(log[0].appliedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(log[0].appliedAt)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('is idempotent by changeId: a replay returns the original response and changes nothing', async () => {
    const body = { changeId: 'c-dup', expectedVersion: 1, changes: { channel: 36 } };
    const first = await post('ap-03', body);
    const replay = await post('ap-03', body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ...first.body, duplicate: true });
    expect((await getAp(sim.url, 'ap-03')).version).toBe(2);
    expect(await getChanges(sim.url, 'ap-03')).toHaveLength(1);

    // Even after the version moved on, the replay still answers with the original outcome.
    expect(
      (await post('ap-03', { changeId: 'c-next', expectedVersion: 2, changes: { channel: 149 } })).status,
    ).toBe(200);
    const late = await post('ap-03', body);
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ duplicate: true, version: 2, current: { channel: 36 } });
    const ap = await getAp(sim.url, 'ap-03');
    expect(ap.version).toBe(3);
    expect(ap.radios['5g']!.channel).toBe(149);
  });

  it('refuses a changeId already used on another AP', async () => {
    await post('ap-03', { changeId: 'c-shared', expectedVersion: 1, changes: { channel: 36 } });
    const res = await post('ap-01', { changeId: 'c-shared', expectedVersion: 1, changes: { channel: 44 } });
    await expectRefused('ap-01', res, 409, 'change_id_conflict', 'changeId');
  });

  it('compare-and-set: a stale expectedVersion gets 409 with the current version', async () => {
    await post('ap-03', { changeId: 'c-a', expectedVersion: 1, changes: { txPowerDbm: 18 } });
    const res = await post('ap-03', { changeId: 'c-b', expectedVersion: 1, changes: { channel: 36 } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'version_conflict', currentVersion: 2 });
    expect(res.body.message).toContain('expectedVersion');
    const ap = await getAp(sim.url, 'ap-03');
    expect(ap.version).toBe(2);
    expect(ap.radios['5g']!.channel).toBe(44);
    // The refused changeId was not applied, so it can be used once the caller has caught up.
    expect(
      (await post('ap-03', { changeId: 'c-b', expectedVersion: 2, changes: { channel: 36 } })).status,
    ).toBe(200);
  });

  it('refuses channels the band and domain do not permit (422 invalid_channel naming the field)', async () => {
    await expectRefused(
      'ap-03',
      await changeRadio(sim.url, 'ap-03', { channel: 165, width: 80 }),
      422,
      'invalid_channel',
      'changes.channel',
    );
    await expectRefused(
      'ap-03',
      await changeRadio(sim.url, 'ap-03', { channel: 14 }),
      422,
      'invalid_channel',
    );
    await expectRefused(
      'ap-03',
      await changeRadio(sim.url, 'ap-03', { channel: 13 }, { radio: '2g' }),
      422,
      'invalid_channel',
    );
    // Width alone: 149 has no 160 MHz channel.
    await expectRefused(
      'ap-04',
      await changeRadio(sim.url, 'ap-04', { width: 160 }),
      422,
      'invalid_channel',
      'changes.width',
    );
  });

  it('refuses a channel with radar on any bonded sub-channel while the radar lasts', async () => {
    await simPost(sim.url, '/v1/inject/radar', { channel: 104 });
    await expectRefused(
      'ap-03',
      await changeRadio(sim.url, 'ap-03', { channel: 104, width: 20 }),
      422,
      'channel_unavailable',
      'changes.channel',
    );
    // 100/80 bonds 100-112: radar on 104 closes it all.
    await expectRefused(
      'ap-03',
      await changeRadio(sim.url, 'ap-03', { channel: 100, width: 80 }),
      422,
      'channel_unavailable',
    );
    expect((await changeRadio(sim.url, 'ap-03', { channel: 116, width: 80 })).status).toBe(200);

    const cleared = await simRequest<{ radarChannels: number[] }>(sim.url, 'DELETE', '/v1/inject/radar/104');
    expect(cleared.body.radarChannels).toEqual([]);
    expect((await changeRadio(sim.url, 'ap-03', { channel: 100, width: 80 })).status).toBe(200);
  });

  it('injects radar only on DFS channels', async () => {
    const res = await simRequest<SimErrorBody>(sim.url, 'POST', '/v1/inject/radar', { channel: 36 });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('invalid_channel');
  });

  it('refuses OBSS-PD outside −82…−62 dBm', async () => {
    for (const obssPdDbm of [-60, -83]) {
      const res = await changeRadio<SimErrorBody>(sim.url, 'ap-03', { obssPdDbm, txPowerDbm: 5 });
      await expectRefused('ap-03', res, 422, 'invalid_obss_pd', 'changes.obssPdDbm');
    }
  });

  it('enforces the 1:1 TX power cap and the 0-30 dBm range', async () => {
    // ap-03 runs 17 dBm. The cap is 21 dBm at OBSS-PD −82 and drops 1 dB per dB: 15 dBm at −76.
    const raiseOnly = await changeRadio<SimErrorBody>(sim.url, 'ap-03', { obssPdDbm: -76 });
    await expectRefused('ap-03', raiseOnly, 422, 'invalid_obss_pd', 'changes.obssPdDbm');
    expect(raiseOnly.body.maxTxPowerDbm).toBe(15);

    const tooLoud = await changeRadio<SimErrorBody>(sim.url, 'ap-03', { obssPdDbm: -76, txPowerDbm: 16 });
    await expectRefused('ap-03', tooLoud, 422, 'invalid_tx_power', 'changes.txPowerDbm');
    expect(tooLoud.body.maxTxPowerDbm).toBe(15);

    for (const txPowerDbm of [22, 31, -1]) {
      const res = await changeRadio<SimErrorBody>(sim.url, 'ap-03', { txPowerDbm });
      await expectRefused('ap-03', res, 422, 'invalid_tx_power', 'changes.txPowerDbm');
    }

    const ok = await changeRadio<ConfigResult>(sim.url, 'ap-03', { obssPdDbm: -76, txPowerDbm: 15 });
    expect(ok.status).toBe(200);
    expect(ok.body.current).toMatchObject({ obssPdDbm: -76, txPowerDbm: 15 });
    // With OBSS-PD at −76, raising TX power back is capped too; lowering OBSS-PD frees it.
    expect((await changeRadio<SimErrorBody>(sim.url, 'ap-03', { txPowerDbm: 17 })).body.error).toBe(
      'invalid_tx_power',
    );
    expect((await changeRadio(sim.url, 'ap-03', { obssPdDbm: -82, txPowerDbm: 21 })).status).toBe(200);
  });

  it('answers 400 invalid_request naming each bad field of a malformed body', async () => {
    const cases: Array<[unknown, string]> = [
      [{ expectedVersion: 1, changes: { channel: 36 } }, 'changeId'],
      [{ changeId: 'x', expectedVersion: '1', changes: { channel: 36 } }, 'expectedVersion'],
      [{ changeId: 'x', expectedVersion: 1, changes: { width: 30 } }, 'changes.width'],
      [{ changeId: 'x', expectedVersion: 1, changes: { channel: 'thirty-six' } }, 'changes.channel'],
      [{ changeId: 'x', expectedVersion: 1, changes: {} }, 'changes'],
      [{ changeId: 'x', expectedVersion: 1, changes: { power: 3 } }, 'changes'],
      ['{"changeId": ', 'body'],
    ];
    for (const [body, path] of cases) {
      const res = await post('ap-03', body);
      expect({ body, status: res.status, error: res.body.error }).toEqual({
        body,
        status: 400,
        error: 'invalid_request',
      });
      expect(res.body.issues!.map((i) => i.path)).toContain(path);
      expect(res.body.message).toContain(path);
    }
    expect(
      (await post('ap-03', { changeId: 'x', expectedVersion: 1, changes: { power: 3 } })).body.message,
    ).toContain('power');
    expect((await getAp(sim.url, 'ap-03')).version).toBe(1);
  });

  it('fails the next N config POSTs while a controller fault is injected', async () => {
    await simPost(sim.url, '/v1/inject/controller-fault', { mode: 'unreachable', count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await post('ap-03', { changeId: `f-${i}`, expectedVersion: 1, changes: { channel: 36 } });
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('controller_unreachable');
    }
    expect((await getAp(sim.url, 'ap-03')).version).toBe(1);
    // The fault is used up; the same changeId can now go through.
    expect(
      (await post('ap-03', { changeId: 'f-0', expectedVersion: 1, changes: { channel: 36 } })).status,
    ).toBe(200);

    await simPost(sim.url, '/v1/inject/controller-fault', { mode: 'refuse', count: 1 });
    const refused = await post('ap-03', { changeId: 'f-r', expectedVersion: 2, changes: { channel: 44 } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('controller_refused');
    expect((await getAp(sim.url, 'ap-03')).version).toBe(2);

    await simPost(sim.url, '/v1/inject/controller-fault', { mode: 'unreachable', count: 5 });
    await simRequest(sim.url, 'DELETE', '/v1/inject/controller-fault');
    expect(
      (await post('ap-03', { changeId: 'f-r', expectedVersion: 2, changes: { channel: 44 } })).status,
    ).toBe(200);
  });

  it('answers 503 ap_down for metrics, scan and config of a failed AP, until it recovers', async () => {
    const down = await simPost<{ status: string }>(sim.url, '/v1/inject/ap-failure', { apId: 'ap-02' });
    expect(down.status).toBe('DOWN');
    expect((await getAp(sim.url, 'ap-02')).status).toBe('DOWN');
    for (const path of ['/v1/aps/ap-02/radios/5g/metrics', '/v1/aps/ap-02/radios/5g/scan']) {
      const res = await simRequest<SimErrorBody>(sim.url, 'GET', path);
      expect({ path, status: res.status, error: res.body.error }).toEqual({
        path,
        status: 503,
        error: 'ap_down',
      });
    }
    const config = await post('ap-02', { changeId: 'd-1', expectedVersion: 1, changes: { channel: 116 } });
    expect(config.status).toBe(503);
    expect(config.body.error).toBe('ap_down');

    await simRequest(sim.url, 'DELETE', '/v1/inject/ap-failure/ap-02');
    expect((await getAp(sim.url, 'ap-02')).status).toBe('UP');
    expect((await simRequest(sim.url, 'GET', '/v1/aps/ap-02/radios/5g/metrics')).status).toBe(200);
    expect(
      (await post('ap-02', { changeId: 'd-1', expectedVersion: 1, changes: { channel: 116 } })).status,
    ).toBe(200);
  });
});
