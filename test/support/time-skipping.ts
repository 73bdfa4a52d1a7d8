// Temporal's time-skipping test server, from the pinned binary `npm test` installs (never
// downloaded), with the project's search attributes registered as the dev server has them.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { searchAttributes } from '../../workflows/contract';
import type { Submitted } from '../../client/library';
import { startStack, type Stack, type StackOptions } from './stack';

export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER is not set: run the tests with `npm test`');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.values(searchAttributes).map((key) => [key.name, keyword])),
  });
  return env;
}

export interface TimeSkippingStack {
  env: TestWorkflowEnvironment;
  stack: Stack;
  /** Submits with the test server's clock as the ingest time, so events are fresh in skipped time. */
  submitNow(events: unknown[]): Promise<Submitted[]>;
}

export interface TimeSkippingStackOptions extends Omit<StackOptions, 'temporal' | 'simClock'> {
  /**
   * The controller keeps the wall clock instead of the test server's (default false): skipped time
   * then passes for the workflows only, e.g. a client surge stays in the controller's trailing
   * minute of associations however long the test skips.
   */
  controllerOnWallClock?: boolean;
}

/** The real stack on the time-skipping server, started before the file's tests and stopped after. */
export function useTimeSkippingStack(options: TimeSkippingStackOptions = {}): TimeSkippingStack {
  const ctx = {} as TimeSkippingStack;
  beforeAll(async () => {
    ctx.env = await startTimeSkipping();
    // The controller lives on the test server's clock: a CAC passes in skipped time as the windows do.
    let serverNow = await ctx.env.currentTimeMs();
    const simClock = {
      clock: () => new Date(serverNow),
      syncClock: async () => void (serverNow = await ctx.env.currentTimeMs()),
    };
    const { controllerOnWallClock, ...stackOptions } = options;
    ctx.stack = await startStack({
      ...stackOptions,
      simClock: controllerOnWallClock ? undefined : simClock,
      temporal: {
        nativeConnection: ctx.env.nativeConnection,
        client: ctx.env.client,
        namespace: ctx.env.namespace ?? 'default',
      },
    });
  });
  afterAll(async () => {
    await ctx.stack?.stop();
    await ctx.env?.teardown();
  });
  ctx.submitNow = async (events) => ctx.stack.rrm.submit(events, new Date(await ctx.env.currentTimeMs()));
  return ctx;
}
