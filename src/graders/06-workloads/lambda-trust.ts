/**
 * Lab 06, workloads/lambda-trust: the report-builder function runs as ReportBuilderRole, which
 * first has to trust Lambda (CreateFunction refuses a role Lambda cannot assume), then needs
 * s3:PutObject on the bucket's objects and nothing more, and an invoke writes report.csv.
 */
import { AttachRolePolicyCommand, CreateRoleCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { accountInfo, accountRootArn, awsManagedArn, errorName, iamArn } from '../aws.js';
import { failed, otherBuckets, othersDenied, passed, probeCondition, unverifiable } from '../conditions.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { trustHint } from '../trust.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { anyUser, bucketArns, rolePolicyHint } from './common.js';
import { BUCKET, FUNCTION, PACKAGE_KEY, REPORT_KEY, REPORT_ROLE } from './names.js';
import { GENERATED_BY } from './report-builder.js';
import { serviceTrust } from './seed.js';
import { lambdaClient, lambdaSdk } from './services.js';

export const RUNTIME = 'nodejs22.x';

const writeReportPolicy = (resource: string, action: string | string[] = 's3:PutObject') => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'WriteTheReport', Effect: 'Allow', Action: action, Resource: resource }],
});

async function putPolicy(ctx: LabContext, role: string, doc: object): Promise<void> {
  await ctx.clients.iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'WriteReport', PolicyDocument: JSON.stringify(doc) }));
}

async function trustLambda(ctx: LabContext, ...extra: string[]): Promise<void> {
  await ctx.clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: REPORT_ROLE, PolicyDocument: JSON.stringify(serviceTrust('lambda.amazonaws.com', ...extra)) }));
}

/** `aws lambda create-function` with the package setup put in the bucket. */
async function createFunction(ctx: LabContext, role = REPORT_ROLE): Promise<void> {
  const { CreateFunctionCommand } = await lambdaSdk();
  await (
    await lambdaClient(ctx)
  ).send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION,
      Runtime: RUNTIME,
      Handler: 'index.handler',
      Role: await iamArn(ctx, 'role', role),
      Code: { S3Bucket: BUCKET, S3Key: PACKAGE_KEY },
    }),
  );
}

/** `aws lambda invoke`: the function's error (from inside it) or undefined; nothing where no code runs. */
async function invoke(ctx: LabContext): Promise<string | undefined> {
  if (!ctx.capabilities.lambdaInvoke) return undefined;
  const { InvokeCommand } = await lambdaSdk();
  const r = await (await lambdaClient(ctx)).send(new InvokeCommand({ FunctionName: FUNCTION }));
  return r.FunctionError ? Buffer.from(r.Payload ?? []).toString('utf8') : undefined;
}

/** The function's role, or a failed condition (no such function). */
async function functionRole(ctx: LabContext, trustsLambda: boolean): Promise<{ role: string } | Condition> {
  const { GetFunctionCommand } = await lambdaSdk();
  const name = `function ${FUNCTION} exists`;
  try {
    const r = await (await lambdaClient(ctx)).send(new GetFunctionCommand({ FunctionName: FUNCTION }));
    return { role: r.Configuration?.Role ?? '' };
  } catch (e) {
    if (errorName(e) !== 'ResourceNotFoundException') throw e;
    const create = `aws lambda create-function --function-name ${FUNCTION} --runtime ${RUNTIME} --handler index.handler --role ${await iamArn(ctx, 'role', REPORT_ROLE)} --code S3Bucket=${BUCKET},S3Key=${PACKAGE_KEY}`;
    return failed(
      name,
      `a Lambda function named ${FUNCTION}`,
      'no such function',
      `There is no Lambda function ${FUNCTION} yet.${trustsLambda ? '' : ` Creating it with ${REPORT_ROLE} fails while the role's trust policy does not let lambda.amazonaws.com assume it ("The role defined for the function cannot be assumed by Lambda.").`}`,
      trustsLambda ? create : `Fix the trust first (aws iam update-assume-role-policy --role-name ${REPORT_ROLE} --policy-document file://lambda-trust.json), then: ${create}`,
    );
  }
}

