/**
 * The policy checks ValidatePolicy reports: issue code, finding type, and the programmatic
 * finding details of AWS's "IAM policy validation check reference" (in the same words where the
 * reference gives them, with the placeholders filled), plus each check's learn-more anchor.
 */
export type FindingType = 'ERROR' | 'SECURITY_WARNING' | 'SUGGESTION' | 'WARNING';

export interface PolicyCheck {
  type: FindingType;
  /** the reference's heading, which makes the learn-more anchor */
  heading: string;
}

export const CHECKS = {
  ARN_ACCOUNT_NOT_ALLOWED: { type: 'ERROR', heading: 'ARN account not allowed' },
  ARN_REGION_NOT_ALLOWED: { type: 'ERROR', heading: 'ARN Region not allowed' },
  DATA_TYPE_MISMATCH: { type: 'ERROR', heading: 'Data type mismatch' },
  INVALID_ACTION: { type: 'ERROR', heading: 'Invalid action' },
  INVALID_ARN_PREFIX: { type: 'ERROR', heading: 'Invalid ARN prefix' },
  INVALID_CONDITION_KEY_FORMAT: { type: 'ERROR', heading: 'Invalid condition key format' },
  INVALID_EFFECT: { type: 'ERROR', heading: 'Invalid effect' },
  INVALID_PARTITION: { type: 'ERROR', heading: 'Invalid partition' },
  INVALID_POLICY_ELEMENT: { type: 'ERROR', heading: 'Invalid policy element' },
  INVALID_PRINCIPAL_FORMAT: { type: 'ERROR', heading: 'Invalid principal format' },
  INVALID_PRINCIPAL_KEY: { type: 'ERROR', heading: 'Invalid principal key' },
  INVALID_SERVICE_IN_ACTION: { type: 'ERROR', heading: 'Invalid service in action' },
  INVALID_SERVICE_PRINCIPAL_FORMAT: { type: 'ERROR', heading: 'Invalid service principal format' },
  INVALID_VERSION: { type: 'ERROR', heading: 'Invalid version' },
  JSON_SYNTAX_ERROR: { type: 'ERROR', heading: 'Json syntax error' },
  MISSING_ACTION: { type: 'ERROR', heading: 'Missing action' },
  MISSING_ARN_FIELD: { type: 'ERROR', heading: 'Missing ARN field' },
  MISSING_EFFECT: { type: 'ERROR', heading: 'Missing effect' },
  MISSING_PRINCIPAL: { type: 'ERROR', heading: 'Missing principal' },
  MISSING_RESOURCE: { type: 'ERROR', heading: 'Missing resource' },
  MISSING_STATEMENT: { type: 'ERROR', heading: 'Missing statement' },
  UNIQUE_SIDS_REQUIRED: { type: 'ERROR', heading: 'Unique Sids required' },
  UNSUPPORTED_ACTION_IN_POLICY: { type: 'ERROR', heading: 'Unsupported action in policy' },
  UNSUPPORTED_ELEMENT_COMBINATION: { type: 'ERROR', heading: 'Unsupported element combination' },
  UNSUPPORTED_PRINCIPAL: { type: 'ERROR', heading: 'Unsupported principal' },
  UNSUPPORTED_RESOURCE_ARN_IN_POLICY: { type: 'ERROR', heading: 'Unsupported resource ARN in policy' },
  CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE: { type: 'WARNING', heading: 'Create SLR with star in action and resource' },
  CREATE_SLR_WITH_STAR_IN_RESOURCE: { type: 'WARNING', heading: 'Create SLR with star in resource' },
  MISSING_VERSION: { type: 'WARNING', heading: 'Missing version' },
  UNIQUE_SIDS_RECOMMENDED: { type: 'WARNING', heading: 'Unique Sids recommended' },
  ALLOW_WITH_NOT_PRINCIPAL: { type: 'SECURITY_WARNING', heading: 'Allow with NotPrincipal' },
  PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE: { type: 'SECURITY_WARNING', heading: 'Pass role with star in action and resource' },
  PASS_ROLE_WITH_STAR_IN_RESOURCE: { type: 'SECURITY_WARNING', heading: 'Pass role with star in resource' },
  EMPTY_ARRAY_ACTION: { type: 'SUGGESTION', heading: 'Empty array action' },
  EMPTY_ARRAY_PRINCIPAL: { type: 'SUGGESTION', heading: 'Empty array principal' },
  EMPTY_ARRAY_RESOURCE: { type: 'SUGGESTION', heading: 'Empty array resource' },
  EMPTY_OBJECT_CONDITION: { type: 'SUGGESTION', heading: 'Empty object condition' },
  EMPTY_SID_VALUE: { type: 'SUGGESTION', heading: 'Empty Sid value' },
} as const satisfies Record<string, PolicyCheck>;

