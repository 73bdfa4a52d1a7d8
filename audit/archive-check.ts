// Offline check of archive files (archive.ts) against their signed anchors: what an auditor holding
// only the files, the HMAC keys and the checkpoint public keys can verify, with no database.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import type { Anchor } from './anchors';
import { GENESIS_HASH, type AuditRow } from './canonical';
import type { CheckpointKeys } from './checkpoint-keys';
import { missing, type AuditFinding } from './findings';
import type { AuditKeys } from './keys';
import { statementProblem } from './statement';
import { checkRow, type Expected, type RowCheck } from './verify-row';

const ANCHOR_SUFFIX = '.anchor.json';

export interface ArchiveCheckResult {
  ok: boolean;
  /** Archive files in the directory (one per `*.anchor.json`). */
  files: number;
  /** Records that verified before the first bad one (all of them when ok). */
  checked: number;
  /** The positions the anchors cover, from the first one's first to the last one's last. */
  firstPosition?: number;
  lastPosition?: number;
  /** The archive starts after this position: older records are archived elsewhere, not checked here. */
  startsAfter?: number;
  firstBad?: AuditFinding;
}

// Only what ordering anchors and opening their files needs; the signature vouches for the rest.
const anchorShape = z
  .looseObject({
    type: z.literal('rrm-audit-anchor'),
    first_position: z.number().int().positive(),
    last_position: z.number().int().positive(),
    prev_hash: z.string(),
    last_row_hash: z.string(),
    file: z.string().refine((file) => file === path.basename(file), 'a file name, not a path'),
    file_sha256: z.string(),
  })
  .refine((anchor) => anchor.last_position >= anchor.first_position);

/** A record that checkRow refused, with its finding or the lookup it needs. */
interface OutOfPlace {
  row: AuditRow;
  check: NonNullable<RowCheck>;
}

interface AnchorFile {
  name: string;
  anchor: Anchor;
}

/**
 * The anchors of `dir` in chain order, how many anchor files there are, and a finding naming the
 * first file that is not an anchor at all (it cannot be placed in the chain, so it comes first).
 */
async function readAnchorFiles(
  dir: string,
): Promise<{ count: number; anchors: AnchorFile[]; problem?: AuditFinding }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(ANCHOR_SUFFIX)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `archive directory ${dir} does not exist`
        : `cannot read archive directory ${dir}: ${(error as Error).message}`,
    );
  }
  if (names.length === 0) throw new Error(`no archive anchors (*${ANCHOR_SUFFIX}) in ${dir}`);
  const anchors: AnchorFile[] = [];
  let problem: AuditFinding | undefined;
  for (const name of names) {
    let anchor: unknown;
    try {
      anchor = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
    } catch {
      anchor = undefined;
    }
    if (anchorShape.safeParse(anchor).success) anchors.push({ name, anchor: anchor as Anchor });
    else problem ??= missing(0, 'bad_anchor', `${name} is not an archive anchor`);
  }
  anchors.sort((a, b) => a.anchor.first_position - b.anchor.first_position);
  return { count: names.length, anchors, problem };
}

/** Why an anchor is not genuine or does not continue the previous one (the first may start late). */
function anchorProblem(
  { name, anchor }: AnchorFile,
  previous: Anchor | undefined,
  keys: CheckpointKeys | undefined,
): AuditFinding | undefined {
  const problem = statementProblem(anchor, keys);
  if (problem === 'unknown_key') {
    return missing(
      anchor.first_position,
      'unknown_key',
      `${name} names checkpoint key "${anchor.key_id}", which is not configured`,
    );
  }
  if (problem) return missing(anchor.first_position, 'bad_anchor', `${name} is not a genuine signed anchor`);
  const first = previous ? previous.last_position + 1 : anchor.first_position;
  // The first anchor links to the genesis hash, or, when it starts later, to what it signed.
  const linksTo = previous ? previous.last_row_hash : first === 1 ? GENESIS_HASH : anchor.prev_hash;
  if (anchor.first_position > first) {
    return missing(
      first,
      'deleted',
      `records ${first}..${anchor.first_position - 1} are missing: no anchor in the archive covers them`,
    );
  }
  if (anchor.first_position < first) {
    return missing(
      first,
      'bad_anchor',
      `${name} covers ${anchor.first_position}..${anchor.last_position} but the archive continues at ${first}`,
    );
  }
  if (anchor.prev_hash !== linksTo) {
    return missing(first, 'bad_anchor', `${name} does not link to the record before position ${first}`);
  }
  return undefined;
}

/**
 * The lines of a gzip JSONL archive file, decompressed as they are read (constant memory), every
 * byte of the file fed to `hash` on the way. A damaged gzip or an unreadable file ends the lines
 * with its error.
 */
async function* archiveLines(file: string, hash?: Hash): AsyncGenerator<string> {
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      hash?.update(chunk);
      next(null, chunk);
    },
  });
  // The errors reach the reader through the last stream; the callback has nothing to add.
  const gunzip = pipeline(createReadStream(file), hashing, createGunzip(), () => undefined);
  try {
    yield* createInterface({ input: gunzip, crlfDelay: Infinity });
  } finally {
    gunzip.destroy(); // a reader that stops early closes the file (pipeline destroys the rest)
  }
}

const isGzipError = (error: unknown): boolean =>
  String((error as NodeJS.ErrnoException).code).startsWith('Z_');

/** The record on a line, or undefined when the line holds none. */
function parseRecord(line: string): AuditRow | undefined {
  try {
    const row = JSON.parse(line) as AuditRow | null;
    return row !== null && typeof row === 'object' && Number.isSafeInteger(row.chain_position)
      ? row
      : undefined;
  } catch {
    return undefined;
  }
}

