/**
 * GetWebIdentityToken (outbound web identity federation): a JSON Web Token that proves the
 * calling IAM principal to an external service, signed with the account's key under the issuer
 * EnableOutboundWebIdentityFederation gave the account.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { AwsError, ValidationError } from '../errors.js';
import { validateTags } from '../iam/tags.js';
import { tagsFrom } from '../iam/util.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { stsViolations } from './validation.js';

const generate = promisify(crypto.generateKeyPair);
// Keys are made off the event loop: an RSA key takes long enough to stall other requests.
const ALGORITHMS = {
  RS256: { sign: 'sha256', gen: () => generate('rsa', { modulusLength: 2048 }) },
  ES384: { sign: 'sha384', gen: () => generate('ec', { namedCurve: 'secp384r1' }) },
} as const;
type Algorithm = keyof typeof ALGORITHMS;

const disabled = () =>
  new AwsError(
    'OutboundWebIdentityFederationDisabledException',
    'The outbound web identity federation feature is not enabled for this account. To use this feature, you must first enable it through the AWS Management Console or API.',
    403,
  );

async function signingKey(ctx: RequestContext, alg: Algorithm): Promise<crypto.KeyObject> {
  const fed = ctx.account.iam.outboundWebIdentity!;
  let pem = fed.signingKeys?.[alg];
  if (!pem) {
    pem = (await ALGORITHMS[alg].gen()).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    fed.signingKeys = { ...fed.signingKeys, [alg]: fed.signingKeys?.[alg] ?? pem };
    pem = fed.signingKeys[alg] as string;
  }
  return crypto.createPrivateKey(pem);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export async function getWebIdentityToken(ctx: RequestContext, p: QueryParams) {
  const audiences = p.list('Audience');
  const alg = p.required('SigningAlgorithm');
  if (!audiences.length) p.required('Audience');
  const duration = p.int('DurationSeconds') ?? 300;
  stsViolations()
    .list(audiences, 'audience', { maxItems: 10, min: 1, max: 1000 })
    .int(duration, 'durationSeconds', 60, 3600)
    .string(alg, 'signingAlgorithm', { min: 5, max: 5 })
    .done();
  const tags = tagsFrom(p);
  validateTags(tags);
  if (!(alg in ALGORITHMS)) throw new ValidationError(`Unsupported signing algorithm ${alg}. Use RS256 or ES384.`);
  await ctx.authorize({
    action: 'sts:GetWebIdentityToken',
    resource: '*',
    context: { 'sts:IdentityTokenAudience': audiences, 'sts:DurationSeconds': String(duration), 'sts:SigningAlgorithm': alg },
  });
  const fed = ctx.account.iam.outboundWebIdentity;
  if (!fed?.enabled) throw disabled();
  const now = Math.floor(Date.now() / 1000);
  const session = ctx.principal.session;
  if (session && Date.parse(session.expiration) / 1000 < now + duration) {
    throw new AwsError('SessionDurationEscalationException', 'The requested token duration would extend the session beyond its original expiration time.', 403);
  }
  const subject = ctx.principal.kind === 'assumed-role' ? ctx.principal.roleArn : ctx.principal.arn;
  const claims = {
    iss: fed.issuer,
    sub: subject,
    aud: audiences.length === 1 ? audiences[0] : audiences,
    iat: now,
    nbf: now,
    exp: now + duration,
    jti: crypto.randomUUID(),
    'https://sts.amazonaws.com/': {
      aws_account: ctx.account.accountId,
      source_region: ctx.region,
      principal_id: ctx.principal.arn,
      ...(tags.length ? { request_tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])) } : {}),
    },
  };
  const key = await signingKey(ctx, alg as Algorithm);
  const input = `${b64({ alg, typ: 'JWT', kid: crypto.createHash('sha256').update(crypto.createPublicKey(key).export({ format: 'der', type: 'spki' })).digest('base64url').slice(0, 16) })}.${b64(claims)}`;
  const signature = crypto.sign(ALGORITHMS[alg as Algorithm].sign, Buffer.from(input), alg === 'ES384' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return { WebIdentityToken: `${input}.${signature.toString('base64url')}`, Expiration: new Date((now + duration) * 1000) };
}
