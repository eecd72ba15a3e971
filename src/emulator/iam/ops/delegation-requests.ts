/**
 * Temporary access delegation: a partner account creates a delegation request, the customer
 * associates it, reviews (GetDelegationRequest, GetHumanReadableSummary), accepts or rejects it,
 * and sends the exchange token the partner trades for credentials (STS GetDelegatedAccessToken).
 * A request lives in the partner's account state and is found by id across accounts, as the two
 * sides are different accounts. States follow the API reference:
 * UNASSIGNED/ASSIGNED → PENDING_APPROVAL → ACCEPTED → FINALIZED, or REJECTED; EXPIRED after its time.
 */
import crypto from 'node:crypto';
import { AccessDenied, InvalidInput, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { AccountState } from '../../state/account.js';
import type { RequestContext } from '../../types.js';
import { Violations, checkPaging } from '../constraints.js';
import type { DelegationRequest } from '../models.js';
import { iam, nowIso, paginate } from '../util.js';

const ID = { re: /^[\w-]+$/, text: '[\\w-]+' };
const TEXT = { re: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/, text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*' };
/** How long a request waits for a decision. */
const REQUEST_LIFETIME_MS = 7 * 86_400_000;

export const delegationRequestArn = (accountId: string, id: string) => `arn:aws:iam::${accountId}:delegation-request/${id}`;

/** A request by id, in whichever account created it. */
export function findDelegationRequest(ctx: RequestContext, id: string): { request: DelegationRequest; account: AccountState } | undefined {
  for (const account of ctx.emulator.state.accounts.values()) {
    const request = account.iam.delegationRequests?.[id];
    if (request) {
      if (Date.parse(request.expirationTime) <= Date.now() && !['FINALIZED', 'REJECTED'].includes(request.state)) request.state = 'EXPIRED';
      return { request, account };
    }
  }
  return undefined;
}

/** The request, if the caller may see it: its partner, or (once assigned) its owner account. */
function visibleRequest(ctx: RequestContext, p: QueryParams): DelegationRequest {
  const id = p.required('DelegationRequestId');
  new Violations().string(id, 'delegationRequestId', { min: 16, max: 128, pattern: ID }).done();
  return visibleRequestById(ctx, id);
}

function visibleRequestById(ctx: RequestContext, id: string): DelegationRequest {
  const found = findDelegationRequest(ctx, id);
  const me = ctx.account.accountId;
  const r = found?.request;
  if (!r || (r.requestorId !== me && r.ownerAccountId !== undefined && r.ownerAccountId !== me)) {
    throw new NoSuchEntity(`Delegation request ${id} cannot be found.`);
  }
  if (found.account.accountId !== ctx.account.accountId) void ctx.emulator.state.persist(found.account.accountId);
  return r;
}

function ownedRequest(ctx: RequestContext, p: QueryParams, states: DelegationRequest['state'][]): DelegationRequest {
  const r = visibleRequest(ctx, p);
  if (r.ownerAccountId !== ctx.account.accountId) throw new AccessDenied(`User: ${ctx.principal.arn} is not the owner of delegation request ${r.id}`);
  if (!states.includes(r.state)) throw new InvalidInput(`Delegation request ${r.id} is in state ${r.state}.`);
  return r;
}

function shape(r: DelegationRequest) {
  return {
    DelegationRequestId: r.id,
    OwnerAccountId: r.ownerAccountId,
    Description: r.description,
    RequestMessage: r.requestMessage,
    Permissions: {
      PolicyTemplateArn: r.permissions.policyTemplateArn,
      Parameters: r.permissions.parameters.map((x) => ({ Name: x.name, Values: x.values, Type: x.type })),
    },
    OwnerId: r.ownerId,
    ApproverId: r.approverId,
    State: r.state,
    ExpirationTime: new Date(r.expirationTime),
    RequestorId: r.requestorId,
    RequestorName: r.requestorName,
    CreateDate: new Date(r.createDate),
    SessionDuration: r.sessionDuration,
    RedirectUrl: r.redirectUrl,
    Notes: r.notes,
    RejectionReason: r.rejectionReason,
    OnlySendByOwner: r.onlySendByOwner,
    UpdatedTime: new Date(r.updatedTime),
  };
}

const touch = (r: DelegationRequest, state: DelegationRequest['state']) => {
  r.state = state;
  r.updatedTime = nowIso();
};

const requestResource = (ctx: RequestContext, p: QueryParams) => {
  const id = p.str('DelegationRequestId') ?? '';
  const found = findDelegationRequest(ctx, id);
  return delegationRequestArn(found?.account.accountId ?? ctx.account.accountId, id);
};

/** Permissions.Parameters.member.N.{Name,Type,Values.member.M} */
function parameters(p: QueryParams): DelegationRequest['permissions']['parameters'] {
  return p.structList('Permissions.Parameters').map((_, i) => {
    const prefix = `Permissions.Parameters.member.${i + 1}`;
    return { name: p.str(`${prefix}.Name`), type: p.str(`${prefix}.Type`), values: p.list(`${prefix}.Values`) };
  });
}

export const delegationRequestOperations: QueryOperationTable = {
  CreateDelegationRequest: {
    resource: (ctx) => delegationRequestArn(ctx.account.accountId, '*'),
    context: (_ctx, p) => ({
      'iam:NotificationChannel': p.str('NotificationChannel') ?? '',
      'iam:DelegationDuration': p.str('SessionDuration') ?? '',
      ...(p.str('Permissions.PolicyTemplateArn') ? { 'iam:TemplateArn': p.str('Permissions.PolicyTemplateArn') ?? '' } : {}),
    }),
    handler: (ctx, p) => {
      const description = p.required('Description');
      const workflowId = p.required('RequestorWorkflowId');
      const channel = p.required('NotificationChannel');
      const duration = p.int('SessionDuration');
      if (duration === undefined) p.required('SessionDuration');
      const owner = p.str('OwnerAccountId');
      new Violations()
        .string(owner, 'ownerAccountId', { pattern: { re: /^\d{12}$/, text: '\\d{12}' } })
        .string(description, 'description', { max: 1000, pattern: TEXT })
        .string(p.str('Permissions.PolicyTemplateArn'), 'permissions.policyTemplateArn', { min: 20, max: 2048 })
        .string(p.str('RequestMessage'), 'requestMessage', { max: 200, pattern: TEXT })
        .string(workflowId, 'requestorWorkflowId', { min: 5, max: 400, pattern: TEXT })
        .string(p.str('RedirectUrl'), 'redirectUrl', { min: 1, max: 255, pattern: { re: /^http(s?):\/\/[a-zA-Z0-9._/-]*(\?[a-zA-Z0-9._=&-]*)?(#[a-zA-Z0-9._/-]*)?$/, text: '^http(s?)://[a-zA-Z0-9._/-]*(\\?[a-zA-Z0-9._=&-]*)?(#[a-zA-Z0-9._/-]*)?$' } })
        .string(channel, 'notificationChannel', { min: 2, max: 400, pattern: { re: /^[a-zA-Z0-9:_.-]+$/, text: '^[a-zA-Z0-9:_.-]+$' } })
        .int(duration, 'sessionDuration', 300, 43200)
        .done();
      const now = new Date();
      const id = `dr-${crypto.randomBytes(12).toString('hex')}`;
      const request: DelegationRequest = {
        id,
        requestorId: ctx.account.accountId,
        ...(owner ? { ownerAccountId: owner } : {}),
        description,
        ...(p.str('RequestMessage') !== undefined ? { requestMessage: p.str('RequestMessage') } : {}),
        permissions: { policyTemplateArn: p.str('Permissions.PolicyTemplateArn'), parameters: parameters(p) },
        requestorWorkflowId: workflowId,
        ...(p.str('RedirectUrl') ? { redirectUrl: p.str('RedirectUrl') } : {}),
        notificationChannel: channel,
        sessionDuration: duration as number,
        onlySendByOwner: p.bool('OnlySendByOwner') ?? false,
        state: 'UNASSIGNED',
        createDate: now.toISOString(),
        updatedTime: now.toISOString(),
        expirationTime: new Date(now.getTime() + REQUEST_LIFETIME_MS).toISOString(),
      };
      iam(ctx).delegationRequests[id] = request;
      return { ConsoleDeepLink: `https://console.aws.amazon.com/iam/home#/delegation/requests/${id}`, DelegationRequestId: id };
    },
  },
  AssociateDelegationRequest: {
    resource: requestResource,
    handler: (ctx, p) => {
      const r = visibleRequest(ctx, p);
      if (r.state !== 'UNASSIGNED' && r.state !== 'ASSIGNED') throw new InvalidInput(`Delegation request ${r.id} is in state ${r.state}.`);
      r.ownerAccountId = ctx.account.accountId;
      r.ownerId = ctx.principal.arn;
      touch(r, 'ASSIGNED');
      return undefined;
    },
  },
  UpdateDelegationRequest: {
    // The Service Authorization Reference lists no resource type for it: authorized on "*".
    handler: (ctx, p) => {
      new Violations().string(p.str('Notes'), 'notes', { max: 500, pattern: TEXT }).done();
      const r = ownedRequest(ctx, p, ['ASSIGNED', 'PENDING_APPROVAL']);
      if (p.str('Notes') !== undefined) r.notes = p.str('Notes');
      touch(r, 'PENDING_APPROVAL');
      return undefined;
    },
  },
  AcceptDelegationRequest: {
    resource: requestResource,
    handler: (ctx, p) => {
      const r = ownedRequest(ctx, p, ['ASSIGNED', 'PENDING_APPROVAL']);
      r.approverId = ctx.principal.arn;
      touch(r, 'ACCEPTED');
      return undefined;
    },
  },
  RejectDelegationRequest: {
    resource: requestResource,
    handler: (ctx, p) => {
      new Violations().string(p.str('Notes'), 'notes', { max: 500, pattern: TEXT }).done();
      const r = ownedRequest(ctx, p, ['ASSIGNED', 'PENDING_APPROVAL', 'ACCEPTED']);
      if (p.str('Notes') !== undefined) r.rejectionReason = p.str('Notes');
      touch(r, 'REJECTED');
      return undefined;
    },
  },
  SendDelegationToken: {
    resource: requestResource,
    handler: (ctx, p) => {
      const r = ownedRequest(ctx, p, ['ACCEPTED']);
      r.tradeInToken = `dt-${crypto.randomBytes(32).toString('base64url')}`;
      touch(r, 'FINALIZED');
      return undefined;
    },
  },
  GetDelegationRequest: {
    readOnly: true,
    resource: requestResource,
    handler: (ctx, p) => {
      const r = visibleRequest(ctx, p);
      const check = p.bool('DelegationPermissionCheck') === true;
      // The template's permissions are AWS's own: whether the caller holds them cannot be judged here.
      return { DelegationRequest: shape(r), ...(check ? { PermissionCheckStatus: 'COMPLETE', PermissionCheckResult: 'UNSURE' } : {}) };
    },
  },
  ListDelegationRequests: {
    readOnly: true,
    handler: (ctx, p) => {
      const ownerId = p.str('OwnerId');
      checkPaging(p, new Violations().string(ownerId, 'ownerId', { min: 20, max: 2048, pattern: { re: /^[a-zA-Z0-9:/+=,.@_-]+$/, text: '^[a-zA-Z0-9:/+=,.@_-]+$' } })).done();
      const mine: DelegationRequest[] = [];
      for (const account of ctx.emulator.state.accounts.values()) {
        for (const r of Object.values(account.iam.delegationRequests ?? {})) {
          // Requests without an owner are listed for nobody, even when assigned to an account.
          if (r.ownerAccountId === ctx.account.accountId && r.ownerId && (!ownerId || r.ownerId === ownerId)) mine.push(r);
        }
      }
      const { page, IsTruncated, Marker } = paginate(mine.sort((a, b) => a.createDate.localeCompare(b.createDate)), p);
      return { DelegationRequests: page.map(shape), ...(Marker ? { Marker } : {}), isTruncated: IsTruncated };
    },
  },
  GetHumanReadableSummary: {
    readOnly: true,
    resource: (_ctx, p) => p.str('EntityArn') ?? '*',
    handler: (ctx, p) => {
      const arn = p.required('EntityArn');
      const locale = p.str('Locale') ?? 'en';
      new Violations().string(arn, 'entityArn', { min: 20, max: 2048 }).string(p.str('Locale'), 'locale', { min: 2, max: 12 }).done();
      const m = /^arn:aws:iam::\d{12}:delegation-request\/([\w-]+)$/.exec(arn);
      if (!m) throw new InvalidInput('Only delegation-request entities have a human readable summary.');
      const r = visibleRequestById(ctx, m[1]);
      const params = r.permissions.parameters.map((x) => `${x.name ?? 'parameter'} = ${x.values.join(', ')}`).join('; ');
      const summary =
        `Account ${r.requestorId} asks for temporary access for up to ${r.sessionDuration} seconds` +
        (r.permissions.policyTemplateArn ? ` with the permissions of template ${r.permissions.policyTemplateArn}` : '') +
        (params ? ` (${params})` : '') +
        `: ${r.description}`;
      return { SummaryContent: summary, Locale: locale, SummaryState: 'AVAILABLE' };
    },
  },
};
