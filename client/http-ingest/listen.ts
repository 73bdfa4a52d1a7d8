// Where and how the HTTP ingest listens, from its environment. Closed by default: on 127.0.0.1 unless
// RRM_HTTP_HOST opens it, HTTPS when given a certificate and its key, and never without a token
// unless RRM_INGEST_ALLOW_ANONYMOUS=1 asks for an API open to anyone by name.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { z } from 'zod';
import { credentialsFromEnv, hasCredentials, type IngestCredentials } from './auth';
import { parseEnv } from '../../config/parse-env';

export interface IngestTls {
  cert: Buffer;
  key: Buffer;
}

export interface IngestListen {
  port: number;
  host: string;
  /** HTTPS with this certificate and key; plain HTTP when absent. */
  tls?: IngestTls;
}

export interface IngestSettings {
  listen: IngestListen;
  credentials: IngestCredentials;
  /** No token, and RRM_INGEST_ALLOW_ANONYMOUS=1: every route is open to anyone who reaches it. */
  anonymous: boolean;
}

const ListenEnvSchema = z.object({
  RRM_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  RRM_HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  RRM_INGEST_ALLOW_ANONYMOUS: z.enum(['0', '1'], { error: 'must be 1 (open to anyone) or 0' }).default('0'),
});

/** The ingest's settings, or an error naming the variable that stops it from starting. */
export function ingestSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): IngestSettings {
  const {
    RRM_HTTP_PORT: port,
    RRM_HTTP_HOST: host,
    RRM_INGEST_ALLOW_ANONYMOUS: allow,
  } = parseEnv(ListenEnvSchema, env);
  const credentials = credentialsFromEnv(env);
  const anonymous = !hasCredentials(credentials);
  if (anonymous && allow !== '1') {
    throw new Error(
      'no token: set RRM_INGEST_TOKEN or RRM_INGEST_OPERATOR_TOKENS, ' +
        'or RRM_INGEST_ALLOW_ANONYMOUS=1 for an ingest API open to anyone',
    );
  }
  return { listen: { port, host, tls: tlsFromEnv(env) }, credentials, anonymous };
}

/** RRM_INGEST_TLS_CERT and RRM_INGEST_TLS_KEY: PEM files, both or neither. */
function tlsFromEnv(env: NodeJS.ProcessEnv): IngestTls | undefined {
  const certFile = env.RRM_INGEST_TLS_CERT?.trim();
  const keyFile = env.RRM_INGEST_TLS_KEY?.trim();
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    const missing = certFile ? 'RRM_INGEST_TLS_KEY' : 'RRM_INGEST_TLS_CERT';
    throw new Error(
      `${missing} is not set: HTTPS needs both RRM_INGEST_TLS_CERT and RRM_INGEST_TLS_KEY (neither: plain HTTP)`,
    );
  }
  const tls = { cert: readPem(certFile, 'RRM_INGEST_TLS_CERT'), key: readPem(keyFile, 'RRM_INGEST_TLS_KEY') };
  // Checked here, so a bad pair stops the start with the variables named, not an OpenSSL code alone.
  try {
    createSecureContext(tls);
  } catch (err) {
    throw new Error(
      `RRM_INGEST_TLS_CERT and RRM_INGEST_TLS_KEY are not a PEM certificate and its private key: ${(err as Error).message}`,
    );
  }
  return tls;
}

function readPem(file: string, variable: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}
