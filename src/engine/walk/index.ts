/** The packet walker: one scenario through the modelled namespaces → the trace contract (DESIGN §6). */
export type * from './types';
export { traceScenario } from './scenario';
export { parseEndpoint, resolveEndpoint } from './endpoint';
export type { Endpoint, EndpointSyntax } from './endpoint';
