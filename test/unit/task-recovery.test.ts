import { ServiceError } from '@temporalio/client';
import { onceTaskRecovers } from '../../client/library/task-recovery';

const refused = (code: number, message: string) =>
  new ServiceError('Workflow Update failed', { cause: Object.assign(new Error(message), { code }) });
const taskFailed = () =>
  refused(
    9,
    '9 FAILED_PRECONDITION: Unable to perform workflow execution update due to Workflow Task in failed state.',
  );

describe('onceTaskRecovers', () => {
  it('sends the update again while the workflow task is being retried, then answers', async () => {
    let calls = 0;
    const answer = await onceTaskRecovers(async () => {
      calls++;
      if (calls < 3) throw taskFailed();
      return 'done';
    });
    expect([answer, calls]).toEqual(['done', 3]);
  });

  it('passes any other refusal on at once', async () => {
    let calls = 0;
    const other = refused(9, '9 FAILED_PRECONDITION: something else');
    await expect(
      onceTaskRecovers(async () => {
        calls++;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });

  it('gives up past its bound with the last refusal', async () => {
    const started = Date.now();
    await expect(
      onceTaskRecovers(async () => {
        throw taskFailed();
      }, 500),
    ).rejects.toThrow('Workflow Update failed');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
