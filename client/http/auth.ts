// Bearer-token check of the HTTP ingest (RRM_INGEST_TOKEN): every route but the health check.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** Routes open without a token. */
const OPEN_ROUTES = new Set(['/healthz']);

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function registerBearerAuth(app: FastifyInstance, token: string): void {
  const expected = digest(token);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url && OPEN_ROUTES.has(request.routeOptions.url)) return;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    // Compare digests: constant time, whatever the length of what was sent.
    if (match && timingSafeEqual(digest(match[1]), expected)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="rrm"')
      .send({ error: 'unauthorized', message: 'a valid "Authorization: Bearer <token>" header is required' });
  });
}
