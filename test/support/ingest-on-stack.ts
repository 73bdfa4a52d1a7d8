// The HTTP ingest in front of a test stack, with a shared token and Alice's operator token.
import { buildIngestServer, type IngestServer } from '../../client/http-ingest/server';
import type { Stack } from './stack';

export const TOKEN = 'test-token';
export const ALICE_TOKEN = 'alice-operator-token-1';

export interface IngestOnStack {
  server: IngestServer;
  /** e.g. `http://127.0.0.1:41234` */
  base: string;
}

export async function ingestOnStack(
  stack: Stack,
  opts: { processMetrics?: boolean } = {},
): Promise<IngestOnStack> {
  const server = buildIngestServer({
    rrm: stack.rrm,
    credentials: { sharedToken: TOKEN, operatorTokens: new Map([['alice', ALICE_TOKEN]]) },
    taskQueue: stack.taskQueue,
    ...opts,
  });
  return { server, base: await server.listen({ port: 0, host: '127.0.0.1' }) };
}
