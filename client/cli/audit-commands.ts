// `rrm audit …`: export, verify, checkpoint and archive the signed audit trail (docs/audit-contract.md,
// docs/audit-trail.md). Reads DATABASE_URL and the RRM_AUDIT_* key variables. Failures throw a one-line
// reason (the program prints it and exits 1); `audit verify` and `audit verify-archive` exit 2 when
// they find damage.
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { Pool } from 'pg';
import {
  archiveAuditPartitions,
  exportAudit,
  loadAuditKeys,
  loadCheckpointKeys,
  verifyArchive,
  verifyAuditChain,
  writeCheckpoint,
  CHECKPOINT_FILE,
  type ArchiveCheckResult,
  type AuditFinding,
  type VerifyResult,
} from '../../audit';

/** Exit code of `audit verify[-archive]` when the trail is damaged (1 means it could not verify at all). */
export const DAMAGE_EXIT_CODE = 2;
const PROGRESS_EVERY = 10_000;

async function withPool<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: it must point at the audit database');
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

function checkpointDir(option: string | undefined, required: boolean): string | undefined {
  const dir = option ?? (process.env.RRM_AUDIT_CHECKPOINT_DIR?.trim() || undefined);
  if (!dir && required)
    throw new Error('no checkpoint directory: set RRM_AUDIT_CHECKPOINT_DIR or pass --dir');
  return dir;
}

function describeVerify(result: VerifyResult): string {
  const archived = result.archivedThrough > 0 ? `, ${result.archivedThrough} archived before them` : '';
  const checkpoints =
    result.checkpoints > 0
      ? `${result.checkpoints} checkpoints (latest at position ${result.latestCheckpoint})`
      : 'no checkpoints';
  const summary = `${result.checked} records verified${archived}; ${checkpoints}`;
  return describeOutcome('audit verify', result.firstBad, summary);
}

function describeArchiveCheck(result: ArchiveCheckResult): string {
  const range =
    result.firstPosition === undefined ? '' : `, positions ${result.firstPosition}..${result.lastPosition}`;
  const older = result.startsAfter ? ` (records 1..${result.startsAfter} are archived elsewhere)` : '';
  const summary = `${result.checked} records verified; ${result.files} archive files${range}${older}`;
  return describeOutcome('audit verify-archive', result.firstBad, summary);
}

/** One line: OK, or DAMAGED naming the first bad record (or position) and the kind of damage. */
function describeOutcome(command: string, bad: AuditFinding | undefined, summary: string): string {
  if (!bad) return `${command}: OK: ${summary}`;
  const record = bad.auditId
    ? `record ${bad.chainPosition} (audit_id ${bad.auditId})`
    : `position ${bad.chainPosition}`;
  return `${command}: DAMAGED at ${record}: ${bad.problem}: ${bad.detail} (${summary})`;
}

