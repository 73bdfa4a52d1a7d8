// `rrm stats`: events by type and outcome, pending and monitored events, actions executed and rolled
// back (the audit part needs DATABASE_URL).
import type { Command } from 'commander';
import { collectStats } from '../library';
import { printStats } from './format';
import { printJson, wantsJson, withClient, withOptionalPool } from './runtime';

export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description('events by type and outcome, pending and monitored events, actions and rollbacks')
    .option(
      '--all-queues',
      "count every task queue's events in the namespace, not only TEMPORAL_TASK_QUEUE's",
    )
    .action(async (opts: { allQueues?: boolean }, command: Command) =>
      // Counted from visibility and the audit store: no worker needed.
      withClient(
        (rrm, config) =>
          withOptionalPool(config, async (pool) => {
            const taskQueue = opts.allQueues ? undefined : config.temporal.taskQueue;
            const stats = await collectStats(rrm.client, pool, { taskQueue });
            return wantsJson(command) ? printJson(stats) : printStats(stats);
          }),
        { needsWorker: false },
      ),
    );
}
