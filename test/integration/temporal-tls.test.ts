// Temporal behind mutual TLS, reached the Temporal way: the worker's connections and the `rrm` CLI
// take their settings from Temporal's environment configuration (TEMPORAL_ADDRESS, TEMPORAL_TLS_*),
// as the `temporal` CLI does. The frontend is the dev server behind a TLS-terminating proxy that
// requires a client certificate of a CA made with openssl for this test (test/support/proxy.ts, tls.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../config/env';
import type { EventStatus } from '../../workflows/contract';
import { runCli } from '../support/cli';
import { harmlessEvent } from '../support/scenarios';
import { startStack, type Stack } from '../support/stack';
import { startProxy, type Proxy } from '../support/proxy';
import { makeCertificates, type TestCertificates } from '../support/tls';

describe('Temporal over mTLS, configured as the temporal CLI is', () => {
  let certs: TestCertificates;
  let proxy: Proxy;
  let stack: Stack;
  let nativeConnection: NativeConnection;
  let connection: Connection;

  const tlsEnv = () => ({
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
  });

  beforeAll(async () => {
    certs = makeCertificates();
    proxy = await startProxy(process.env.TEMPORAL_ADDRESS!, certs);
    // The worker's connections, made from the environment exactly as `npm run worker` makes them.
    const { connection: settings, namespace } = loadConfig(tlsEnv()).temporal;
    expect(settings.tls).toBeTruthy();
    nativeConnection = await NativeConnection.connect(settings);
    connection = await Connection.connect(settings);
    stack = await startStack({
      temporal: { nativeConnection, client: new Client({ connection, namespace }), namespace },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await nativeConnection?.close();
    await connection?.close();
    await proxy?.close();
    certs?.remove();
  });

  it('runs events through the TLS frontend: the worker acts, the CLI submits and reads back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rrm-tls-')), 'event.json');
    writeFileSync(file, JSON.stringify(await harmlessEvent(stack, stack.ap('ap-03'))));
    const env = { ...tlsEnv(), TEMPORAL_TASK_QUEUE: stack.taskQueue };

    const submitted = await runCli(['--json', 'submit', file, '--wait'], env);
    expect(submitted).toMatchObject({ code: 0, stderr: '' });
    const [done] = JSON.parse(submitted.stdout) as EventStatus[];
    expect(done).toMatchObject({ outcome: 'NO_ACTION', stage: 'done' });

    const status = await runCli(['--json', 'status', done.eventId], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ eventId: done.eventId, outcome: 'NO_ACTION' });
  });

  it('refuses a client without its certificate, and the CLI says where it could not connect', async () => {
    const refusedBefore = proxy.refused;
    const {
      TEMPORAL_TLS_CLIENT_CERT_PATH: _cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: _key,
      ...noClientCert
    } = tlsEnv();
    const res = await runCli(['status', 'no-such-event'], {
      ...noClientCert,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`rrm: Temporal unreachable at ${proxy.address}`);
    expect(res.stderr).toContain('TEMPORAL_TLS_');
    expect(proxy.refused).toBeGreaterThan(refusedBefore);
  });
});
