// The read-only routes the floor page polls beside /v1/floor (docs/operator-surfaces.md): the latest
// events (`GET /v1/events`) and the burst re-plans (`GET /v1/bursts`).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { collectBursts, EventFeed, MAX_FEED_EVENTS, DEFAULT_FEED_EVENTS, type RrmClient } from '../library';
import { BadRequestError } from './errors';

/** `?limit=` : digits only, 1–MAX_FEED_EVENTS; nothing else in the query string. */
const FeedQuerySchema = z
  .object({
    limit: z
      .string({ error: 'must be given once' })
      .regex(/^[0-9]{1,4}$/, `must be a whole number from 1 to ${MAX_FEED_EVENTS}`)
      .transform(Number)
      .pipe(
        z.number().min(1, `must be at least 1`).max(MAX_FEED_EVENTS, `must be at most ${MAX_FEED_EVENTS}`),
      )
      .optional(),
  })
  .strict();

/** `taskQueue`: the deployment's; its events only, and its burstReplan workflow. */
export function registerFeedRoutes(
  app: FastifyInstance,
  rrm: RrmClient,
  taskQueue: string | undefined,
): void {
  const feed = new EventFeed(rrm, taskQueue);
  app.get('/v1/events', async (request) => {
    const { limit = DEFAULT_FEED_EVENTS } = feedQuery(request.query);
    return { events: await feed.latest(limit) };
  });
  app.get('/v1/bursts', async () => collectBursts(rrm, taskQueue ?? rrm.taskQueue));
}

function feedQuery(query: unknown): z.infer<typeof FeedQuerySchema> {
  const parsed = FeedQuerySchema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: key, message: 'is not a known query parameter' }))
      : [{ field: issue.path.map(String).join('.'), message: issue.message }],
  );
  const message = errors.map((e) => `${e.field} ${e.message}`).join('; ');
  throw new BadRequestError(
    'invalid_query',
    `the query string must be ?limit=<1-${MAX_FEED_EVENTS}>: ${message}`,
    errors,
  );
}
