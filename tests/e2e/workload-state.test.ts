/**
 * The new services' state lives in the account: it survives a restart from the state file
 * (names like `constructor` and `__proto__` included), instance credentials from the metadata
 * service stay valid across it, CloudTrail history persists, and a reset empties everything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateAnalyzerCommand, GetAnalyzerCommand, ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CONTROL_TOKEN_HEADER, type StartedEmulator } from '../../src/emulator/index.js';
import { instanceMetadataEndpoint } from '../../src/emulator/imds/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';
import { serviceClients } from '../helpers/services.js';
import { ACCOUNT, createRole, trustPolicy } from './sts-helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-workload-state-'));
const stateFile = path.join(dir, 'state.json');
let em: StartedEmulator | undefined;
let instanceId = '';
let creds: { AccessKeyId: string; SecretAccessKey: string; Token: string };

afterAll(async () => {
  await em?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('workload state', () => {
  it('is written to the state file', async () => {
    em = await startTestEmulator({ stateFile });
    const root = clients(em.endpoint);
    const s = serviceClients(em.endpoint);
    await createRole(root.iam, 'AppRole', trustPolicy({ Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com'] }));
    await root.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'AppProfile' }));
    await root.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'AppProfile', RoleName: 'AppRole' }));
    await s.ecr.send(new CreateRepositoryCommand({ repositoryName: 'constructor' }));
    await s.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'constructor',
        Runtime: 'nodejs20.x',
        Role: `arn:aws:iam::${ACCOUNT}:role/AppRole`,
        Handler: 'index.handler',
        Code: { ZipFile: Buffer.from(zipSync({ 'index.mjs': strToU8('export const handler = async () => "still here";') })) },
      }),
    );
    await s.accessanalyzer.send(new CreateAnalyzerCommand({ analyzerName: '__proto__', type: 'ACCOUNT' }));
    const r = await s.ec2.send(new RunInstancesCommand({ ImageId: 'ami-0abcdef1234567890', MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'AppProfile' } }));
    instanceId = r.Instances![0].InstanceId!;
    const imds = await instanceMetadataEndpoint(em.emulator, instanceId);
    creds = (await (await fetch(`${imds.endpoint}/latest/meta-data/iam/security-credentials/AppRole`)).json()) as typeof creds;
    await em.close();
    em = undefined;
    const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    expect(Object.keys(saved.accounts[ACCOUNT])).toEqual(expect.arrayContaining(['ec2', 'lambda', 'ecr', 'accessanalyzer', 'cloudtrail']));
  });

  it('comes back after a restart, with prototype-like names intact and instance credentials still valid', async () => {
    em = await startTestEmulator({ stateFile });
    const s = serviceClients(em.endpoint);
    expect((await s.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['constructor'] }))).repositories![0].repositoryName).toBe('constructor');
    await expectAwsError(s.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['hasownproperty'] })), { code: 'RepositoryNotFoundException' });
    expect((await s.lambda.send(new GetFunctionCommand({ FunctionName: 'constructor' }))).Configuration!.FunctionName).toBe('constructor');
    const out = await s.lambda.send(new InvokeCommand({ FunctionName: 'constructor' }));
    expect(Buffer.from(out.Payload!).toString()).toBe('"still here"');
    expect((await s.accessanalyzer.send(new GetAnalyzerCommand({ analyzerName: '__proto__' }))).analyzer!.name).toBe('__proto__');
    expect((await s.accessanalyzer.send(new ListAnalyzersCommand({}))).analyzers!.length).toBe(1);
    const d = await s.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    expect(d.Reservations![0].Instances![0].IamInstanceProfile!.Arn).toBe(`arn:aws:iam::${ACCOUNT}:instance-profile/AppProfile`);
    const who = await clients(em.endpoint, { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.Token }).sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/AppRole/${instanceId}`);
    const events = (await s.cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateRepository' }] }))).Events!;
    expect(events.length).toBe(1);
  });

  it('a reset empties the new services too and closes the metadata listeners', async () => {
    const imds = await instanceMetadataEndpoint(em!.emulator, instanceId);
    const r = await fetch(`${em!.endpoint}/_iam-labs/reset`, { method: 'POST', headers: { [CONTROL_TOKEN_HEADER]: em!.emulator.controlToken } });
    expect(r.status).toBe(200);
    const s = serviceClients(em!.endpoint);
    expect((await s.ecr.send(new DescribeRepositoriesCommand({}))).repositories).toEqual([]);
    expect((await s.ec2.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    expect((await s.cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateRepository' }] }))).Events).toEqual([]);
    await new Promise((res) => setTimeout(res, 50));
    await expect(fetch(`${imds.endpoint}/latest/meta-data/instance-id`)).rejects.toThrow();
  });
});
