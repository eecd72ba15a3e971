import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/backends/index.js';
import { checkEndpointAllowed, startEndpoint } from '../../src/backends/endpoint.js';
import { honoursEndpointEnv } from '../../src/runner/aws-cli.js';
import { LabAwsFiles } from '../../src/runner/aws-files.js';
import { SafetyError, UsageError } from '../../src/core/errors.js';
import { labPaths } from '../../src/core/paths.js';

describe('endpoint safety', () => {
  it('loopback http is fine; remote http needs --allow-remote', () => {
    expect(checkEndpointAllowed('http://127.0.0.1:4566', {}).port).toBe('4566');
    expect(checkEndpointAllowed('http://localhost:5000', {}).hostname).toBe('localhost');
    expect(() => checkEndpointAllowed('http://10.1.2.3:4566', {})).toThrow(SafetyError);
    try {
      checkEndpointAllowed('http://lab.example.edu:4566', {});
    } catch (e) {
      expect((e as SafetyError).message).toMatch(/plain http to another machine/);
      expect((e as SafetyError).hint).toMatch(/--allow-remote/);
    }
    expect(checkEndpointAllowed('http://lab.example.edu:4566', { allowRemote: true }).hostname).toBe('lab.example.edu');
    expect(checkEndpointAllowed('https://lab.example.edu', {}).hostname).toBe('lab.example.edu');
  });

  it('amazonaws.com is refused without --real-aws, whatever the scheme', () => {
    for (const url of ['https://iam.amazonaws.com', 'https://sts.us-east-1.amazonaws.com', 'http://s3.amazonaws.com']) {
      expect(() => checkEndpointAllowed(url, {})).toThrow(SafetyError);
      expect(() => checkEndpointAllowed(url, { allowRemote: true })).toThrow(/real AWS/);
    }
    expect(() => checkEndpointAllowed('https://iam.amazonaws.com', { realAws: '1234' })).toThrow(UsageError);
    expect(checkEndpointAllowed('https://iam.amazonaws.com', { realAws: '111122223333' }).hostname).toBe('iam.amazonaws.com');
  });

  it('not a URL → usage error', () => {
    expect(() => checkEndpointAllowed('localhost:4566', {})).toThrow(UsageError);
    expect(() => checkEndpointAllowed('ftp://x', {})).toThrow(UsageError);
  });

  it('--real-aws with another account is refused before anything is changed', async () => {
    const calls: string[] = [];
    const identify = async (endpoint: string) => {
      calls.push(endpoint);
      return { account: '999999999999', arn: 'arn:aws:iam::999999999999:user/someone' };
    };
    const opts = { home: os.tmpdir(), detach: true, endpoint: 'https://iam.amazonaws.com', realAws: '111122223333', env: {}, log: () => {} };
    await expect(startEndpoint(opts, identify)).rejects.toThrow(/belong to account 999999999999, not 111122223333 as --real-aws says\. Nothing was changed/);
    expect(calls).toEqual(['https://iam.amazonaws.com']);
    const ok = await startEndpoint(opts, async () => ({ account: '111122223333', arn: 'arn:aws:iam::111122223333:root' }));
    expect(ok.info.realAwsAccount).toBe('111122223333');
    expect(ok.resetsAccount).toBe(false);
  });
});

describe('backend choice', () => {
  it('auto: endpoint flag, then IAM_LABS_ENDPOINT, else embedded — always with a reason', () => {
    expect(chooseBackend(undefined, 'http://127.0.0.1:1', {})).toMatchObject({ name: 'endpoint', reason: /--endpoint/ });
    expect(chooseBackend('auto', undefined, { IAM_LABS_ENDPOINT: 'http://127.0.0.1:2' })).toMatchObject({ name: 'endpoint', endpoint: 'http://127.0.0.1:2', reason: /IAM_LABS_ENDPOINT/ });
    expect(chooseBackend(undefined, undefined, {})).toMatchObject({ name: 'embedded', reason: /embedded/ });
    expect(chooseBackend(undefined, undefined, { IAM_LABS_BACKEND: 'moto' })).toMatchObject({ name: 'moto', reason: /IAM_LABS_BACKEND=moto/ });
    expect(chooseBackend('localstack', undefined, {})).toMatchObject({ name: 'localstack', reason: /--backend localstack/ });
    expect(() => chooseBackend('docker', undefined, {})).toThrow(/unknown backend 'docker'/);
  });
});

describe('AWS CLI endpoint support', () => {
  it.each([
    ['1.45.11', true],
    ['1.29.0', true],
    ['1.28.9', false],
    ['2.9.19', false],
    ['2.13.0', true],
    ['2.27.1', true],
  ])('%s honours AWS_ENDPOINT_URL: %s', (v, want) => expect(honoursEndpointEnv(v)).toBe(want));
});

describe('lab AWS files', () => {
  it('root as default, seeded profiles with endpoint_url, learner sections kept', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-files-'));
    const paths = labPaths(home, '04-policies');
    const files = new LabAwsFiles(paths, 'http://127.0.0.1:4566', 'us-east-1');
    files.init({ accessKeyId: 'test', secretAccessKey: 'test' });
    files.set('analyst', { accessKeyId: 'AKIAANALYST', secretAccessKey: 's3cret' });
    // the learner runs `aws configure --profile samy`
    fs.appendFileSync(paths.awsCredentials, '\n[samy]\naws_access_key_id = AKIASAMY\naws_secret_access_key = x\n');
    files.set('intern', { accessKeyId: 'AKIAINTERN', secretAccessKey: 'y', sessionToken: 'tok' });
    expect(files.get('default')).toEqual({ accessKeyId: 'test', secretAccessKey: 'test' });
    expect(files.get('samy')).toEqual({ accessKeyId: 'AKIASAMY', secretAccessKey: 'x' });
    expect(files.get('intern')?.sessionToken).toBe('tok');
    const config = fs.readFileSync(paths.awsConfig, 'utf8');
    expect(config).toMatch(/\[default\]\nregion = us-east-1\noutput = json\ncli_timestamp_format = iso8601\nendpoint_url = http:\/\/127\.0\.0\.1:4566/);
    expect(config).toMatch(/\[profile analyst\][^[]*endpoint_url = http:\/\/127\.0\.0\.1:4566/);
    files.remove('analyst');
    expect(files.get('analyst')).toBeUndefined();
    expect(files.names()).toEqual(['default', 'samy', 'intern']);
    expect(fs.statSync(paths.awsCredentials).mode & 0o077).toBe(0);
  });
});
