/** CreateFunction, Get/Update/List/DeleteFunction: Node.js functions with zip packages. */
import crypto from 'node:crypto';
import { AwsError } from '../errors.js';
import { RestResult, type RestInput } from '../protocol/rest-json-service.js';
import { emptyRecord, getRecord, type KeyedRecord } from '../state/records.js';
import type { RequestContext } from '../types.js';
import { InvalidParameterValue, ResourceConflict, ResourceNotFound, ValidationError } from './errors.js';
import { functionKey, lambdaState, type LambdaFunction } from './models.js';
import { functionArn, notFoundMessage, parseFunctionName } from './names.js';
import { readZip, type CodePackage } from './package.js';
import { assumableExecutionRole, validateRoleArn } from './trust.js';

export const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'];
const DEPRECATED = /^(nodejs|nodejs4\.3|nodejs6\.10|nodejs8\.10|nodejs10\.x|nodejs12\.x|nodejs14\.x|nodejs16\.x|nodejs4\.3-edge|python2\.7|python3\.[678]|ruby2\.[57]|java8|dotnetcore[123]\.\d|dotnet6|go1\.x|provided)$/;
const OTHER_RUNTIMES = /^(java(8\.al2|11|17|21|25)|python3\.(9|1\d)|dotnet(8|10)|ruby3\.\d|ruby4\.0|provided\.al2(023)?)$/;
const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

/** Lambda's timestamp format: 2024-01-02T03:04:05.678+0000 */
export const lambdaTime = (d = new Date()): string => d.toISOString().replace('Z', '+0000');

function checkRuntime(runtime: unknown): string {
  const r = String(runtime ?? '');
  if (NODE_RUNTIMES.includes(r)) return r;
  if (DEPRECATED.test(r)) {
    throw InvalidParameterValue(`The runtime parameter of ${r} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`);
  }
  if (OTHER_RUNTIMES.test(r)) {
    throw InvalidParameterValue(`${r} is a Lambda runtime, but iam-labs' embedded emulator runs Node.js functions only (${NODE_RUNTIMES.join(', ')}).`);
  }
  throw InvalidParameterValue(`Value ${r} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${NODE_RUNTIMES.join(', ')}, python3.13, java21, dotnet8, ruby3.3, provided.al2023] or be a valid ARN`);
}

