/**
 * Access Analyzer's routes and routing table. Analyzer and finding actions act on
 * `arn:aws:access-analyzer:<region>:<account>:analyzer/<name>`; ListAnalyzers and ValidatePolicy
 * have no resource type. ListFindingsV2/GetFindingV2 are authorized as ListFindings/GetFinding
 * (the Service Authorization Reference lists no separate V2 actions).
 */
import type { RestRoute } from '../protocol/rest-json.js';
import type { RestInput } from '../protocol/rest-json-service.js';
import type { ServiceOperation } from '../protocol/service-operation.js';
import type { RequestContext } from '../types.js';
import * as analyzers from './analyzers.js';
import * as findings from './findings.js';
import { validatePolicy } from './validate-policy.js';

type Op = ServiceOperation<RestInput>;

export const accessAnalyzerRoutes: RestRoute[] = [
  { method: 'PUT', path: '/analyzer', operation: 'CreateAnalyzer' },
  { method: 'GET', path: '/analyzer', operation: 'ListAnalyzers' },
  { method: 'GET', path: '/analyzer/{analyzerName}', operation: 'GetAnalyzer' },
  { method: 'DELETE', path: '/analyzer/{analyzerName}', operation: 'DeleteAnalyzer' },
  { method: 'POST', path: '/finding', operation: 'ListFindings' },
  { method: 'PUT', path: '/finding', operation: 'UpdateFindings' },
  { method: 'GET', path: '/finding/{id}', operation: 'GetFinding' },
  { method: 'POST', path: '/findingv2', operation: 'ListFindingsV2' },
  { method: 'GET', path: '/findingv2/{id}', operation: 'GetFindingV2' },
  { method: 'POST', path: '/policy/validation', operation: 'ValidatePolicy' },
];

const byName = (_ctx: RequestContext, input: RestInput) => String(input.labels.analyzerName ?? input.body.analyzerName ?? '');
const byArn = (ctx: RequestContext, input: RestInput) => String(input.body.analyzerArn ?? input.query.get('analyzerArn') ?? analyzers.analyzerArn(ctx, '*'));

export const accessAnalyzerOperations: Record<string, Op> = Object.assign(Object.create(null), {
  CreateAnalyzer: { action: 'access-analyzer:CreateAnalyzer', resource: (ctx, i) => analyzers.analyzerArn(ctx, byName(ctx, i)), handler: analyzers.createAnalyzer },
  ListAnalyzers: { action: 'access-analyzer:ListAnalyzers', readOnly: true, handler: analyzers.listAnalyzers },
  GetAnalyzer: { action: 'access-analyzer:GetAnalyzer', readOnly: true, resource: (ctx, i) => analyzers.analyzerArn(ctx, byName(ctx, i)), handler: analyzers.getAnalyzer },
  DeleteAnalyzer: { action: 'access-analyzer:DeleteAnalyzer', resource: (ctx, i) => analyzers.analyzerArn(ctx, byName(ctx, i)), handler: analyzers.deleteAnalyzer },
  ListFindings: { action: 'access-analyzer:ListFindings', readOnly: true, resource: byArn, handler: findings.listFindings },
  ListFindingsV2: { action: 'access-analyzer:ListFindings', readOnly: true, resource: byArn, handler: findings.listFindingsV2 },
  GetFinding: { action: 'access-analyzer:GetFinding', readOnly: true, resource: byArn, handler: findings.getFinding },
  GetFindingV2: { action: 'access-analyzer:GetFinding', readOnly: true, resource: byArn, handler: findings.getFindingV2 },
  UpdateFindings: { action: 'access-analyzer:UpdateFindings', resource: byArn, handler: findings.updateFindings },
  ValidatePolicy: { action: 'access-analyzer:ValidatePolicy', readOnly: true, handler: validatePolicy },
} satisfies Record<string, Op>);