export type IssueCode = keyof typeof CHECKS;

const KIND_WORD: Record<FindingType, string> = { ERROR: 'error', WARNING: 'general-warning', SECURITY_WARNING: 'security-warning', SUGGESTION: 'suggestion' };

export function learnMoreLink(code: IssueCode): string {
  const c = CHECKS[code];
  const slug = c.heading.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-${KIND_WORD[c.type]}-${slug}`;
}

/** The finding details of the checks whose wording does not depend on the policy. */
export const DETAILS: Partial<Record<IssueCode, string>> = {
  INVALID_ARN_PREFIX: 'Add the required prefix (arn) to the resource ARN.',
  INVALID_EFFECT: 'The effect must be Allow or Deny. Update the Effect element.',
  MISSING_ACTION: 'Add an Action or NotAction element to the policy statement.',
  MISSING_EFFECT: 'Add an Effect element to the policy statement with a value of Allow or Deny.',
  MISSING_PRINCIPAL: 'Add a Principal element to the policy statement.',
  MISSING_RESOURCE: 'Add a Resource or NotResource element to the policy statement.',
  MISSING_STATEMENT: 'Add a statement to the policy.',
  UNIQUE_SIDS_REQUIRED: 'Duplicate statement IDs are not supported for this policy type. Update the Sid value.',
  UNIQUE_SIDS_RECOMMENDED: 'We recommend that you use statement IDs that are unique to your policy. Update the Sid value.',
  UNSUPPORTED_PRINCIPAL: 'The policy type does not support the Principal element. Remove the Principal element.',
  MISSING_VERSION: 'We recommend that you specify the Version element to help you with debugging permission issues.',
  ALLOW_WITH_NOT_PRINCIPAL: 'Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.',
  PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE:
    'Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.',
  PASS_ROLE_WITH_STAR_IN_RESOURCE:
    'Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.',
  CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE:
    'Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead.',
  CREATE_SLR_WITH_STAR_IN_RESOURCE:
    'Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of unintended service-linked roles. We recommend that you specify resource ARNs instead.',
  EMPTY_ARRAY_ACTION: 'This statement includes no actions and does not affect the policy. Specify actions.',
  EMPTY_ARRAY_PRINCIPAL: 'This statement includes no principals and does not affect the policy. Specify principals.',
  EMPTY_ARRAY_RESOURCE: 'This statement includes no resources and does not affect the policy. Specify resources.',
  EMPTY_OBJECT_CONDITION: 'This condition block is empty and it does not affect the policy. Specify conditions.',
  EMPTY_SID_VALUE: 'Add a value to the empty string in the Sid element.',
  UNSUPPORTED_ELEMENT_COMBINATION: 'The policy elements Action and NotAction can not be used in the same statement. Remove one of these elements.',
  DATA_TYPE_MISMATCH: 'The text does not match the expected JSON data type.',
  INVALID_CONDITION_KEY_FORMAT: 'The condition key format is not valid. Use the format service:keyname.',
  INVALID_VERSION: 'The version is not valid. Use one of the following versions: 2012-10-17, 2008-10-17.',
};
