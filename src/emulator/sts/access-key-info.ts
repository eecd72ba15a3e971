/** GetAccessKeyInfo: which account an access key belongs to (any key id the emulator issued). */
import { ValidationError } from '../errors.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { STS_RULES, stsViolations } from './validation.js';

export function getAccessKeyInfo(ctx: RequestContext, p: QueryParams) {
  const id = p.required('AccessKeyId');
  stsViolations().string(id, 'accessKeyId', STS_RULES.accessKeyId).done();
  const found = ctx.emulator.state.findKey(id);
  if (!found) {
    // AWS answers with the account the key id encodes; unknown keys here belong to no account.
    throw new ValidationError(`The access key ${id} was not found.`);
  }
  return { Account: found.account.accountId };
}
