// Stand-in for bin/rrm.js while client/cli/main.ts does not register the audit commands yet: the
// same global --json option and the same one-line failure handling.
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from '../../client/cli/audit-commands';

const program = new Command('rrm').option('--json', 'machine-readable JSON output').exitOverride();
registerAuditCommands(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`rrm: ${(err as Error).message}\n`);
  process.exit(1);
});
