/**
 * The request pipeline, in two stages so that nothing large is read before the caller is known:
 *   admit (headers only): refuse browsers → parse the signature → resolve the service → check the
 *     request's time → authenticate when the payload hash is declared → how much body to accept;
 *   handle (with the body): authenticate when the signature covers the body → (service module:
 *     parse → authorize → dispatch → serialize), with one catch that turns any error into the
 *     protocol's error shape.
 * Knows nothing of sockets: http-server.ts and the in-process SDK handler feed it.
 */
import crypto from 'node:crypto';
import { MatchBudget } from '../policy/index.js';
import { authenticate } from './auth/authenticate.js';
import { browserRefusalMessage, browserRequestReason } from './auth/browser.js';
import { anonymousPrincipal, type Principal } from './auth/principal.js';
import { checkRequestTime } from './auth/request-time.js';
import { parseSigV4, sha256Hex, type SigV4Auth } from './auth/sigv4.js';
import { authorizeRequest } from './authz/index.js';
import {
  AccessDenied,
  AwsError,
  EntityTooLarge,
  InternalFailure,
  InvalidRequest,
  MissingAuthenticationToken,
  RequestEntityTooLarge,
  SignatureDoesNotMatch,
  UnknownService,
} from './errors.js';
import { iamOperations } from './iam/operations.js';
import { QueryService } from './protocol/query-service.js';
import { s3BodyLimit } from './s3/routing.js';
import { s3Service } from './s3/service.js';
import { isWorkloadService, loadWorkloadService, recordCall, withCallNotes, workloadBodyLimit } from './service-modules.js';
import { stsOperations } from './sts/operations.js';
import type { Emulator, IncomingRequest, OutgoingResponse, RequestContext, ServiceModule } from './types.js';

/**
 * Service (the SigV4 signing name) → module; every call is recorded in CloudTrail's event
 * history (recordCall). A Map: a scope naming `__proto__` finds nothing. The workload services
 * (service-modules.ts) join it as their code loads, on their first request.
 */
const services = new Map<string, ServiceModule>([
  ['iam', new QueryService('iam', withCallNotes('iam', iamOperations))],
  ['sts', new QueryService('sts', withCallNotes('sts', stsOperations))],
  ['s3', s3Service],
]);

/** The module that answers for `service` (IAM's for a name no service has), its code loaded first if need be. */
async function moduleFor(service: string): Promise<ServiceModule> {
  const loaded = services.get(service);
  if (loaded) return loaded;
  const module = await loadWorkloadService(service);
  if (!module) return services.get('iam')!;
  services.set(service, module);
  return module;
}

/** Header a lab may set to stand in for the client's address (to teach aws:SourceIp from one machine). */
export const SOURCE_IP_HEADER = 'x-iam-labs-source-ip';

/**
 * Bodies read before the caller is known (an unsigned STS call carries its credential, a SAML
 * assertion of up to 100,000 characters, in the body), or for calls whose signature covers the
 * body (IAM, STS).
 */
export const UNAUTHENTICATED_BODY_LIMIT = 256 * 1024;
export const QUERY_BODY_LIMIT = 1024 * 1024;
/** An anonymous S3 upload (to a bucket whose policy allows it) stays small. */
export const ANONYMOUS_S3_BODY_LIMIT = 1024 * 1024;

/** A request without its body: what the first stage looks at. */
export type RequestHead = Omit<IncomingRequest, 'body'>;

export interface Admission {
  requestId: string;
  service: string;
  auth?: SigV4Auth;
  /** set when the signature could be checked from the headers alone */
  principal?: Principal;
  /** the largest body this request may carry */
  bodyLimit: number;
  /** the request is refused: answer this without reading the body */
  error?: AwsError;
}

export function newRequestId(): string {
  return crypto.randomUUID();
}