/** The line number of the first record of `file` that matches, if any (damage after it ends the search). */
async function findRecord(file: string, match: (row: AuditRow) => boolean): Promise<number | undefined> {
  let lineNumber = 0;
  try {
    for await (const line of archiveLines(file)) {
      lineNumber += 1;
      const row = parseRecord(line);
      if (row && match(row)) return lineNumber;
    }
  } catch (error) {
    if (!isGzipError(error)) throw error;
  }
  return undefined;
}

/**
 * Offline counterpart of diagnoseBrokenLink (verify-row.ts) for a record out of place at
 * `position`: when the record it links to (broken link), or the one missing here (gap), is
 * elsewhere in the file, lines were moved (`reordered`); otherwise records are gone (`deleted`).
 */
async function diagnose(file: string, position: number, { row, check }: OutOfPlace): Promise<AuditFinding> {
  const name = path.basename(file);
  const at = (problem: 'reordered' | 'deleted', detail: string): AuditFinding => ({
    chainPosition: position,
    auditId: row.audit_id,
    problem,
    detail,
  });
  if ('needsLookup' in check) {
    const line = await findRecord(file, (other) => other.row_hash === row.prev_hash);
    return line === undefined
      ? at('deleted', `the record it follows is not in ${name}`)
      : at('reordered', `it follows the record on line ${line} of ${name}`);
  }
  if (check.problem === 'deleted' && row.chain_position > position) {
    const line = await findRecord(file, (other) => other.chain_position === position);
    if (line !== undefined) {
      return at('reordered', `record ${row.chain_position} sits here; record ${position} is on line ${line}`);
    }
  }
  return check;
}

/**
 * Walks one archive file against its anchor: each record's signature, hash, position and link from
 * the anchor's prev_hash on, the end at last_position with last_row_hash, then the file's SHA-256.
 * Counts the records that verify in `result.checked`.
 */
async function checkArchiveFile(
  dir: string,
  anchor: Anchor,
  keys: AuditKeys,
  result: ArchiveCheckResult,
): Promise<AuditFinding | undefined> {
  const file = path.join(dir, anchor.file);
  if (!existsSync(file)) {
    const range = `${anchor.first_position}..${anchor.last_position}`;
    return missing(anchor.first_position, 'deleted', `${anchor.file} is missing: records ${range} are gone`);
  }
  const expected: Expected = {
    position: anchor.first_position,
    prevHash: anchor.prev_hash,
    headPosition: anchor.last_position,
  };
  const hash = createHash('sha256');
  let bad: AuditFinding | undefined;
  let outOfPlace: OutOfPlace | undefined;
  try {
    for await (const line of archiveLines(file, hash)) {
      const row = parseRecord(line);
      if (!row) {
        bad = missing(
          expected.position,
          'edited',
          `the line of record ${expected.position} is not an audit record`,
        );
        break;
      }
      const check = checkRow(row, expected, keys);
      if (check) {
        outOfPlace = { row, check };
        break;
      }
      result.checked += 1;
      expected.position += 1;
      expected.prevHash = row.row_hash;
    }
  } catch (error) {
    if (!isGzipError(error)) throw error;
    bad = missing(
      expected.position,
      'edited',
      `${anchor.file} cannot be decompressed from record ${expected.position} on: ${(error as Error).message}`,
    );
  }
  if (outOfPlace) return diagnose(file, expected.position, outOfPlace);
  if (bad) return bad;
  const last = expected.position - 1;
  if (last < anchor.last_position) {
    return missing(
      last + 1,
      'truncated',
      `records ${last + 1}..${anchor.last_position} are missing: ${anchor.file} ends at ${last}, its anchor at ${anchor.last_position}`,
    );
  }
  if (expected.prevHash !== anchor.last_row_hash) {
    return missing(last, 'edited', `record ${last} is not the one its anchor sealed (last_row_hash)`);
  }
  if (hash.digest('hex') !== anchor.file_sha256) {
    return missing(anchor.first_position, 'edited', `${anchor.file} differs from its anchor's SHA-256`);
  }
  return undefined;
}

/**
 * Verifies the archive files of `dir` offline, oldest first, and reports the first damage: every
 * anchor is genuine (Ed25519, `checkpointKeys`) and continues the previous one; every file has its
 * anchor's records, each signed (HMAC, `keys`) and linked, ending with the sealed hash; every file
 * has the anchor's SHA-256. Throws when `dir` holds no anchor.
 */
export async function verifyArchive(
  dir: string,
  keys: AuditKeys,
  checkpointKeys: CheckpointKeys | undefined,
): Promise<ArchiveCheckResult> {
  const { count, anchors, problem } = await readAnchorFiles(dir);
  const first = anchors[0]?.anchor.first_position ?? 1;
  const result: ArchiveCheckResult = {
    ok: true,
    files: count,
    checked: 0,
    ...(anchors.length > 0 && { firstPosition: first, lastPosition: anchors.at(-1)!.anchor.last_position }),
    ...(first > 1 && { startsAfter: first - 1 }),
  };
  let bad = problem;
  let previous: Anchor | undefined;
  for (const anchorFile of anchors) {
    if (bad) break;
    bad =
      anchorProblem(anchorFile, previous, checkpointKeys) ??
      (await checkArchiveFile(dir, anchorFile.anchor, keys, result));
    previous = anchorFile.anchor;
  }
  return bad ? { ...result, ok: false, firstBad: bad } : result;
}
