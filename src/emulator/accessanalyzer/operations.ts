/** Access Analyzer's routes (method + path template) and routing table. */
import type { RestRoute } from '../protocol/rest-json.js';
import type { RestInput } from '../protocol/rest-json-service.js';
import type { ServiceOperation } from '../protocol/service-operation.js';

export const accessAnalyzerRoutes: RestRoute[] = [];
export const accessAnalyzerOperations: Record<string, ServiceOperation<RestInput>> = Object.create(null);
