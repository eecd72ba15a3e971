/**
 * Account properties and role templates (IAM Role Manager): account-wide settings kept as
 * `Namespace/PropertyName` pairs, and the AWS-owned role templates AcquireRole creates roles
 * from. The emulator knows no role template, so every template ARN is answered as one that
 * does not exist.
 */
import { InvalidInput, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import { Violations } from '../constraints.js';
import { iam } from '../util.js';

/** A Query map parameter: `Name.entry.N.key` / `Name.entry.N.value`. */
function mapParam(p: QueryParams, name: string): Map<string, string> {
  const entries = new Map<number, { key?: string; value?: string }>();
  const re = new RegExp(`^${name}\\.entry\\.(\\d+)\\.(key|value)$`);
  for (const [k, v] of Object.entries(p.raw)) {
    const m = re.exec(k);
    if (!m) continue;
    const e = entries.get(Number(m[1])) ?? {};
    e[m[2] as 'key' | 'value'] = v;
    entries.set(Number(m[1]), e);
  }
  return new Map([...entries.values()].filter((e) => e.key !== undefined).map((e) => [e.key as string, e.value ?? '']));
}

const PROPERTY = /^[A-Za-z0-9]+\/[A-Za-z0-9]+$/;

function templateNotFound(p: QueryParams): never {
  const arn = p.required('TemplateArn');
  new Violations().string(arn, 'templateArn', { min: 20, max: 2048 }).done();
  throw new NoSuchEntity(`The role template ${arn} cannot be found.`);
}

export const accountPropertyOperations: QueryOperationTable = {
  GetAccountProperties: {
    readOnly: true,
    handler: (ctx) => ({ Properties: new Map(Object.entries(iam(ctx).accountProperties ?? {})) }),
  },
  PutAccountProperties: {
    handler: (ctx, p) => {
      const props = mapParam(p, 'Properties');
      if (!props.size) p.required('Properties');
      const namespaces = new Set<string>();
      for (const key of props.keys()) {
        if (!PROPERTY.test(key)) throw new InvalidInput(`Property ${key} is not in Namespace/PropertyName format.`);
        namespaces.add(key.split('/')[0]);
      }
      if (namespaces.size > 1) throw new InvalidInput('All properties in a request must belong to the same namespace.');
      const state = iam(ctx);
      state.accountProperties = Object.assign(Object.create(null) as Record<string, string>, state.accountProperties, Object.fromEntries(props));
      return undefined;
    },
  },
  GetRoleTemplateVersion: { readOnly: true, resource: (_ctx, p) => p.str('TemplateArn') ?? '*', handler: (_ctx, p) => templateNotFound(p) },
  AcquireRole: { handler: (_ctx, p) => templateNotFound(p) },
};
