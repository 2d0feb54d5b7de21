export { createSeededRandom } from '../shared/seeded-random';
export { malformJson, proxyErrorPage } from './fault-responses';
export type { FaultServer, FaultServerOptions } from './fault-server';
export { createFaultServer, DEFAULT_FAULT_SERVER_OPTIONS } from './fault-server';
export type {
  Fault,
  FaultHandler,
  FaultRequest,
  FaultResponse,
  FaultRouteDefinition,
  FaultRule,
  FaultType,
  RecordedRequest,
  RetryAfterSpec,
} from './fault-types';
export type { RoutePattern } from './route-pattern';
export { compileRoutePattern } from './route-pattern';
export type { SchemaDrift } from './schema-drift';
export { applySchemaDrift } from './schema-drift';