const header = (h: RequestHead['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Which service an unsigned request is for, from its shape (the body is not read yet). */
function guessService(req: RequestHead): string {
  const q = new URLSearchParams(req.rawQuery);
  if (q.has('Action')) return q.get('Version') === '2011-06-15' ? 'sts' : 'iam';
  const ct = String(header(req.headers, 'content-type') ?? '');
  if (req.method === 'POST' && ct.includes('application/x-www-form-urlencoded')) return 'iam';
  return 's3';
}

/** Stage one: everything that can be decided from the request line and headers. */
export function admit(emulator: Emulator, req: RequestHead, requestId: string = newRequestId()): Admission {
  let auth: SigV4Auth | undefined;
  let parseError: unknown;
  try {
    auth = parseSigV4({ ...req, body: Buffer.alloc(0) });
  } catch (e) {
    parseError = e;
  }
  const service = auth?.service ?? guessService(req);
  const admission: Admission = { requestId, service, auth, bodyLimit: UNAUTHENTICATED_BODY_LIMIT };
  const refuse = (e: unknown): Admission => ({ ...admission, error: e instanceof AwsError ? e : internalError(e) });
  try {
    const browser = browserRequestReason(req.headers);
    if (browser) throw new AccessDenied(browserRefusalMessage(browser));
    if (parseError) {
      // S3 words a Signature Version 2 request its own way (buckets made since 2020 refuse SigV2).
      if (service === 's3' && String(header(req.headers, 'authorization') ?? '').startsWith('AWS ')) {
        throw new InvalidRequest('The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
      }
      throw parseError;
    }
    if (!services.has(service) && !isWorkloadService(service)) {
      throw new UnknownService(
        `The service '${service.slice(0, 64)}' is not emulated here: iam-labs' embedded emulator serves IAM, STS, S3, EC2, Lambda, ECR, CloudTrail and IAM Access Analyzer. Use --backend localstack for other services.`,
      );
    }
    if (!auth) {
      admission.bodyLimit = service === 's3' ? ANONYMOUS_S3_BODY_LIMIT : UNAUTHENTICATED_BODY_LIMIT;
      return admission;
    }
    checkRequestTime(auth, req.headers, new URLSearchParams(req.rawQuery));
    const declared = header(req.headers, 'x-amz-content-sha256');
    if (service === 's3' && !auth.presigned && !declared) {
      throw new InvalidRequest('Missing required header for this request: x-amz-content-sha256');
    }
    const serviceLimit = workloadBodyLimit(service) ?? QUERY_BODY_LIMIT;
    if (declared || (auth.presigned && service === 's3')) {
      // The signature covers the declared hash, not the body: check it before reading a byte.
      admission.principal = authenticate(emulator, { ...req, body: Buffer.alloc(0) }, auth);
      admission.bodyLimit = service === 's3' ? s3BodyLimit(req, emulator.config.maxBodyBytes) : serviceLimit;
    } else {
      // The signature covers the body itself (IAM, STS and the JSON services): read it, bounded.
      admission.bodyLimit = serviceLimit;
    }
    return admission;
  } catch (e) {
    return refuse(e);
  }
}

/** The error for a body over the admission's limit, in the service's words. */
export function bodyTooLarge(admission: Admission, size?: number): AwsError {
  if (admission.service === 's3') {
    return new EntityTooLarge('Your proposed upload exceeds the maximum allowed size', {
      ...(size !== undefined ? { ProposedSize: String(size) } : {}),
      MaxSizeAllowed: String(admission.bodyLimit),
    });
  }
  return new RequestEntityTooLarge(`Request body is larger than this emulator accepts (${admission.bodyLimit} bytes).`);
}

/** The protocol's error response for a request that never reached its service module. */
export async function errorResponse(admission: Admission, err: AwsError, req: RequestHead): Promise<OutgoingResponse> {
  const module = services.get(admission.service) ?? (await moduleFor(admission.service));
  return module.serializeError(err, { requestId: admission.requestId, request: { ...req, body: Buffer.alloc(0) } });
}

/** Stage two (and, for the in-process handler, stage one too). */
export async function handleRequest(emulator: Emulator, req: IncomingRequest, admitted?: Admission): Promise<OutgoingResponse> {
  const admission = admitted ?? admit(emulator, req);
  const { requestId } = admission;
  // (a workload service's code loads here, on its first request)
  let module = services.get(admission.service) ?? (await moduleFor(admission.service));
  try {
    if (admission.error) throw admission.error;
    if (req.body.length > admission.bodyLimit) throw bodyTooLarge(admission, req.body.length);
    const { auth } = admission;
    let service = admission.service;
    let principal = admission.principal;
    if (auth && !principal) principal = authenticate(emulator, req, auth);
    else if (auth && service !== 's3') checkDeclaredPayload(req);
    if (!auth && service !== 's3') {
      // An unsigned form: its Version says which Query service it meant.
      if (service === 'iam' && new URLSearchParams(req.body.toString('utf8')).get('Version') === '2011-06-15') {
        service = 'sts';
        module = services.get('sts')!;
      }
      if (!isUnsignedStsCall(service, req)) throw new MissingAuthenticationToken('Request is missing Authentication Token');
    }

    const ctx: RequestContext = {
      emulator,
      // Anonymous S3 requests act against the default account; the S3 module treats them as anonymous.
      account: emulator.state.account(principal?.accountId ?? emulator.state.defaultAccountId),
      principal: principal ?? anonymousPrincipal(emulator.state.defaultAccountId),
      auth,
      region: auth?.region ?? 'us-east-1',
      service,
      requestId,
      sourceIp: sourceIp(req, auth),
      secureTransport: req.secure,
      request: req,
      authorize: (spec) => authorizeRequest(ctx, spec),
      // One budget for all the policy matching this request causes, however many evaluations.
      budget: new MatchBudget(),
    };
    if (principal && principal.kind !== 'root' && !req.observer) {
      // Authentication recorded key or role last use; keep it durable (batched).
      emulator.state.touch(principal.accountId, { service, operation: 'LastUsed' });
    }
    const response = req.observer ? await module.handle(ctx) : await recordCall(ctx, () => module.handle(ctx));
    // Nothing is acknowledged before it is on disk (group commit: one fsync for the writes of a tick).
    await emulator.state.settled();
    return response;
  } catch (e) {
    const err = e instanceof AwsError ? e : internalError(e);
    return module.serializeError(err, { requestId, request: req });
  }
}

/** STS calls AWS takes unsigned: the web identity token or SAML assertion is the credential. */
const UNSIGNED_STS_ACTIONS = new Set(['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']);

function isUnsignedStsCall(service: string, req: IncomingRequest): boolean {
  if (service !== 'sts') return false;
  const action = new URLSearchParams(req.body.toString('utf8')).get('Action') ?? new URLSearchParams(req.rawQuery).get('Action');
  return UNSIGNED_STS_ACTIONS.has(action ?? '');
}

/**
 * aws:SourceIp: the client's address, or the lab's stand-in header when the caller signed it
 * (an unsigned header could be added by anyone between the client and the emulator).
 */
function sourceIp(req: IncomingRequest, auth: SigV4Auth | undefined): string {
  const given = header(req.headers, SOURCE_IP_HEADER);
  return given && auth?.signedHeaders.includes(SOURCE_IP_HEADER) ? given : req.remoteAddress;
}

/** IAM and STS: a declared payload hash must be the body's (S3 checks its own, chunked.ts). */
function checkDeclaredPayload(req: IncomingRequest): void {
  const declared = header(req.headers, 'x-amz-content-sha256');
  if (!declared || !/^[0-9a-f]{64}$/i.test(declared)) return;
  if (sha256Hex(req.body) !== declared.toLowerCase()) {
    throw new SignatureDoesNotMatch(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}

function internalError(e: unknown): AwsError {
  // A bug in the emulator: report it as AWS would (500), and keep the detail for the log.
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.emitWarning(`iam-labs emulator internal error: ${detail}`);
  return new InternalFailure('The request processing has failed because of an unknown error, exception or failure.');
}
