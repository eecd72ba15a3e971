import { CreatePolicyCommand, DeletePolicyCommand, GetPolicyVersionCommand, GetUserCommand, IAMClient, ListUsersCommand, paginateListUsers, CreateUserCommand } from '@aws-sdk/client-iam';
import { DescribeInstancesCommand, EC2Client, paginateDescribeInstances, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { InProcessHandler } from '../../src/emulator/sdk-handler.js';
import { memoizeReads } from '../../src/runner/read-memo.js';

/** Counts what reaches the emulator, so the memo's savings (and its forgetting) are visible. */
let sent: string[];
let iam: IAMClient;
let ec2: EC2Client;

beforeAll(() => {
  const emulator = createEmulator();
  const inner = new InProcessHandler(emulator);
  const counting = Object.assign(Object.create(inner) as InProcessHandler, {
    handle: (req: { body?: unknown }, o?: object) => {
      sent.push(/Action=(\w+)/.exec(String(req.body))?.[1] ?? '?');
      return inner.handle(req as never, o);
    },
  });
  iam = new IAMClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, requestHandler: counting });
  ec2 = new EC2Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, requestHandler: counting });
});
afterAll(() => {
  iam.destroy();
  ec2.destroy();
});

describe('a grading answers a repeated read once', () => {
  it('the same read twice reaches the emulator once; each caller gets its own copy', async () => {
    sent = [];
    const memo = memoizeReads(iam);
    await memo.send(new CreateUserCommand({ UserName: 'Samy' }));
    const a = await memo.send(new GetUserCommand({ UserName: 'Samy' }));
    a.User!.UserName = 'changed by a grader';
    const b = await memo.send(new GetUserCommand({ UserName: 'Samy' }));
    expect(b.User!.UserName).toBe('Samy');
    expect(b.User!.CreateDate).toBeInstanceOf(Date);
    expect(sent).toEqual(['CreateUser', 'GetUser']);
  });

  it('another input is another read; a write forgets every read before it', async () => {
    sent = [];
    const memo = memoizeReads(iam);
    await memo.send(new ListUsersCommand({}));
    await memo.send(new ListUsersCommand({ PathPrefix: '/' }));
    await memo.send(new ListUsersCommand({}));
    await memo.send(new CreateUserCommand({ UserName: 'bob' }));
    const after = await memo.send(new ListUsersCommand({}));
    expect(after.Users!.map((u) => u.UserName)).toContain('bob');
    expect(sent).toEqual(['ListUsers', 'ListUsers', 'CreateUser', 'ListUsers']);
  });

  it('EC2 reads (Describe…) are reads too: lab 06 pages its instances once per grading, not once per step', async () => {
    sent = [];
    const memo = memoizeReads(ec2);
    for (let step = 0; step < 3; step++) for await (const page of paginateDescribeInstances({ client: memo }, {})) void page;
    await memo.send(new DescribeInstancesCommand({}));
    await memo.send(new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }));
    const after = await memo.send(new DescribeInstancesCommand({}));
    expect((after.Reservations ?? []).flatMap((r) => r.Instances ?? [])).toHaveLength(1);
    expect(sent).toEqual(['DescribeInstances', 'RunInstances', 'DescribeInstances']);
  });

  it("the SDK's paginators work through it, and errors are the SDK's own", async () => {
    const memo = memoizeReads(iam);
    const names: string[] = [];
    for await (const page of paginateListUsers({ client: memo }, {})) names.push(...(page.Users ?? []).map((u) => u.UserName!));
    expect(names).toEqual(expect.arrayContaining(['Samy', 'bob']));
    await expect(memo.send(new GetUserCommand({ UserName: 'nobody' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });
});

describe('a version of an AWS managed policy is asked once for as long as the client lives', () => {
  const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

  it('a later grading (a new memo on the same client) reads it from the first answer, as a copy', async () => {
    sent = [];
    const arn = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const first = await memoizeReads(iam).send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    first.PolicyVersion!.Document = 'changed by a grader';
    const later = memoizeReads(iam);
    await later.send(new CreateUserCommand({ UserName: 'carol' }));
    const again = await later.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(decodeURIComponent(again.PolicyVersion!.Document!)).toContain('"Statement"');
    expect(sent).toEqual(['GetPolicyVersion', 'CreateUser']);
  });

  it("a customer managed policy's version is read again: deleted and made anew, its v1 is another document", async () => {
    sent = [];
    const made = await iam.send(new CreatePolicyCommand({ PolicyName: 'Reports', PolicyDocument: doc('s3:GetObject') }));
    const arn = made.Policy!.Arn!;
    const before = await memoizeReads(iam).send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    await iam.send(new CreatePolicyCommand({ PolicyName: 'Reports', PolicyDocument: doc('s3:PutObject') }));
    const after = await memoizeReads(iam).send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(decodeURIComponent(before.PolicyVersion!.Document!)).toContain('s3:GetObject');
    expect(decodeURIComponent(after.PolicyVersion!.Document!)).toContain('s3:PutObject');
  });

  it('a failed read is not kept', async () => {
    const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await expect(memoizeReads(iam).send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v999999' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    sent = [];
    await expect(memoizeReads(iam).send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v999999' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    expect(sent).toEqual(['GetPolicyVersion']);
  });
});
