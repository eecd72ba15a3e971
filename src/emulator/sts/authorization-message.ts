/**
 * Encoded authorization messages: services that hide why a request was denied (EC2 among them)
 * return an encoded message; DecodeAuthorizationMessage turns it back into the decision's details
 * for a caller allowed sts:DecodeAuthorizationMessage in the same account. Messages are sealed
 * with a key of this emulator process (AES-256-GCM), so they cannot be forged or read elsewhere.
 */
import crypto from 'node:crypto';
import { AwsError } from '../errors.js';
import type { EvaluationResult } from '../../policy/types.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { stsViolations } from './validation.js';

const KEY = crypto.randomBytes(32);
/** AWS keeps them decodable for a limited time. */
const MESSAGE_LIFETIME_MS = 24 * 3600 * 1000;

interface Sealed {
  account: string;
  issued: number;
  decoded: unknown;
}

/** The encoded message for a denial, in AWS's decoded-message shape once decoded. */
export function encodeAuthorizationMessage(ctx: RequestContext, spec: { action: string; resource: string; context?: Record<string, string | string[]> }, result: EvaluationResult): string {
  const decoded = {
    allowed: result.decision === 'Allowed',
    explicitDeny: result.decision === 'ExplicitlyDenied',
    matchedStatements: { items: result.deciding.map((s) => ({ statementId: s.sid ?? '', effect: s.effect, policy: s.policy, index: s.index })) },
    failures: { items: [] },
    context: {
      principal: { id: ctx.principal.userId, arn: ctx.principal.arn },
      action: spec.action,
      resource: spec.resource,
      conditions: {
        items: Object.entries(spec.context ?? {}).map(([key, v]) => ({ key, values: { items: [v].flat().map((value) => ({ value })) } })),
      },
    },
  };
  const sealed: Sealed = { account: ctx.account.accountId, issued: Date.now(), decoded };
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', KEY, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(sealed), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

const invalidMessage = () => new AwsError('InvalidAuthorizationMessageException', 'The authorization message is not valid: it is malformed, expired, or was not issued for this account.', 400);

function open(encoded: string): Sealed | undefined {
  try {
    const raw = Buffer.from(encoded.trim(), 'base64url');
    const decipher = crypto.createDecipheriv('aes-256-gcm', KEY, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as Sealed;
  } catch {
    return undefined;
  }
}

export function decodeAuthorizationMessage(ctx: RequestContext, p: QueryParams) {
  const encoded = p.required('EncodedMessage');
  stsViolations().string(encoded, 'encodedMessage', { min: 1, max: 10240 }).done();
  const sealed = open(encoded);
  if (!sealed || sealed.account !== ctx.account.accountId || Date.now() - sealed.issued > MESSAGE_LIFETIME_MS) throw invalidMessage();
  return { DecodedMessage: JSON.stringify(sealed.decoded) };
}
