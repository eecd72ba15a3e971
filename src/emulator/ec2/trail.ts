/**
 * EC2 calls as CloudTrail records them: parameters nested with lower-case first letters and lists
 * as `{"items": [...]}` (RunInstances' image and counts under instancesSet), user data never
 * recorded ("<sensitiveDataRemoved>"), and the response of a change in the same style.
 */
import { lowerFirst } from '../protocol/service-operation.js';
import type { Ec2Params } from '../protocol/ec2-query.js';

type Tree = Record<string, unknown>;

const NUMBERS = /^(MinCount|MaxCount|MaxResults|HttpPutResponseHopLimit)$/;

const tree = (): Tree => Object.create(null) as Tree;

function setPath(root: Tree, path: string[], value: unknown): void {
  let node: Tree = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    const nextIsIndex = /^\d+$/.test(path[i + 1]);
    if (/^\d+$/.test(seg)) {
      const items = (node.items ??= []) as Tree[];
      const idx = Number(seg) - 1;
      node = items[idx] ??= tree();
      continue;
    }
    const key = lowerFirst(seg) + (nextIsIndex ? 'Set' : '');
    node = (node[key] ??= tree()) as Tree;
  }
  const last = path[path.length - 1];
  if (/^\d+$/.test(last)) {
    const items = (node.items ??= []) as unknown[];
    items[Number(last) - 1] = value;
  } else node[lowerFirst(last)] = value;
}

export function ec2RequestParameters(operation: string, p: Ec2Params): Tree | null {
  const out: Tree = tree();
  for (const [k, v] of Object.entries(p.raw)) {
    if (k === 'Action' || k === 'Version') continue;
    const path = k.split('.');
    // EC2 parameter names are letters and digits: anything else is not a parameter to record
    if (!path.every((seg) => /^(?:[A-Za-z][A-Za-z0-9]*|\d{1,4})$/.test(seg))) continue;
    const value = k === 'UserData' ? '<sensitiveDataRemoved>' : NUMBERS.test(path[path.length - 1]) && /^\d+$/.test(v) ? Number(v) : v === 'true' || v === 'false' ? v === 'true' : v;
    if (operation === 'RunInstances' && /^(ImageId|MinCount|MaxCount)$/.test(k)) setPath(out, ['Instances', '1', k], value);
    else if (path.length === 2 && path[0] === 'InstanceId' && /^\d+$/.test(path[1])) setPath(out, ['Instances', path[1], 'InstanceId'], value);
    else setPath(out, path, value);
  }
  for (const v of Object.values(out)) compact(v);
  return Object.keys(out).length ? out : null;
}

function compact(v: unknown): void {
  if (!v || typeof v !== 'object') return;
  const t = v as Tree;
  if (Array.isArray(t.items)) t.items = t.items.filter((x) => x !== undefined);
  for (const x of Object.values(t)) compact(x);
}

/** A result → responseElements: arrays as {items}, dates as epoch milliseconds (EC2's CloudTrail style). */
export function ec2ResponseElements(result: unknown): unknown {
  if (result === undefined || result === null) return null;
  if (result instanceof Date) return result.getTime();
  if (Array.isArray(result)) return { items: result.map(ec2ResponseElements) };
  if (typeof result === 'object') {
    const out: Tree = tree();
    for (const [k, v] of Object.entries(result)) if (v !== undefined) out[k] = ec2ResponseElements(v);
    return out;
  }
  return result;
}