function checkRange(value: unknown, member: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw ValidationError(`1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must be an integer`);
  if (n < min) throw ValidationError(`1 validation error detected: Value '${n}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  if (n > max) throw ValidationError(`1 validation error detected: Value '${n}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  return n;
}

function checkHandler(handler: unknown): string {
  if (typeof handler !== 'string' || !handler) throw InvalidParameterValue('The Handler parameter is required for Zip package type functions.');
  if (handler.length > 128 || /\s/.test(handler)) {
    throw ValidationError(`1 validation error detected: Value '${handler}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`);
  }
  return handler;
}

function checkEnvironment(env: unknown): KeyedRecord<string> {
  const out = emptyRecord<string>();
  const vars = (env as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  if (!vars) return out;
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENV.has(k));
  if (reserved.length) {
    throw InvalidParameterValue(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  for (const [k, v] of Object.entries(vars)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])*$/.test(k)) throw ValidationError(`1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`);
    out[k] = String(v);
  }
  if (Buffer.byteLength(JSON.stringify(vars)) > 4096) {
    throw InvalidParameterValue(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${JSON.stringify(vars)}`);
  }
  return out;
}

/** ZipFile, or an object in the emulated S3 (Lambda reads it with the caller's permissions). */
async function codeFrom(ctx: RequestContext, src: Record<string, unknown>, operation: string): Promise<CodePackage> {
  if (src.ImageUri) throw InvalidParameterValue("iam-labs' embedded emulator runs .zip packages only; container images (ImageUri) are not emulated.");
  if (src.S3Bucket !== undefined || src.S3Key !== undefined) {
    const bucketName = String(src.S3Bucket ?? '');
    const key = String(src.S3Key ?? '');
    await ctx.authorize({ action: 's3:GetObject', resource: `arn:aws:s3:::${bucketName}/${key}`, resourcePolicy: getRecord(ctx.account.s3.buckets, bucketName)?.policy });
    const bucket = getRecord(ctx.account.s3.buckets, bucketName);
    if (!bucket) throw InvalidParameterValue('Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist');
    const object = getRecord(bucket.objects, key);
    if (!object) throw InvalidParameterValue('Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.');
    return readZip(object.body, operation);
  }
  return readZip(src.ZipFile, operation);
}

async function passRole(ctx: RequestContext, role: string, fnArn: string): Promise<void> {
  await ctx.authorize({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'lambda.amazonaws.com', 'iam:AssociatedResourceArn': fnArn } });
}

export function requireFunction(ctx: RequestContext, rawName: string): LambdaFunction {
  const ref = parseFunctionName(ctx, rawName);
  const fn = ref.accountId === ctx.account.accountId ? getRecord(lambdaState(ctx.account).functions, functionKey(ref.region, ref.name)) : undefined;
  if (!fn || (ref.qualifier && ref.qualifier !== '$LATEST')) throw ResourceNotFound(notFoundMessage(ref));
  return fn;
}

export type Phase = 'create' | 'update' | 'get' | 'list';

export function configurationShape(f: LambdaFunction, phase: Phase) {
  return {
    FunctionName: f.name,
    FunctionArn: f.arn,
    Runtime: f.runtime,
    Role: f.role,
    Handler: f.handler,
    CodeSize: f.codeSize,
    Description: f.description,
    Timeout: f.timeout,
    MemorySize: f.memorySize,
    LastModified: f.lastModified,
    CodeSha256: f.codeSha256,
    Version: '$LATEST',
    Environment: { Variables: { ...f.environment } },
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: f.revisionId,
    ...(phase === 'create'
      ? { State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' }
      : phase === 'update'
        ? { State: 'Active', LastUpdateStatus: 'InProgress', LastUpdateStatusReason: 'The function is being created.', LastUpdateStatusReasonCode: 'Creating' }
        : phase === 'get'
          ? { State: 'Active', LastUpdateStatus: 'Successful' }
          : {}),
    PackageType: 'Zip',
    Architectures: f.architectures,
    EphemeralStorage: { Size: f.ephemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: { RuntimeVersionArn: `arn:aws:lambda:${f.region}::runtime:${crypto.createHash('sha256').update(f.runtime).digest('hex')}` },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${f.name}` },
  };
}

function checkRevision(f: LambdaFunction, body: Record<string, unknown>, api: string): void {
  if (body.RevisionId !== undefined && body.RevisionId !== f.revisionId) {
    throw new AwsError('PreconditionFailedException', `The Revision Id provided does not match the latest Revision Id. Call the ${api} API to retrieve the latest Revision Id`, 412);
  }
}

export async function createFunction(ctx: RequestContext, input: RestInput) {
  const b = input.body;
  if (typeof b.FunctionName !== 'string') throw ValidationError("1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null");
  const ref = parseFunctionName(ctx, b.FunctionName);
  if (ref.name.length > 64) throw ValidationError(`1 validation error detected: Value '${ref.name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`);
  const role = validateRoleArn(b.Role);
  if (b.PackageType === 'Image') throw InvalidParameterValue("iam-labs' embedded emulator runs .zip packages only; container images are not emulated.");
  const runtime = checkRuntime(b.Runtime);
  const handler = checkHandler(b.Handler);
  const timeout = checkRange(b.Timeout, 'timeout', 1, 900) ?? 3;
  const memorySize = checkRange(b.MemorySize, 'memorySize', 128, 10240) ?? 128;
  const environment = checkEnvironment(b.Environment);
  const arn = functionArn(ctx.region, ctx.account.accountId, ref.name);
  await passRole(ctx, role, arn);
  const functions = lambdaState(ctx.account).functions;
  if (getRecord(functions, functionKey(ctx.region, ref.name))) throw ResourceConflict(`Function already exist: ${ref.name}`);
  const code = await codeFrom(ctx, (b.Code ?? {}) as Record<string, unknown>, 'CreateFunction');
  await assumableExecutionRole(ctx, role);
  const fn: LambdaFunction = {
    name: ref.name,
    arn,
    region: ctx.region,
    runtime,
    role,
    handler,
    description: typeof b.Description === 'string' ? b.Description : '',
    timeout,
    memorySize,
    environment,
    architectures: Array.isArray(b.Architectures) && b.Architectures.length ? (b.Architectures as string[]) : ['x86_64'],
    ephemeralStorage: Number((b.EphemeralStorage as { Size?: number } | undefined)?.Size ?? 512),
    zipFile: code.zip.toString('base64'),
    codeSha256: code.sha256,
    codeSize: code.size,
    lastModified: lambdaTime(),
    revisionId: crypto.randomUUID(),
    tags: Object.assign(emptyRecord<string>(), (b.Tags as Record<string, string> | undefined) ?? {}),
  };
  functions[functionKey(ctx.region, ref.name)] = fn;
  return new RestResult(201, configurationShape(fn, 'create'));
}

