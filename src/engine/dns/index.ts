/** DNS as a pod meets it: the glibc stub resolver, the Corefile, and CoreDNS's answers. */
export { Resolver, resolverOptions, searchCandidates } from './resolver';
export type { DnsAnswer, DnsQuestion, QueryType, Rcode, Resolution, ResolverOptions, ResolverQuery } from './resolver';
export { parseCorefile, interpretServer } from './corefile';
export type { Corefile, CorefileDirective, ServerBlock, ServerConfig, KubernetesPluginConfig, ForwardConfig } from './corefile';
export { CoreDnsServer, upstreamStandIn } from './coredns';
export type { CoreDnsResult, UpstreamAsk } from './coredns';
