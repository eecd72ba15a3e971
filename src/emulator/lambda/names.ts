/** Function names as Lambda accepts them: a name, a partial ARN (123456789012:function:name) or a full ARN, optionally qualified. */
import type { RequestContext } from '../types.js';
import { ResourceNotFound, ValidationError } from './errors.js';

const FUNCTION_NAME = /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export const functionArn = (region: string, accountId: string, name: string) => `arn:aws:lambda:${region}:${accountId}:function:${name}`;

export interface FunctionRef {
  name: string;
  qualifier?: string;
  region: string;
  accountId: string;
}

export function parseFunctionName(ctx: RequestContext, raw: string, member = 'functionName'): FunctionRef {
  const m = raw.length <= 170 ? FUNCTION_NAME.exec(raw) : null;
  if (!m) {
    throw ValidationError(
      `1 validation error detected: Value '${raw}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  const region = m[3] ? m[3].slice(0, -1) : ctx.region;
  const accountId = m[8] ? m[8].slice(0, -1) : ctx.account.accountId;
  if (region !== ctx.region) throw ResourceNotFound(`Functions from '${region}' are not reachable in this region ('${ctx.region}')`);
  return { name: m[10], qualifier: m[12], region, accountId };
}

/** Only $LATEST exists here (no published versions or aliases). */
export function notFoundMessage(ref: FunctionRef): string {
  return `Function not found: ${functionArn(ref.region, ref.accountId, ref.name)}${ref.qualifier ? `:${ref.qualifier}` : ''}`;
}
