/**
 * Model constraints (length, pattern, range, enum) checked the way AWS's query services report them:
 * every violated member collected into one ValidationError, "N validation error(s) detected: Value at
 * 'member' failed to satisfy constraint: …; Value at …", members in the order of the request's model.
 * IAM leaves the value out (the recordings of real responses show "Value at
 * 'serviceSpecificCredentialId' …"); STS quotes it ("Value 'Session1:2' at 'roleSessionName' …"), so
 * STS builds its Violations with `echoValues`.
 *
 * Member names are the request member with its first letter lower-cased, as AWS writes them
 * ("aWSServiceName", "sSHPublicKeyId").
 */
import { ValidationError } from '../errors.js';
import type { QueryParams } from '../protocol/query.js';

export const memberName = (param: string): string => param.charAt(0).toLowerCase() + param.slice(1);

/** Patterns of the IAM model, with the text AWS prints for each. */
export const PATTERNS = {
  name: { re: /^[\w+=,.@-]+$/, text: '[\\w+=,.@-]+' },
  word: { re: /^\w+$/, text: '[\\w]+' },
  path: { re: /^(\/|\/[\u0021-\u007E]+\/)$/, text: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' },
  pathPrefix: { re: /^\/[\u0021-\u007F]*$/, text: '\\u002F[\\u0021-\\u007F]*' },
  /** certificate bodies, keys, policy documents */
  document: { re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/, text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' },
  serial: { re: /^[\w+=/:,.@-]+$/, text: '[\\w+=/:,.@-]+' },
  description: { re: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/, text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*' },
  marker: { re: /^[\u0020-\u00FF]+$/, text: '[\\u0020-\\u00FF]+' },
} as const;

export interface Pattern {
  re: RegExp;
  text: string;
}

/** Collects violations in request order; `done()` throws them as one ValidationError. */
export class Violations {
  private readonly found: string[] = [];

  /** `echoValues`: quote the offending value in each message, as STS does (IAM does not). */
  constructor(private readonly options: { echoValues?: boolean } = {}) {}

  add(member: string, constraint: string, value?: string | number): this {
    const shown = this.options.echoValues && value !== undefined ? ` '${value}'` : '';
    this.found.push(`Value${shown} at '${member}' failed to satisfy constraint: ${constraint}`);
    return this;
  }

  /**
   * A string member: pattern, then length bounds. When both fail AWS reports both, the pattern first
   * (recorded answers of STS, CloudFormation, DynamoDB, EventBridge and Cognito all list them so).
   */
  string(value: string | undefined, member: string, rules: { min?: number; max?: number; pattern?: Pattern }): this {
    if (value === undefined) return this;
    if (rules.pattern && value.length > 0 && !rules.pattern.re.test(value)) {
      this.add(member, `Member must satisfy regular expression pattern: ${rules.pattern.text}`, value);
    }
    if (rules.min !== undefined && value.length < rules.min) this.add(member, `Member must have length greater than or equal to ${rules.min}`, value);
    if (rules.max !== undefined && value.length > rules.max) this.add(member, `Member must have length less than or equal to ${rules.max}`, value);
    return this;
  }

  int(value: number | undefined, member: string, min: number, max: number): this {
    if (value === undefined) return this;
    if (value < min) this.add(member, `Member must have value greater than or equal to ${min}`, value);
    if (value > max) this.add(member, `Member must have value less than or equal to ${max}`, value);
    return this;
  }

  oneOf(value: string | undefined, member: string, allowed: readonly string[]): this {
    if (value !== undefined && !allowed.includes(value)) this.add(member, 'Member must satisfy enum value set', value);
    return this;
  }

  /** A list member: its own size, then each item's constraints in AWS's "Member must satisfy constraint: [...]" form. */
  list(values: string[], member: string, rules: { maxItems?: number; minItems?: number; min?: number; max?: number; pattern?: Pattern }): this {
    const shown = `[${values.join(', ')}]`;
    if (rules.minItems !== undefined && values.length < rules.minItems) this.add(member, `Member must have length greater than or equal to ${rules.minItems}`, shown);
    if (rules.maxItems !== undefined && values.length > rules.maxItems) this.add(member, `Member must have length less than or equal to ${rules.maxItems}`, shown);
    const itemRules: string[] = [];
    for (const v of values) {
      if (rules.max !== undefined && v.length > rules.max) itemRules.push(`Member must have length less than or equal to ${rules.max}`);
      if (rules.min !== undefined && v.length < rules.min) itemRules.push(`Member must have length greater than or equal to ${rules.min}`);
      if (rules.pattern && !rules.pattern.re.test(v)) itemRules.push(`Member must satisfy regular expression pattern: ${rules.pattern.text}`);
    }
    const unique = [...new Set(itemRules)];
    if (unique.length) this.add(member, `Member must satisfy constraint: [${unique.join(', ')}]`, shown);
    return this;
  }

  done(): void {
    if (!this.found.length) return;
    const n = this.found.length;
    throw new ValidationError(`${n} validation error${n > 1 ? 's' : ''} detected: ${this.found.join('; ')}`);
  }
}

/** Check one string parameter (if present) against its model constraints, by its request name. */
export function checkString(p: QueryParams, param: string, rules: { min?: number; max?: number; pattern?: Pattern }): string | undefined {
  const value = p.str(param);
  new Violations().string(value, memberName(param), rules).done();
  return value;
}

/** Marker/MaxItems of a paginated request (the pagination itself is util.ts's paginate). */
export function checkPaging(p: QueryParams, v: Violations = new Violations()): Violations {
  return v.string(p.str('Marker'), 'marker', { min: 1, max: 320, pattern: PATTERNS.marker }).int(p.int('MaxItems'), 'maxItems', 1, 1000);
}
