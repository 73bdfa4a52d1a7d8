// `rrm`: the operator CLI (docs/operator-surfaces.md). Every command exits non-zero with a one-line reason on
// failure; `--json` prints machine-readable output.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { eventJsonSchema } from '../../domain/events';
import { collectFloor, InvalidEventsError, parseEventText, validateEvents } from '../library';
import { printApState, printFloor, printStatus, printSubmitted } from './format';
import { registerAuditCommands } from './audit-commands';
import { registerOperatorCommands } from './operator-commands';
import { explainDatabaseFailure } from './failures';
import { printJson, useRunningStack, withClient } from './runtime';
import { registerStatsCommand } from './stats-command';
import { controllerUrlOf } from '../../config/controller';
import { connectController } from '../../activities/controller/connect';

const program = new Command('rrm')
  .description('RRM Event Loop operator CLI')
  .option('--json', 'machine-readable JSON output')
  .showHelpAfterError()
  .exitOverride();

const json = (): boolean => Boolean(program.opts().json);

program
  .command('submit')
  .description('submit events from a file or stdin: one JSON event, a JSON array, or NDJSON')
  .argument('[file]', 'file to read, or - for stdin', '-')
  .option('--wait', 'wait for every event to finish and print its outcome')
  .action(async (file: string, opts: { wait?: boolean }) => {
    const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    // Field errors before any connection: a bad file gets the same answer with Temporal down.
    const events = validateEvents(parseEventText(text));
    // Submitted events wait durably for a worker; only waiting for their outcomes needs one now.
    await withClient(
      async (rrm) => {
        const submitted = await rrm.startAll(events);
        if (!opts.wait) return json() ? printJson(submitted) : printSubmitted(submitted);
        const results = await Promise.all(submitted.map((s) => rrm.result(s.eventId)));
        if (json()) return printJson(results);
        results.forEach(printStatus);
        if (results.some((r) => r.outcome === 'FAILED')) process.exitCode = 1;
      },
      { needsWorker: Boolean(opts.wait) },
    );
  });

program
  .command('status')
  .description("an event's stage, outcome and changes")
  .argument('<eventId>')
  .action(async (eventId: string) =>
    withClient(async (rrm) => {
      const status = await rrm.status(eventId);
      return json() ? printJson(status) : printStatus(status);
    }),
  );

program
  .command('ap')
  .description("an AP's turn: holder, queue, cooldown, closed channels")
  .argument('<apId>')
  .action(async (apId: string) =>
    withClient(async (rrm) => {
      const state = await rrm.apState(apId);
      return json() ? printJson(state) : printApState(state);
    }),
  );

registerOperatorCommands(program);
registerStatsCommand(program);

registerAuditCommands(program);

program
  .command('floor')
  .description('every AP and radio: channel, power, clients, who holds or watches it, its queue and closures')
  .option('--watch [seconds]', 'redraw every few seconds (default 2) until Ctrl-C', parseSeconds)
  .action(async (opts: { watch?: number | true }) =>
    withClient(async (rrm, config) => {
      const show = async () => {
        const floor = await collectFloor(
          rrm,
          connectController(config.controller),
          controllerUrlOf(config.controller),
        );
        if (json()) return printJson(floor);
        if (opts.watch) process.stdout.write('\x1b[2J\x1b[H'); // clear the screen, cursor home
        printFloor(floor);
      };
      await show();
      const every = opts.watch === true ? 2 : opts.watch;
      while (every) {
        await new Promise((r) => setTimeout(r, every * 1000));
        await show();
      }
    }),
  );

program
  .command('schema')
  .description('print the JSON Schema of the event contract')
  .action(() => {
    process.stdout.write(`${JSON.stringify(eventJsonSchema(), null, 2)}\n`);
  });

Promise.resolve()
  .then(() => {
    useRunningStack();
    return program.parseAsync(process.argv);
  })
  .catch((err: unknown) => {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    process.stderr.write(`rrm: ${errorLine(explainDatabaseFailure(err, process.env.DATABASE_URL))}\n`);
    process.exit(1);
  });

/** The failure as `rrm: …` shows it: one line, except the per-event list of an invalid batch. */
function errorLine(err: unknown): string {
  if (err instanceof InvalidEventsError) return `invalid input:\n${err.message}`;
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1) throw new InvalidArgumentError('must be a number of seconds, 1 or more');
  return n;
}
