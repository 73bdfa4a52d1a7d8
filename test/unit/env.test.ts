// The environment (config/env.ts): the Temporal connection as Temporal's environment configuration
// reads it (variables, profile, TOML file), and the Worker Versioning pair: both set, the worker joins
// that deployment version; neither, it stays unversioned; one alone stops the process, naming the other.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/env';

describe('loadConfig: the Temporal connection (Temporal environment configuration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rrm-env-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('takes TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE as the temporal CLI does', () => {
    const { temporal } = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'rrm',
    });
    expect(temporal.connection).toEqual({ address: 'temporal.internal:7233' });
    expect(temporal.namespace).toBe('rrm');
  });

  it('turns TLS on for an API key (Temporal Cloud) and passes the key', () => {
    const { temporal } = loadConfig({
      TEMPORAL_ADDRESS: 'rrm.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'rrm.a1b2c',
      TEMPORAL_API_KEY: 'secret-key',
    });
    expect(temporal.connection).toEqual({
      address: 'rrm.a1b2c.tmprl.cloud:7233',
      apiKey: 'secret-key',
      tls: true,
    });
  });

  it('reads mTLS material from the TEMPORAL_TLS_* paths', () => {
    const { temporal } = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem', 'CA'),
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem', 'CERT'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key', 'KEY'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    const tls = temporal.connection.tls as {
      serverNameOverride?: string;
      serverRootCACertificate?: Uint8Array;
      clientCertPair?: { crt: Uint8Array; key: Uint8Array };
    };
    const text = (bytes?: Uint8Array) => Buffer.from(bytes ?? []).toString();
    expect(tls.serverNameOverride).toBe('temporal.internal');
    expect(text(tls.serverRootCACertificate)).toBe('CA');
    expect([text(tls.clientCertPair?.crt), text(tls.clientCertPair?.key)]).toEqual(['CERT', 'KEY']);
  });

  it('reads a profile of the TOML file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE); variables override it', () => {
    const toml = file(
      'temporal.toml',
      ['[profile.prod]', 'address = "prod.internal:7233"', 'namespace = "rrm-prod"', ''].join('\n'),
    );
    const fromFile = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' }).temporal;
    expect([fromFile.connection.address, fromFile.namespace]).toEqual(['prod.internal:7233', 'rrm-prod']);
    const overridden = loadConfig({
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_NAMESPACE: 'rrm-staging',
    }).temporal;
    expect([overridden.connection.address, overridden.namespace]).toEqual([
      'prod.internal:7233',
      'rrm-staging',
    ]);
  });

  it('stops on a TLS file that is not there, saying so', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'missing.pem') })).toThrow(
      /invalid Temporal connection settings: .*missing\.pem/,
    );
  });
});

describe('loadConfig: TEMPORAL_WORKER_DEPLOYMENT and TEMPORAL_WORKER_BUILD_ID', () => {
  it('leaves the worker unversioned when neither is set', () => {
    const { temporal } = loadConfig({});
    expect(temporal).toEqual({
      connection: { address: 'localhost:7233' },
      namespace: 'default',
      taskQueue: 'rrm-event-loop',
    });
    expect(temporal.workerDeployment).toBeUndefined();
  });

  it('reads the deployment version when both are set', () => {
    const { temporal } = loadConfig({
      TEMPORAL_WORKER_DEPLOYMENT: 'rrm',
      TEMPORAL_WORKER_BUILD_ID: '2026.05.1',
    });
    expect(temporal.workerDeployment).toEqual({ deploymentName: 'rrm', buildId: '2026.05.1' });
  });

  it('refuses a deployment name without a build id, naming the missing variable', () => {
    expect(() => loadConfig({ TEMPORAL_WORKER_DEPLOYMENT: 'rrm' })).toThrow(
      'invalid environment: TEMPORAL_WORKER_BUILD_ID: must be set together with TEMPORAL_WORKER_DEPLOYMENT',
    );
  });

  it('refuses a build id without a deployment name, naming the missing variable', () => {
    expect(() => loadConfig({ TEMPORAL_WORKER_BUILD_ID: '2026.05.1' })).toThrow(
      'invalid environment: TEMPORAL_WORKER_DEPLOYMENT: must be set together with TEMPORAL_WORKER_BUILD_ID',
    );
  });

  it('refuses an empty value by name', () => {
    expect(() => loadConfig({ TEMPORAL_WORKER_DEPLOYMENT: '', TEMPORAL_WORKER_BUILD_ID: '1' })).toThrow(
      /TEMPORAL_WORKER_DEPLOYMENT/,
    );
  });
});

describe('loadConfig: the Temporal Web UI the floor page links to', () => {
  it('is the dev server’s by default, and any http(s) address without its trailing slash', () => {
    expect(loadConfig({}).temporalUiUrl).toBe('http://localhost:8233');
    expect(loadConfig({ RRM_TEMPORAL_UI_URL: 'https://temporal.example.org/ui/' }).temporalUiUrl).toBe(
      'https://temporal.example.org/ui',
    );
  });

  it('refuses anything else by name', () => {
    for (const bad of ['localhost:8233', 'javascript:alert(1)', 'http://a b', 'http://x/?q=1'])
      expect(() => loadConfig({ RRM_TEMPORAL_UI_URL: bad })).toThrow(
        'RRM_TEMPORAL_UI_URL: must be an http:// or https:// address',
      );
  });
});
