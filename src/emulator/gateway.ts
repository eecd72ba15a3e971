/**
 * The request pipeline: resolve service → authenticate (SigV4) → (service module: parse →
 * authorize → dispatch → serialize), with one catch that turns any error into the protocol's
 * error shape. Knows nothing of sockets: http-server.ts and the in-process SDK handler feed it.
 */
import crypto from 'node:crypto';
import { authenticate } from './auth/authenticate.js';
import { anonymousPrincipal, type Principal } from './auth/principal.js';
import { parseSigV4, type SigV4Auth } from './auth/sigv4.js';
import { authorizeRequest } from './authz/index.js';
import { AwsError, InternalFailure, MissingAuthenticationToken, UnknownService } from './errors.js';
import { iamOperations } from './iam/operations.js';
import { QueryService } from './protocol/query-service.js';
import { s3Service } from './s3/service.js';
import { recordCall, withCallNotes, workloadServices } from './service-modules.js';
import { stsOperations } from './sts/operations.js';
import type { Emulator, IncomingRequest, OutgoingResponse, RequestContext, ServiceModule } from './types.js';

// Keyed by the SigV4 signing name; every call is recorded in CloudTrail's event history (recordCall).
const services: Record<string, ServiceModule> = {
  iam: new QueryService('iam', withCallNotes('iam', iamOperations)),
  sts: new QueryService('sts', withCallNotes('sts', stsOperations)),
  s3: s3Service,
  ...workloadServices,
};

/** Header a lab may set to stand in for the client's address (to teach aws:SourceIp from one machine). */
export const SOURCE_IP_HEADER = 'x-iam-labs-source-ip';

/** Which service a request is for: the SigV4 scope when signed, else the shape of the request. */
function resolveService(req: IncomingRequest, auth: SigV4Auth | undefined): string {
  if (auth) return auth.service;
  const ct = String(req.headers['content-type'] ?? '');
  if (req.method === 'POST' && ct.includes('application/x-www-form-urlencoded')) {
    const version = new URLSearchParams(req.body.toString('utf8')).get('Version');
    return version === '2011-06-15' ? 'sts' : 'iam';
  }
  if (/(?:^|&)Action=/.test(req.rawQuery)) return 'iam';
  return 's3';
}

/** STS calls AWS takes unsigned: the web identity token or SAML assertion is the credential. */
const UNSIGNED_STS_ACTIONS = new Set(['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']);

function isUnsignedStsCall(service: string, req: IncomingRequest): boolean {
  if (service !== 'sts') return false;
  const action = new URLSearchParams(req.body.toString('utf8')).get('Action') ?? new URLSearchParams(req.rawQuery).get('Action');
  return UNSIGNED_STS_ACTIONS.has(action ?? '');
}

export function newRequestId(): string {
  return crypto.randomUUID();
}

export async function handleRequest(emulator: Emulator, req: IncomingRequest): Promise<OutgoingResponse> {
  const requestId = newRequestId();
  let module: ServiceModule = services.iam;
  try {
    let auth: SigV4Auth | undefined;
    let authError: unknown;
    try {
      auth = parseSigV4(req);
    } catch (e) {
      authError = e;
    }
    const service = resolveService(req, auth);
    module = services[service] ?? services.iam;
    if (authError) {
      // S3 words a Signature Version 2 request its own way (buckets made since 2020 refuse SigV2).
      const authz = String(req.headers.authorization ?? '');
      if (service === 's3' && authz.startsWith('AWS ')) {
        throw new AwsError('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.', 400);
      }
      throw authError;
    }
    if (!services[service]) {
      throw new UnknownService(
        `The service '${service}' is not emulated here: iam-labs' embedded emulator serves IAM, STS and S3. Use --backend localstack for other services.`,
      );
    }

    let principal: Principal | undefined;
    if (auth) principal = authenticate(emulator, req, auth);
    else if (service !== 's3' && !isUnsignedStsCall(service, req)) throw new MissingAuthenticationToken('Request is missing Authentication Token');

    const headerIp = req.headers[SOURCE_IP_HEADER];
    const ctx: RequestContext = {
      emulator,
      // Anonymous S3 requests act against the default account; the S3 module treats them as anonymous.
      account: emulator.state.account(principal?.accountId ?? emulator.state.defaultAccountId),
      principal: principal ?? anonymousPrincipal(emulator.state.defaultAccountId),
      auth,
      region: auth?.region ?? 'us-east-1',
      service,
      requestId,
      sourceIp: typeof headerIp === 'string' && headerIp ? headerIp : req.remoteAddress,
      secureTransport: req.secure,
      request: req,
      authorize: (spec) => authorizeRequest(ctx, spec),
    };
    if (principal && principal.kind !== 'root') {
      // Authentication recorded key or role last use; keep it durable (batched).
      emulator.state.touch(principal.accountId, { service, operation: 'LastUsed' });
    }
    return await recordCall(ctx, () => module.handle(ctx));
  } catch (e) {
    const err = e instanceof AwsError ? e : internalError(e);
    return module.serializeError(err, { requestId, request: req });
  }
}

function internalError(e: unknown): AwsError {
  // A bug in the emulator: report it as AWS would (500), and keep the detail for the log.
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.emitWarning(`iam-labs emulator internal error: ${detail}`);
  return new InternalFailure('The request processing has failed because of an unknown error, exception or failure.');
}