export function registerAuditCommands(program: Command): void {
  const json = (): boolean => Boolean(program.opts().json);
  const print = (value: unknown, text: string): void =>
    void process.stdout.write(`${json() ? JSON.stringify(value) : text}\n`);
  const audit = program
    .command('audit')
    .description('the signed audit trail: export, verify, checkpoint, archive');

  audit
    .command('export')
    .description('stream audit records as CSV or JSONL, filtered by AP and time range')
    .option('--ap <apId>', 'only this AP')
    .option('--from <iso>', 'recorded at or after this time (ISO-8601)')
    .option('--to <iso>', 'recorded before this time (ISO-8601)')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'jsonl']).default('csv'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option(
      '--progress',
      `report progress on stderr every ${PROGRESS_EVERY} rows (default: when stderr is a TTY)`,
    )
    .action(
      async (opts: {
        ap?: string;
        from?: string;
        to?: string;
        format: 'csv' | 'jsonl';
        output?: string;
        progress?: boolean;
      }) => {
        const showProgress = opts.progress ?? Boolean(process.stderr.isTTY);
        const onProgress = showProgress
          ? (rows: number) => void process.stderr.write(`audit export: ${rows} records\n`)
          : undefined;
        const filters = { apId: opts.ap, from: opts.from, to: opts.to, format: opts.format };
        await withPool(async (pool) => {
          const file = opts.output ? createWriteStream(opts.output) : undefined;
          const count = await exportAudit(
            pool,
            { ...filters, progressEvery: PROGRESS_EVERY },
            file ?? process.stdout,
            onProgress,
          );
          if (!file) return;
          file.end();
          await finished(file);
          print({ exported: count, file: opts.output }, `exported ${count} records to ${opts.output}`);
        });
      },
    );

  audit
    .command('verify')
    .description(
      `check every signature, the chain links, archive anchors and checkpoints; exit ${DAMAGE_EXIT_CODE} on damage`,
    )
    .option('--checkpoint-dir <dir>', 'directory of the checkpoint file (default: RRM_AUDIT_CHECKPOINT_DIR)')
    .action(async (opts: { checkpointDir?: string }) => {
      const keys = loadAuditKeys();
      const dir = checkpointDir(opts.checkpointDir, false);
      if (!dir) {
        process.stderr.write(
          'audit verify: no checkpoint directory (RRM_AUDIT_CHECKPOINT_DIR): removal of the newest records together with the chain head would go unnoticed\n',
        );
      }
      const result = await withPool((pool) =>
        verifyAuditChain(pool, keys, { checkpointKeys: loadCheckpointKeys(), checkpointDir: dir }),
      );
      print(result, describeVerify(result));
      if (!result.ok) process.exitCode = DAMAGE_EXIT_CODE;
    });

  audit
    .command('verify-archive')
    .description(
      `check archived files offline against their signed anchors (no database); exit ${DAMAGE_EXIT_CODE} on damage`,
    )
    .argument('<dir>', 'directory of the archive files and their anchors (`audit archive --out`)')
    .action(async (dir: string) => {
      const result = await verifyArchive(dir, loadAuditKeys(), loadCheckpointKeys());
      print(result, describeArchiveCheck(result));
      if (!result.ok) process.exitCode = DAMAGE_EXIT_CODE;
    });

  audit
    .command('checkpoint')
    .description(`sign the chain head (Ed25519) and append it to <dir>/${CHECKPOINT_FILE}`)
    .option('--dir <dir>', 'checkpoint directory (default: RRM_AUDIT_CHECKPOINT_DIR)')
    .action(async (opts: { dir?: string }) => {
      const dir = checkpointDir(opts.dir, true)!;
      const checkpoint = await withPool((pool) => writeCheckpoint(pool, loadCheckpointKeys(), dir));
      print(
        checkpoint,
        `checkpoint: position ${checkpoint.chain_position}, hash ${checkpoint.row_hash}, key ${checkpoint.key_id}`,
      );
    });

  audit
    .command('archive')
    .description(
      'move months older than N days to compressed files, leaving a signed anchor (run as the table owner)',
    )
    .requiredOption(
      '--older-than-days <days>',
      'archive months that ended at least this many days ago',
      Number,
    )
    .requiredOption('--out <dir>', 'directory for the archive files')
    .action(async (opts: { olderThanDays: number; out: string }) => {
      const keys = loadAuditKeys();
      const result = await withPool((pool) =>
        archiveAuditPartitions(pool, keys, loadCheckpointKeys(), {
          olderThanDays: opts.olderThanDays,
          outDir: opts.out,
        }),
      );
      const lines = result.anchors.map(
        (a) =>
          `archived ${a.partition}: records ${a.first_position}..${a.last_position} to ${opts.out}/${a.file}`,
      );
      lines.push(...result.dropped.map((name) => `dropped ${name}: it held no record`));
      print(result, lines.length > 0 ? lines.join('\n') : 'nothing to archive');
    });
}