async function reportCondition(ctx: LabContext, canWrite: boolean, hasFunction: boolean): Promise<Condition> {
  const name = `an invoke of ${FUNCTION} wrote ${REPORT_KEY} to ${BUCKET}`;
  const expected = `s3://${BUCKET}/${REPORT_KEY}, written by the function as ${REPORT_ROLE}`;
  if (!ctx.capabilities.lambdaInvoke) return unverifiable(name, expected, 'This backend does not run function code, so no invoke can write the report here.');
  let text: string | undefined;
  try {
    const r = await ctx.clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: REPORT_KEY }));
    text = await r.Body?.transformToString();
  } catch (e) {
    if (!['NoSuchKey', 'NotFound'].includes(errorName(e))) throw e;
  }
  const invokeHint = `aws lambda invoke --function-name ${FUNCTION} out.json && cat out.json`;
  if (text === undefined) {
    const why = !hasFunction
      ? 'The function does not exist yet, so nothing has written the report.'
      : canWrite
        ? `No successful invoke yet: ${REPORT_KEY} is not in ${BUCKET}.`
        : `${REPORT_KEY} is not in ${BUCKET}: an invoke fails inside the function with AccessDenied while ${REPORT_ROLE} may not s3:PutObject there.`;
    return failed(name, expected, `no ${REPORT_KEY} in ${BUCKET}`, why, canWrite ? invokeHint : `Give ${REPORT_ROLE} s3:PutObject on arn:aws:s3:::${BUCKET}/*, then: ${invokeHint}`);
  }
  const by = GENERATED_BY.exec(text.split('\n')[0] ?? '')?.[1];
  if (by && by.includes(`:assumed-role/${REPORT_ROLE}/`)) return passed(name, expected, `${REPORT_KEY} generated by ${by}`);
  return failed(
    name,
    expected,
    by ? `${REPORT_KEY} generated by ${by}` : `a ${REPORT_KEY} that does not start with "# generated by …"`,
    by
      ? `${REPORT_KEY} was written by ${by}: a function running as another role, not ${REPORT_ROLE}.`
      : `${REPORT_KEY} in ${BUCKET} was not written by ${FUNCTION} (the function's report starts with "# generated by <its role session>"): a copy uploaded by hand proves nothing about the function's permissions.`,
    invokeHint,
  );
}

