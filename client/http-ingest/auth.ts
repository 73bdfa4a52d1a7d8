// Bearer tokens of the HTTP ingest: every route but the health check needs one. RRM_INGEST_TOKEN is
// one shared token (the caller names the operator of a control in the body); RRM_INGEST_OPERATOR_TOKENS
// gives each operator a token of their own, and the audit trail then names whoever the token belongs
// to, not whatever a body claims.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type {} from './ui'; // the signInPage route option

declare module 'fastify' {
  interface FastifyRequest {
    /** The operator an operator token authenticated; undefined with the shared token or no auth. */
    operator?: string;
  }
}

export interface IngestCredentials {
  sharedToken?: string;
  /** Operator name → that operator's token. */
  operatorTokens?: ReadonlyMap<string, string>;
}

/** Routes open without a token. */
const OPEN_ROUTES = new Set(['/healthz']);
/** Shorter tokens are guessable. */
const MIN_OPERATOR_TOKEN_LENGTH = 16;
const OPERATOR_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export const hasCredentials = (c: IngestCredentials): boolean =>
  c.sharedToken !== undefined || (c.operatorTokens?.size ?? 0) > 0;

/**
 * RRM_INGEST_OPERATOR_TOKENS: `name:token` pairs separated by commas. Throws one message naming every
 * bad entry (by position, never echoing a token).
 */
export function parseOperatorTokens(text: string): Map<string, string> {
  const tokens = new Map<string, string>();
  const problems: string[] = [];
  const seen = new Set<string>();
  text
    .split(',')
    .map((entry) => entry.trim())
    .forEach((entry, i) => {
      const where = `entry ${i + 1}`;
      const colon = entry.indexOf(':');
      const name = colon < 0 ? entry : entry.slice(0, colon);
      const token = colon < 0 ? '' : entry.slice(colon + 1);
      if (!OPERATOR_NAME.test(name))
        problems.push(`${where}: the operator name must be 1-64 of A-Z a-z 0-9 . _ @ -`);
      else if (tokens.has(name)) problems.push(`${where}: operator "${name}" is listed twice`);
      else if (token.length < MIN_OPERATOR_TOKEN_LENGTH)
        problems.push(
          `${where} (${name}): the token must be at least ${MIN_OPERATOR_TOKEN_LENGTH} characters`,
        );
      else if (seen.has(token)) problems.push(`${where} (${name}): the token is another operator's too`);
      else {
        tokens.set(name, token);
        seen.add(token);
      }
    });
  if (problems.length) throw new Error(`RRM_INGEST_OPERATOR_TOKENS: ${problems.join('; ')}`);
  return tokens;
}

/** The credentials of the environment (RRM_INGEST_TOKEN, RRM_INGEST_OPERATOR_TOKENS). */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): IngestCredentials {
  const sharedToken = env.RRM_INGEST_TOKEN?.trim() || undefined;
  const operators = env.RRM_INGEST_OPERATOR_TOKENS?.trim();
  const operatorTokens = operators ? parseOperatorTokens(operators) : undefined;
  // The shared token would win the match, and its requests would name no operator.
  for (const [name, token] of operatorTokens ?? []) {
    if (token === sharedToken)
      throw new Error(`RRM_INGEST_OPERATOR_TOKENS: the token of ${name} is RRM_INGEST_TOKEN's`);
  }
  return { sharedToken, operatorTokens };
}

export function registerBearerAuth(app: FastifyInstance, credentials: IngestCredentials): void {
  const known = [
    ...(credentials.sharedToken ? [{ digest: digest(credentials.sharedToken), operator: undefined }] : []),
    ...[...(credentials.operatorTokens ?? [])].map(([operator, token]) => ({
      digest: digest(token),
      operator,
    })),
  ];
  app.decorateRequest('operator', undefined);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url && OPEN_ROUTES.has(request.routeOptions.url)) return;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    // Compare digests: constant time, whatever the length of what was sent.
    const sent = match ? digest(match[1]) : undefined;
    const found = sent && known.find((k) => timingSafeEqual(sent, k.digest));
    if (found) {
      request.operator = found.operator;
      return;
    }
    // A page a browser opens (ui.ts): the same 401, carrying the form that asks for the token.
    const page = request.routeOptions.config?.signInPage;
    if (page) {
      return reply
        .code(401)
        .headers(page.headers)
        .header('www-authenticate', 'Bearer realm="rrm"')
        .send(page.body);
    }
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="rrm"')
      .send({ error: 'unauthorized', message: 'a valid "Authorization: Bearer <token>" header is required' });
  });
}
