// Closed by default: the HTTP ingest's listen settings (client/http-ingest/listen.ts) and the worker's
// metrics endpoint (workers/metrics.ts) open nothing unless told to by name.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { ingestSettingsFromEnv } from '../../client/http-ingest/listen';
import { metricsHost, serveMetrics } from '../../workers/metrics';
import { makeCertificates, type TestCertificates } from '../support/tls';

describe('the HTTP ingest is closed unless opened', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeCertificates();
  });
  afterAll(() => certs?.remove());

  const withToken = { RRM_INGEST_TOKEN: 's3cret' };

  it('refuses to start without a token, naming the ways to give one', () => {
    expect(() => ingestSettingsFromEnv({})).toThrow(
      'no token: set RRM_INGEST_TOKEN or RRM_INGEST_OPERATOR_TOKENS, or RRM_INGEST_ALLOW_ANONYMOUS=1',
    );
    expect(() => ingestSettingsFromEnv({ RRM_INGEST_ALLOW_ANONYMOUS: '0' })).toThrow(/^no token/);
  });

  it('starts open to anyone only when RRM_INGEST_ALLOW_ANONYMOUS=1 asks for it', () => {
    expect(ingestSettingsFromEnv({ RRM_INGEST_ALLOW_ANONYMOUS: '1' })).toMatchObject({ anonymous: true });
    expect(ingestSettingsFromEnv({ ...withToken, RRM_INGEST_ALLOW_ANONYMOUS: '1' })).toMatchObject({
      anonymous: false,
      credentials: { sharedToken: 's3cret' },
    });
    expect(() => ingestSettingsFromEnv({ RRM_INGEST_ALLOW_ANONYMOUS: 'yes' })).toThrow(
      'invalid environment: RRM_INGEST_ALLOW_ANONYMOUS: must be 1 (open to anyone) or 0',
    );
  });

  it('listens on 127.0.0.1:8080 over plain HTTP unless told otherwise', () => {
    expect(ingestSettingsFromEnv(withToken).listen).toEqual({
      port: 8080,
      host: '127.0.0.1',
      tls: undefined,
    });
    expect(
      ingestSettingsFromEnv({ ...withToken, RRM_HTTP_HOST: '0.0.0.0', RRM_HTTP_PORT: '9090' }).listen,
    ).toMatchObject({ port: 9090, host: '0.0.0.0' });
  });

  it('serves HTTPS with a certificate and its key', () => {
    const { tls } = ingestSettingsFromEnv({
      ...withToken,
      RRM_INGEST_TLS_CERT: certs.serverCert,
      RRM_INGEST_TLS_KEY: certs.serverKey,
    }).listen;
    expect(tls?.cert.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(tls?.key.toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it.each([
    ['RRM_INGEST_TLS_KEY', { RRM_INGEST_TLS_CERT: 'cert.pem' }],
    ['RRM_INGEST_TLS_CERT', { RRM_INGEST_TLS_KEY: 'key.pem' }],
  ])('names %s when only the other half of the TLS pair is set', (missing, half) => {
    expect(() => ingestSettingsFromEnv({ ...withToken, ...half })).toThrow(
      `${missing} is not set: HTTPS needs both RRM_INGEST_TLS_CERT and RRM_INGEST_TLS_KEY (neither: plain HTTP)`,
    );
  });

  it('names the variable of a file it cannot read, and a key that is not the certificate’s', () => {
    const absent = join(certs.dir, 'absent.pem');
    expect(() =>
      ingestSettingsFromEnv({
        ...withToken,
        RRM_INGEST_TLS_CERT: certs.serverCert,
        RRM_INGEST_TLS_KEY: absent,
      }),
    ).toThrow(`RRM_INGEST_TLS_KEY: cannot read ${absent} (ENOENT)`);
    expect(() =>
      ingestSettingsFromEnv({
        ...withToken,
        RRM_INGEST_TLS_CERT: certs.serverCert,
        RRM_INGEST_TLS_KEY: certs.clientKey,
      }),
    ).toThrow(/^RRM_INGEST_TLS_CERT and RRM_INGEST_TLS_KEY are not a PEM certificate and its private key: /);
  });
});

describe('the worker metrics are closed unless opened', () => {
  it('listen on 127.0.0.1 unless RRM_METRICS_HOST says otherwise', async () => {
    expect(metricsHost({})).toBe('127.0.0.1');
    expect(metricsHost({ RRM_METRICS_HOST: '0.0.0.0' })).toBe('0.0.0.0');
    const server = await serveMetrics(0, new Registry(), undefined);
    try {
      const { address, port } = server.address() as AddressInfo;
      expect(address).toBe('127.0.0.1');
      expect(server.url).toBe(`http://127.0.0.1:${port}/metrics`);
    } finally {
      server.close();
    }
  });
});