export function getFunction(ctx: RequestContext, input: RestInput) {
  const f = requireFunction(ctx, input.labels.FunctionName);
  return {
    Configuration: configurationShape(f, 'get'),
    Code: { RepositoryType: 'S3', Location: `https://awslambda-${f.region}-tasks.s3.${f.region}.amazonaws.com/snapshots/${ctx.account.accountId}/${f.name}-${f.revisionId}` },
    ...(Object.keys(f.tags).length ? { Tags: { ...f.tags } } : {}),
  };
}

export function getFunctionConfiguration(ctx: RequestContext, input: RestInput) {
  return configurationShape(requireFunction(ctx, input.labels.FunctionName), 'get');
}

export async function updateFunctionConfiguration(ctx: RequestContext, input: RestInput) {
  const f = requireFunction(ctx, input.labels.FunctionName);
  const b = input.body;
  checkRevision(f, b, 'GetFunction/GetAlias');
  const next = { ...f };
  if (b.Role !== undefined) {
    next.role = validateRoleArn(b.Role);
    await passRole(ctx, next.role, f.arn);
    await assumableExecutionRole(ctx, next.role);
  }
  if (b.Runtime !== undefined) next.runtime = checkRuntime(b.Runtime);
  if (b.Handler !== undefined) next.handler = checkHandler(b.Handler);
  if (b.Timeout !== undefined) next.timeout = checkRange(b.Timeout, 'timeout', 1, 900)!;
  if (b.MemorySize !== undefined) next.memorySize = checkRange(b.MemorySize, 'memorySize', 128, 10240)!;
  if (b.Environment !== undefined) next.environment = checkEnvironment(b.Environment);
  if (typeof b.Description === 'string') next.description = b.Description;
  Object.assign(f, next, { lastModified: lambdaTime(), revisionId: crypto.randomUUID() });
  return configurationShape(f, 'update');
}

export async function updateFunctionCode(ctx: RequestContext, input: RestInput) {
  const f = requireFunction(ctx, input.labels.FunctionName);
  const b = input.body;
  checkRevision(f, b, 'GetFunction/GetAlias');
  const code = await codeFrom(ctx, b, 'UpdateFunctionCode');
  if (b.DryRun === true) return configurationShape({ ...f, codeSha256: code.sha256, codeSize: code.size }, 'update');
  Object.assign(f, { zipFile: code.zip.toString('base64'), codeSha256: code.sha256, codeSize: code.size, lastModified: lambdaTime(), revisionId: crypto.randomUUID() });
  return configurationShape(f, 'update');
}

export function listFunctions(ctx: RequestContext, input: RestInput) {
  const max = input.query.get('MaxItems');
  const maxItems = max === null ? 50 : Number(max);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) {
    throw ValidationError(`1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`);
  }
  const all = Object.values(lambdaState(ctx.account).functions)
    .filter((f) => f.region === ctx.region)
    .sort((a, b) => a.name.localeCompare(b.name));
  const marker = input.query.get('Marker');
  const start = marker ? Math.max(0, all.findIndex((f) => f.name === Buffer.from(marker, 'base64').toString('utf8'))) : 0;
  const page = all.slice(start, start + maxItems);
  const next = start + maxItems < all.length ? Buffer.from(all[start + maxItems].name).toString('base64') : undefined;
  return { Functions: page.map((f) => configurationShape(f, 'list')), ...(next ? { NextMarker: next } : {}) };
}

export function deleteFunction(ctx: RequestContext, input: RestInput) {
  const f = requireFunction(ctx, input.labels.FunctionName);
  delete lambdaState(ctx.account).functions[functionKey(f.region, f.name)];
  return new RestResult(204, undefined);
}
