/** The wire protocols the workload services use: EC2 Query parameters and XML, REST-JSON routing, JSON RPC errors. */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/emulator/errors.js';
import { ec2Error, Ec2Params, ec2Response } from '../../src/emulator/protocol/ec2-query.js';
import { jsonRpcError, parseJsonRpc } from '../../src/emulator/protocol/json-rpc.js';
import { toWire } from '../../src/emulator/protocol/json-values.js';
import { RestRouter, restJsonError } from '../../src/emulator/protocol/rest-json.js';
import type { IncomingRequest } from '../../src/emulator/types.js';

const req = (over: Partial<IncomingRequest>): IncomingRequest => ({
  method: 'POST',
  rawPath: '/',
  rawQuery: '',
  headers: {},
  body: Buffer.alloc(0),
  remoteAddress: '127.0.0.1',
  secure: false,
  ...over,
});

describe('EC2 Query parameters', () => {
  const p = Ec2Params.parse(
    'Action=RunInstances&InstanceId.2=i-b&InstanceId.1=i-a&Filter.1.Name=tag%3AName&Filter.1.Value.1=web&Filter.1.Value.2=db' +
      '&IamInstanceProfile.Name=AppServerProfile&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=x',
    '',
  );
  it('reads flattened lists in index order, filters, structures and nested tag lists', () => {
    expect(p.list('InstanceId')).toEqual(['i-a', 'i-b']);
    expect(p.filters()).toEqual([{ name: 'tag:Name', values: ['web', 'db'] }]);
    expect(p.struct('IamInstanceProfile')?.str('Name')).toBe('AppServerProfile');
    const spec = p.structs('TagSpecification')[0];
    expect(spec.str('ResourceType')).toBe('instance');
    expect(spec.tags()).toEqual([{ Key: 'Name', Value: 'x' }]);
  });
  it('keeps parameter names like __proto__ as plain keys', () => {
    const q = Ec2Params.parse('__proto__=x&constructor=y', '');
    expect(q.str('__proto__')).toBe('x');
    expect(q.str('constructor')).toBe('y');
    expect(q.str('toString')).toBeUndefined();
  });
  it('serializes lists as <item> and errors as <Response><Errors>', () => {
    const out = ec2Response('DescribeTags', { tagSet: [{ key: 'a', value: '<b>' }], flag: true }, 'rid');
    expect(String(out.body)).toContain('<DescribeTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>rid</requestId>');
    expect(String(out.body)).toContain('<tagSet><item><key>a</key><value>&lt;b&gt;</value></item></tagSet><flag>true</flag>');
    const err = ec2Error(new AwsError('InvalidInstanceID.NotFound', "The instance ID 'i-1' does not exist", 400), 'rid');
    expect(err.status).toBe(400);
    expect(String(err.body)).toContain('<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID &apos;i-1&apos; does not exist</Message></Error></Errors><RequestID>rid</RequestID></Response>');
  });
});

describe('REST-JSON routing', () => {
  const router = new RestRouter([
    { method: 'GET', path: '/analyzer/{analyzerName}', operation: 'GetAnalyzer' },
    { method: 'GET', path: '/analyzer', operation: 'ListAnalyzers' },
    { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/invocations', operation: 'Invoke' },
  ]);
  it('matches method and template, decoding labels', () => {
    expect(router.match(req({ method: 'GET', rawPath: '/analyzer/org%2Danalyzer' }))).toMatchObject({ operation: 'GetAnalyzer', labels: { analyzerName: 'org-analyzer' } });
    expect(router.match(req({ method: 'GET', rawPath: '/analyzer' }))?.operation).toBe('ListAnalyzers');
    expect(router.match(req({ method: 'POST', rawPath: '/2015-03-31/functions/f/invocations' }))?.labels.FunctionName).toBe('f');
    expect(router.match(req({ method: 'DELETE', rawPath: '/analyzer' }))).toBeUndefined();
  });
  it('puts the error code in x-amzn-errortype; Lambda adds Type', () => {
    const e = new AwsError('ResourceNotFoundException', 'Function not found: arn', 404);
    const lambda = restJsonError(e, 'r', 'lambda');
    expect(lambda.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect(JSON.parse(String(lambda.body))).toEqual({ Type: 'User', Message: 'Function not found: arn' });
    expect(JSON.parse(String(restJsonError(e, 'r', 'message').body))).toEqual({ message: 'Function not found: arn' });
  });
});

describe('AWS JSON 1.1', () => {
  it('takes the operation from X-Amz-Target and refuses other prefixes', () => {
    const call = parseJsonRpc(req({ headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.CreateRepository' }, body: Buffer.from('{"repositoryName":"a"}') }), 'AmazonEC2ContainerRegistry_V20150921');
    expect(call).toEqual({ operation: 'CreateRepository', input: { repositoryName: 'a' } });
    expect(() => parseJsonRpc(req({ headers: { 'x-amz-target': 'Other.CreateRepository' } }), 'AmazonEC2ContainerRegistry_V20150921')).toThrow(/Unknown operation/);
    expect(() => parseJsonRpc(req({ headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.X' }, body: Buffer.from('[1]') }), 'AmazonEC2ContainerRegistry_V20150921')).toThrow(AwsError);
  });
  it('writes errors as __type + message, timestamps as epoch seconds', () => {
    const out = jsonRpcError(new AwsError('RepositoryNotFoundException', 'gone', 400), 'r', '1.1');
    expect(JSON.parse(String(out.body))).toEqual({ __type: 'RepositoryNotFoundException', message: 'gone' });
    expect(out.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(toWire({ at: new Date(1500), none: undefined }, 'epoch-seconds')).toEqual({ at: 1.5 });
    expect(toWire({ at: new Date(0) }, 'iso8601')).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });
});

describe('names that look like prototype properties', () => {
  it('never reach Object.prototype through CloudTrail parameters or wire values', async () => {
    const { ec2RequestParameters } = await import('../../src/emulator/ec2/trail.js');
    const { queryParameters } = await import('../../src/emulator/cloudtrail/parameters.js');
    const { lowerFirstKeys } = await import('../../src/emulator/protocol/service-operation.js');
    ec2RequestParameters('RunInstances', Ec2Params.parse('__proto__.polluted=1&constructor.prototype.polluted=1&ImageId=ami-12345678', ''));
    queryParameters({ '__proto__.member.1.polluted': 'x', __proto__: 'y' } as Record<string, string>);
    const wire = toWire(JSON.parse('{"__proto__":{"polluted":1},"a":1}'), 'epoch-seconds') as Record<string, unknown>;
    const lowered = lowerFirstKeys(JSON.parse('{"__proto__":{"polluted":1}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(wire)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(wire)).toBe('{"__proto__":{"polluted":1},"a":1}');
    expect(Object.keys(lowered)).toEqual(['__proto__']);
  });
});

describe('wildcards', () => {
  it('match * and ? like EC2 filters and policies, in linear time', async () => {
    const { globMatch } = await import('../../src/emulator/glob.js');
    expect(globMatch('da*', 'data')).toBe(true);
    expect(globMatch('d?ta', 'data')).toBe(true);
    expect(globMatch('s3:Get*', 's3:GetObject')).toBe(true);
    expect(globMatch('s3:get*', 's3:GetObject', true)).toBe(true);
    expect(globMatch('s3:get*', 's3:GetObject')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('a*b', 'ab')).toBe(true);
    expect(globMatch('a*b', 'a')).toBe(false);
    const started = Date.now();
    expect(globMatch(`${'*a'.repeat(200)}b`, 'a'.repeat(5000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
