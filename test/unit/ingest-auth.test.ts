// RRM_INGEST_OPERATOR_TOKENS: one token per operator, checked before the HTTP ingest starts.
import { credentialsFromEnv, parseOperatorTokens } from '../../client/http-ingest/auth';

describe('operator tokens of the HTTP ingest', () => {
  it('reads name:token pairs', () => {
    expect(parseOperatorTokens(' alice:0123456789abcdef , bob@noc:fedcba9876543210:x ')).toEqual(
      new Map([
        ['alice', '0123456789abcdef'],
        ['bob@noc', 'fedcba9876543210:x'],
      ]),
    );
  });

  it('names every bad entry by position without echoing any token', () => {
    const text = 'alice:short-token,:0123456789abcdef,alice:0123456789abcdef,bob:0123456789abcdef,carol';
    let message = '';
    try {
      parseOperatorTokens(text);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      'RRM_INGEST_OPERATOR_TOKENS: entry 1 (alice): the token must be at least 16 characters; ' +
        'entry 2: the operator name must be 1-64 of A-Z a-z 0-9 . _ @ -; ' +
        "entry 4 (bob): the token is another operator's too; " +
        'entry 5 (carol): the token must be at least 16 characters',
    );
    expect(message).not.toContain('0123456789abcdef');
  });

  it('refuses an operator listed twice', () => {
    expect(() => parseOperatorTokens('alice:0123456789abcdef,alice:fedcba9876543210')).toThrow(
      'entry 2: operator "alice" is listed twice',
    );
  });

  it('takes the shared token and the operator tokens from the environment', () => {
    expect(credentialsFromEnv({})).toEqual({ sharedToken: undefined, operatorTokens: undefined });
    expect(
      credentialsFromEnv({
        RRM_INGEST_TOKEN: 's3cret',
        RRM_INGEST_OPERATOR_TOKENS: 'alice:0123456789abcdef',
      }),
    ).toEqual({ sharedToken: 's3cret', operatorTokens: new Map([['alice', '0123456789abcdef']]) });
  });

  it('refuses an operator token that is the shared token (it would name no operator)', () => {
    expect(() =>
      credentialsFromEnv({
        RRM_INGEST_TOKEN: '0123456789abcdef',
        RRM_INGEST_OPERATOR_TOKENS: 'alice:0123456789abcdef',
      }),
    ).toThrow("RRM_INGEST_OPERATOR_TOKENS: the token of alice is RRM_INGEST_TOKEN's");
  });
});
