// The wording and defaults the CLI and the HTTP API share for operator controls.
import { defaultOperator } from '../../client/cli/operator-commands';
import { OperatorInputSchema, refusal } from '../../client/library';

describe('operator controls', () => {
  it('words every refusal as "<control> refused: <why>", once', () => {
    expect(refusal('rollback', 'rollback refused: channel 52 is radar-closed')).toBe(
      'rollback refused: channel 52 is radar-closed',
    );
    expect(refusal('retry', 'event e-1 is finished (completed): nothing to retry')).toBe(
      'retry refused: event e-1 is finished (completed): nothing to retry',
    );
  });

  it('names the operator from RRM_OPERATOR, else the OS user', () => {
    expect(defaultOperator({ RRM_OPERATOR: ' alice ' })).toBe('alice');
    expect(defaultOperator({})).toMatch(/.+/);
  });

  it('accepts { reason?, operator? } and nothing else', () => {
    expect(OperatorInputSchema.safeParse({}).success).toBe(true);
    expect(OperatorInputSchema.safeParse({ reason: 'r', operator: 'o' }).success).toBe(true);
    expect(OperatorInputSchema.safeParse({ operator: '' }).success).toBe(false);
    expect(OperatorInputSchema.safeParse({ reason: 'r', extra: 1 }).success).toBe(false);
  });
});
