// The HTTP ingest as `npm run ingest` starts it (client/http-ingest/main.ts), closed by default: it
// refuses to start without a token, opens to anyone only when asked by name (and warns), listens on
// 127.0.0.1, and serves HTTPS with a certificate and its key.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { makeCertificates, type TestCertificates } from '../support/tls';

const ROOT = join(__dirname, '..', '..');
const TOKEN = 'closed-by-default-token';

interface Ingest {
  /** Base URL from the ingest's "HTTP ingest listening" log line. */
  url: string;
  output: string;
  stop(): void;
}

/** Starts the ingest process; resolves once it listens, rejects with its output if it exits first. */
function startIngest(env: Record<string, string>): Promise<Ingest> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'client/http-ingest/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      RRM_HTTP_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /"url":"([^"]+)"[^\n]*"msg":"HTTP ingest listening"/.exec(output);
      if (!listening) return;
      clearTimeout(timeout);
      resolve({ url: listening[1], output, stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timeout);
      reject(Object.assign(new Error(`the ingest exited with ${code}`), { code, output }));
    });
  });
}

/** GET over HTTPS, trusting the test CA only. */
function getHttps(url: string, ca: Buffer, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    request(url, { ca, headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    })
      .on('error', reject)
      .end();
  });
}

describe('the HTTP ingest process is closed by default', () => {
  let certs: TestCertificates;
  const running: Ingest[] = [];
  beforeAll(() => {
    certs = makeCertificates();
  });
  afterAll(() => {
    running.forEach((ingest) => ingest.stop());
    certs?.remove();
  });
  const started = async (env: Record<string, string>) => {
    const ingest = await startIngest(env);
    running.push(ingest);
    return ingest;
  };

  it('refuses to start without a token', async () => {
    const failure = (await startIngest({}).catch((err: unknown) => err)) as { code: number; output: string };
    expect(failure.code).toBe(1);
    expect(failure.output).toContain(
      'no token: set RRM_INGEST_TOKEN or RRM_INGEST_OPERATOR_TOKENS, or RRM_INGEST_ALLOW_ANONYMOUS=1',
    );
  });

  it('opens to anyone when RRM_INGEST_ALLOW_ANONYMOUS=1 asks for it, on 127.0.0.1, with a warning', async () => {
    const ingest = await started({ RRM_INGEST_ALLOW_ANONYMOUS: '1' });
    expect(ingest.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ingest.output).toContain('the ingest API is open to anyone who reaches it');
    expect((await fetch(`${ingest.url}/v1/schema`)).status).toBe(200);
  });

  it('serves HTTPS with a certificate and its key, the token still required', async () => {
    const ingest = await started({
      RRM_INGEST_TOKEN: TOKEN,
      RRM_INGEST_TLS_CERT: certs.serverCert,
      RRM_INGEST_TLS_KEY: certs.serverKey,
    });
    expect(ingest.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(certs.caCert);
    expect(await getHttps(`${ingest.url}/healthz`, ca)).toBe(200);
    expect(await getHttps(`${ingest.url}/v1/schema`, ca)).toBe(401);
    expect(await getHttps(`${ingest.url}/v1/schema`, ca, TOKEN)).toBe(200);
    // Plain HTTP is not served on the HTTPS port.
    await expect(fetch(`${ingest.url.replace('https:', 'http:')}/healthz`)).rejects.toThrow();
  });
});
