// The main job's development audit keys (scripts/dev-keys.sh): made once, readable by their owner
// only from the start (under a umask that would leave a plain redirect world-readable, and with a
// `chmod` that fails if called), and loadable as the worker loads them.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAuditKeys, loadCheckpointKeys } from '../../audit';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'dev-keys.sh');

describe('the development audit keys', () => {
  let dir: string;
  let stateDir: string;
  let chmodLog: string;
  /** Runs the script under umask 000 with a `chmod` that logs its call and fails; returns its exports. */
  const devKeys = (env: Record<string, string> = {}): Record<string, string> => {
    const shims = path.join(dir, 'bin');
    const out = execFileSync('bash', ['-c', `umask 000 && exec bash "${SCRIPT}"`], {
      encoding: 'utf8',
      env: {
        PATH: `${shims}:${process.env.PATH ?? ''}`,
        HOME: dir,
        RRM_STATE_DIR: stateDir,
        ...env,
      },
    });
    return Object.fromEntries(
      [...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map(([, name, value]) => [name, value]),
    );
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rrm-dev-keys-'));
    stateDir = path.join(dir, 'state');
    chmodLog = path.join(dir, 'chmod.log');
    const shims = path.join(dir, 'bin');
    mkdirSync(shims);
    writeFileSync(path.join(shims, 'chmod'), `#!/bin/sh\necho "$@" >>"${chmodLog}"\nexit 1\n`);
    chmodSync(path.join(shims, 'chmod'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are created with mode 600, never chmod-ed, and load as the worker loads them', () => {
    const exported = devKeys();
    expect(Object.keys(exported).sort()).toEqual([
      'RRM_AUDIT_CHECKPOINT_KEYS_FILE',
      'RRM_AUDIT_HMAC_KEYS_FILE',
    ]);
    for (const file of Object.values(exported)) {
      expect(path.dirname(file)).toBe(stateDir);
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    }
    expect(() => readFileSync(chmodLog)).toThrow(/ENOENT/);
    expect(readdirSync(stateDir).sort()).toEqual(['audit-checkpoint-keys.json', 'audit-keys.json']);
    expect(loadAuditKeys(exported).activeKeyId).toBe('dev-1');
    expect(loadCheckpointKeys(exported)?.activeKeyId).toBe('dev-cp-1');
  });

  it('are made once, and not at all when the keys are given', () => {
    const first = devKeys();
    const hmac = readFileSync(first.RRM_AUDIT_HMAC_KEYS_FILE, 'utf8');
    expect(devKeys()).toEqual(first);
    expect(readFileSync(first.RRM_AUDIT_HMAC_KEYS_FILE, 'utf8')).toBe(hmac);
    expect(
      devKeys({ RRM_AUDIT_HMAC_KEYS: 'k1:x', RRM_AUDIT_CHECKPOINT_KEYS_FILE: '/etc/rrm/cp.json' }),
    ).toEqual({});
  });
});