// The execution role's trust policy must name lambda.amazonaws.com, or CreateFunction answers
// InvalidParameterValueException "The role defined for the function cannot be assumed by Lambda.":
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
// An error raised inside the function comes back as a 200 with FunctionError set:
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
export const lambdaTrust = defineStep({
  id: 'workloads/lambda-trust',
  async check(ctx) {
    const probes = new Probes(ctx);
    const a = await bucketArns(ctx);
    const roleArn = await iamArn(ctx, 'role', REPORT_ROLE);
    const role: PrincipalRef = { kind: 'role', name: REPORT_ROLE };
    // trustHint names the principals found and ends with the command, for the file this chapter writes
    const trust = async () =>
      (await trustHint(probes, REPORT_ROLE, 'lambda.amazonaws.com', '{"Service": "lambda.amazonaws.com"}', 'lambda-trust.json')) ??
      `Make {"Service": "lambda.amazonaws.com"} the only Principal of ${REPORT_ROLE}'s trust policy and apply it with aws iam update-assume-role-policy --role-name ${REPORT_ROLE} --policy-document file://lambda-trust.json`;
    const perms = () => rolePolicyHint(probes, REPORT_ROLE, `The function only writes ${REPORT_KEY}: make WriteReport allow s3:PutObject on arn:aws:s3:::${BUCKET}/* only, and nothing else, with aws iam put-role-policy --role-name ${REPORT_ROLE} --policy-name WriteReport --policy-document file://write-report.json`);
    const trustsLambda = await probeCondition(probes, `Lambda (lambda.amazonaws.com) can assume ${REPORT_ROLE}`, { principal: { kind: 'service', service: 'lambda.amazonaws.com' }, action: 'sts:AssumeRole', resource: roleArn }, 'allow', trust);
    const out: Condition[] = [];
    if (ctx.capabilities.lambda) {
      const fn = await functionRole(ctx, trustsLambda.status === 'passed');
      if ('status' in fn) out.push(fn);
      else {
        const roleName = fn.role.split('/').pop() ?? fn.role;
        out.push(
          roleName === REPORT_ROLE
            ? passed(`function ${FUNCTION} runs as ${REPORT_ROLE}`, `execution role ${REPORT_ROLE}`, fn.role)
            : failed(
                `function ${FUNCTION} runs as ${REPORT_ROLE}`,
                `execution role ${REPORT_ROLE}`,
                fn.role,
                `${FUNCTION} runs as role ${roleName}; this step wants ${REPORT_ROLE}, the role made for it (fix its trust policy rather than use another role).`,
                `aws lambda update-function-configuration --function-name ${FUNCTION} --role ${roleArn}`,
              ),
        );
      }
    } else {
      out.push(unverifiable(`function ${FUNCTION} exists`, `a Lambda function named ${FUNCTION}`, 'This backend has no Lambda functions.'));
    }
    const canWrite = await probeCondition(probes, `${REPORT_ROLE} can write ${REPORT_KEY} (s3:PutObject on ${BUCKET}/*)`, { principal: role, action: 's3:PutObject', resource: a.report }, 'allow', perms);
    out.push(
      trustsLambda,
      await probeCondition(probes, `EC2 (ec2.amazonaws.com) cannot assume ${REPORT_ROLE}`, { principal: { kind: 'service', service: 'ec2.amazonaws.com' }, action: 'sts:AssumeRole', resource: roleArn }, 'deny', trust),
      // "trusts lambda.amazonaws.com only": no person either (an account principal would let its users in)
      await probeCondition(probes, `IAM users cannot assume ${REPORT_ROLE}`, { principal: await anyUser(ctx), action: 'sts:AssumeRole', resource: roleArn }, 'deny', trust),
      canWrite,
      await probeCondition(probes, `${REPORT_ROLE} cannot read objects in ${BUCKET} (s3:GetObject)`, { principal: role, action: 's3:GetObject', resource: a.object }, 'deny', perms),
      await probeCondition(probes, `${REPORT_ROLE} cannot delete objects in ${BUCKET} (s3:DeleteObject)`, { principal: role, action: 's3:DeleteObject', resource: a.report }, 'deny', perms),
      await othersDenied(probes, `${REPORT_ROLE} cannot write to other buckets`, { principal: role, action: 's3:PutObject' }, [a.elsewhere, ...otherBuckets(a.partition, BUCKET, REPORT_KEY)], perms),
      await reportCondition(ctx, canWrite.status === 'passed', out[0]?.status === 'passed'),
    );
    return out;
  },
  async solve(ctx) {
    await trustLambda(ctx);
    await putPolicy(ctx, REPORT_ROLE, writeReportPolicy((await bucketArns(ctx)).bucket + '/*'));
    if (ctx.capabilities.lambda) await createFunction(ctx);
    if (ctx.capabilities.lambdaInvoke) {
      const error = await invoke(ctx);
      if (error) throw new Error(`the reference solution's invoke failed inside the function: ${error}`);
    }
  },
  mistakes: [
    {
      name: 'both services trusted', element: 'Principal',
      apply: async (ctx) => solveWith(ctx, { trust: ['ec2.amazonaws.com'] }),
      expectFeedback: /EC2 \(ec2\.amazonaws\.com\) cannot assume ReportBuilderRole[\s\S]*Allowed when it should not be[\s\S]*this step wants lambda\.amazonaws\.com only/,
    },
    {
      name: "the account's own users trusted too (an AWS principal next to Lambda)", element: 'Principal',
      apply: async (ctx) => {
        await solveWith(ctx, {});
        const lambda = serviceTrust('lambda.amazonaws.com');
        const { partition, accountId } = await accountInfo(ctx);
        const root = accountRootArn(partition, accountId);
        const both = { ...lambda, Statement: [...lambda.Statement, { Effect: 'Allow', Principal: { AWS: root }, Action: 'sts:AssumeRole' }] };
        await ctx.clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: REPORT_ROLE, PolicyDocument: JSON.stringify(both) }));
      },
      expectFeedback: /IAM users cannot assume ReportBuilderRole[\s\S]*Allowed when it should not be/,
    },
    {
      name: 's3:* on the bucket\'s objects', element: 'Action',
      apply: async (ctx) => solveWith(ctx, { action: 's3:*' }),
      expectFeedback: /ReportBuilderRole cannot read objects in acme-app-data \(s3:GetObject\)[\s\S]*Allowed when it should not be: WriteReport/,
    },
    {
      name: 's3:PutObject on Resource "*"', element: 'Resource',
      apply: async (ctx) => solveWith(ctx, { resource: '*' }),
      expectFeedback: /ReportBuilderRole cannot write to other buckets[\s\S]*Allowed when it should not be: WriteReport/,
    },
    {
      name: 's3:PutObject on every bucket ending in -data (*-data/*)', element: 'Resource',
      apply: async (ctx) => solveWith(ctx, { resource: `arn:${(await bucketArns(ctx)).partition}:s3:::*-data/*` }),
      expectFeedback: /ReportBuilderRole cannot write to other buckets[\s\S]*other-acme-app-data\/report\.csv: Allowed when it should not be: WriteReport/,
    },
    {
      name: 'no permission yet: the invoke fails inside the function', element: 'no permission policies',
      apply: async (ctx) => {
        await trustLambda(ctx);
        await createFunction(ctx);
        const error = await invoke(ctx);
        if (ctx.capabilities.lambdaInvoke && !error?.includes('AccessDenied')) throw new Error(`expected AccessDenied inside the function, got ${error ?? 'success'}`);
      },
      expectFeedback: /ReportBuilderRole has no permission policies yet[\s\S]*(an invoke fails inside the function with AccessDenied|This backend does not run function code)/,
    },
    {
      name: 'function created with another role', element: 'report-builder-role',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new CreateRoleCommand({ RoleName: 'report-builder-role', AssumeRolePolicyDocument: JSON.stringify(serviceTrust('lambda.amazonaws.com')) }));
        await putPolicy(ctx, 'report-builder-role', writeReportPolicy((await bucketArns(ctx)).bucket + '/*'));
        await createFunction(ctx, 'report-builder-role');
        await invoke(ctx);
      },
      expectFeedback: /report-builder runs as role report-builder-role; this step wants ReportBuilderRole[\s\S]*(written by arn:aws:sts::\d{12}:assumed-role\/report-builder-role\/report-builder: a function running as another role|This backend does not run function code)/,
    },
    {
      name: 'report.csv uploaded by hand instead of invoking', element: 'report.csv',
      apply: async (ctx) => {
        await solveWith(ctx, { invoke: false });
        await ctx.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: REPORT_KEY, Body: 'region,orders,revenue\nnorth,1,1\n' }));
      },
      expectFeedback: /report\.csv in acme-app-data was not written by report-builder/,
    },
    {
      name: 'AmazonS3FullAccess on the role', element: 'AmazonS3FullAccess',
      apply: async (ctx) => {
        await trustLambda(ctx);
        await ctx.clients.iam.send(new AttachRolePolicyCommand({ RoleName: REPORT_ROLE, PolicyArn: await awsManagedArn(ctx, 'AmazonS3FullAccess') }));
        await createFunction(ctx);
        await invoke(ctx);
      },
      expectFeedback: /cannot read objects in acme-app-data[\s\S]*Allowed when it should not be: AmazonS3FullAccess[\s\S]*AmazonS3FullAccess is attached to ReportBuilderRole/,
    },
  ],
});

/** The reference solution with one thing changed. */
async function solveWith(ctx: LabContext, o: { trust?: string[]; action?: string; resource?: string; invoke?: boolean }): Promise<void> {
  await trustLambda(ctx, ...(o.trust ?? []));
  await putPolicy(ctx, REPORT_ROLE, writeReportPolicy(o.resource ?? `${(await bucketArns(ctx)).bucket}/*`, o.action));
  await createFunction(ctx);
  if (o.invoke !== false) await invoke(ctx);
}
