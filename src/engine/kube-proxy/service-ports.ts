/**
 * kube-proxy's own view of the cluster: the ServicePortMap and EndpointsMap it builds from
 * Services and EndpointSlices (pkg/proxy/serviceport.go, endpointslicecache.go), and
 * `CategorizeEndpoints` (pkg/proxy/topology.go) that picks the endpoints one node may use.
 * Node-independent parts are computed once per cluster and shared by every node (a Cluster is a
 * value: the engine builds a new one for every edit and never mutates it afterwards).
 */
import type { Cluster, Service, ServicePort } from '../cluster/types';
import { formatCidr, isIPv4, parseCidr } from '../net/ipv4';
import { endpointChainName, portProtoHash, servicePortName } from './names';

export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** `ip:port` (BaseEndpointInfo.String()), the sort key and the DNAT target. */
  ipPort: string;
  chain: string;
  nodeName: string | undefined;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface ProxyServicePort {
  /** `ns/name` or `ns/name:port`. */
  name: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** The 16-character suffix of the SVC/SVL/EXT/FW chains. */
  hash: string;
  clusterIP: string;
  port: number;
  /** 0 when the port has none. */
  nodePort: number;
  externalIPs: string[];
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: string[];
  /** 0 unless the service needs one (LoadBalancer with externalTrafficPolicy: Local). */
  healthCheckNodePort: number;
  sessionAffinity: boolean;
  stickyMaxAgeSeconds: number;
  internalPolicyLocal: boolean;
  externalPolicyLocal: boolean;
  externallyAccessible: boolean;
  /** Deduplicated by `ip:port` and sorted by that string, as EndpointsMap holds them. */
  endpoints: ProxyEndpoint[];
}

export interface ProxyServices {
  /** In the order rules are written: by service port name, then protocol (see `proxyServices`). */
  ports: ProxyServicePort[];
  /** Endpoints over all service ports; above 1000 kube-proxy drops per-endpoint comments. */
  totalEndpoints: number;
}

const byCluster = new WeakMap<Cluster, ProxyServices>();

/**
 * Real kube-proxy walks its service map (a Go map) in random order, so the order of services in
 * KUBE-SERVICES, KUBE-NODEPORTS and of the per-service chains changes from sync to sync. We write
 * them sorted by service port name and protocol, which is one of the orders kube-proxy can produce.
 */
export function proxyServices(cluster: Cluster): ProxyServices {
  let cached = byCluster.get(cluster);
  if (cached === undefined) {
    const ports: ProxyServicePort[] = [];
    let totalEndpoints = 0;
    for (const svc of cluster.services) {
      // proxyutil.ShouldSkipService: headless and ExternalName services get no rules.
      if (svc.type === 'ExternalName' || svc.clusterIP === 'None' || svc.clusterIP === '' || !isIPv4(svc.clusterIP)) continue;
      for (const sp of svc.ports) {
        const p = proxyServicePort(svc, sp);
        totalEndpoints += p.endpoints.length;
        ports.push(p);
      }
    }
    ports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
    cached = { ports, totalEndpoints };
    byCluster.set(cluster, cached);
  }
  return cached;
}

function normaliseCidrs(cidrs: string[]): string[] {
  const out: string[] = [];
  for (const c of cidrs) {
    // MapCIDRsByIPFamily trims blanks and net.ParseCIDR masks host bits; unparsable ranges are dropped.
    const p = parseCidr(c.trim());
    if (p && c.includes('/')) out.push(formatCidr(p));
  }
  return out;
}

function proxyServicePort(svc: Service, sp: ServicePort): ProxyServicePort {
  const name = servicePortName(svc.namespace, svc.name, sp.name);
  const protocol = sp.protocol.toLowerCase() as ProxyServicePort['protocol'];
  // apiservice.ExternalPolicyLocal: only NodePort and LoadBalancer services have an external policy.
  const externalPolicyLocal = (svc.type === 'NodePort' || svc.type === 'LoadBalancer') && svc.externalTrafficPolicy === 'Local';
  const externalIPs = svc.externalIPs.filter(isIPv4);
  const loadBalancerVIPs = svc.loadBalancerIPs.filter(isIPv4);
  const nodePort = sp.nodePort ?? 0;
  const endpoints: ProxyEndpoint[] = [];
  let seen: Map<string, number> | undefined;
  for (const ep of sp.endpoints) {
    // kube-proxy's IPv4 proxier only takes IPv4 endpoints (the API server has validated them).
    if (ep.ip.includes(':') || !(ep.port > 0)) continue;
    const ipPort = `${ep.ip}:${ep.port}`;
    const entry: ProxyEndpoint = {
      ip: ep.ip,
      port: ep.port,
      ipPort,
      chain: '',
      nodeName: ep.nodeName,
      ready: ep.ready,
      serving: ep.serving,
      terminating: ep.terminating,
    };
    // EndpointsMap is keyed by `ip:port`: a duplicate (e.g. in two slices) counts once, ready first.
    seen ??= new Map();
    const at = seen.get(ipPort);
    if (at === undefined) {
      seen.set(ipPort, endpoints.length);
      endpoints.push(entry);
    } else if (!endpoints[at]!.ready && ep.ready) endpoints[at] = entry;
  }
  // endpointslicecache.go sorts each service port's endpoints by String() ("ip:port"), bytewise.
  endpoints.sort((a, b) => (a.ipPort < b.ipPort ? -1 : a.ipPort > b.ipPort ? 1 : 0));
  for (const e of endpoints) e.chain = endpointChainName(name, protocol, e.ipPort);
  return {
    name,
    protocol,
    hash: portProtoHash(name, protocol),
    clusterIP: svc.clusterIP,
    port: sp.port,
    nodePort,
    externalIPs,
    loadBalancerVIPs,
    loadBalancerSourceRanges: normaliseCidrs(svc.loadBalancerSourceRanges),
    // apiservice.NeedsHealthCheck: LoadBalancer with externalTrafficPolicy: Local.
    healthCheckNodePort: svc.type === 'LoadBalancer' && externalPolicyLocal ? (svc.healthCheckNodePort ?? 0) : 0,
    sessionAffinity: svc.sessionAffinity === 'ClientIP',
    stickyMaxAgeSeconds: svc.sessionAffinityTimeoutSeconds,
    internalPolicyLocal: svc.internalTrafficPolicy === 'Local',
    externalPolicyLocal,
    externallyAccessible: nodePort !== 0 || loadBalancerVIPs.length > 0 || externalIPs.length > 0,
    endpoints,
  };
}

export function usesClusterEndpoints(p: ProxyServicePort): boolean {
  // Even with externalTrafficPolicy: Local, Cluster endpoints implement the short circuit.
  return !p.internalPolicyLocal || p.externallyAccessible;
}

export function usesLocalEndpoints(p: ProxyServicePort): boolean {
  return p.internalPolicyLocal || (p.externalPolicyLocal && p.externallyAccessible);
}

export interface CategorizedEndpoints {
  clusterEndpoints: ProxyEndpoint[];
  localEndpoints: ProxyEndpoint[];
  allReachableEndpoints: ProxyEndpoint[];
  hasAnyEndpoints: boolean;
}

/**
 * proxy.CategorizeEndpoints for one node. Topology hints are not modelled (no EndpointSlice
 * hints), which is kube-proxy's topologyMode "" path: every ready endpoint is a cluster endpoint.
 */
export function categorizeEndpoints(p: ProxyServicePort, node: string): CategorizedEndpoints {
  const eps = p.endpoints;
  let clusterEndpoints: ProxyEndpoint[] = [];
  let localEndpoints: ProxyEndpoint[] = [];
  let hasAnyEndpoints = false;
  let useServingTerminating = false;

  if (usesClusterEndpoints(p)) {
    clusterEndpoints = eps.filter((e) => e.ready);
    // No ready endpoint anywhere: fall back to serving-and-terminating ones.
    if (clusterEndpoints.length === 0) clusterEndpoints = eps.filter((e) => e.serving && e.terminating);
    hasAnyEndpoints = clusterEndpoints.length > 0;
  }
  if (!usesLocalEndpoints(p)) return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };

  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const e of eps) {
    if (e.ready) {
      hasAnyEndpoints = true;
      if (e.nodeName === node) hasLocalReady = true;
    } else if (e.serving && e.terminating) {
      hasAnyEndpoints = true;
      if (e.nodeName === node) hasLocalServingTerminating = true;
    }
  }
  if (hasLocalReady) localEndpoints = eps.filter((e) => e.nodeName === node && e.ready);
  else if (hasLocalServingTerminating) {
    useServingTerminating = true;
    localEndpoints = eps.filter((e) => e.nodeName === node && e.serving && e.terminating);
  }
  if (!usesClusterEndpoints(p)) return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  if (!useServingTerminating) return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };

  // Local terminating endpoints are not in clusterEndpoints: merge. kube-proxy merges through a Go
  // map (random order); we keep the sorted `ip:port` order.
  const merged = new Set([...clusterEndpoints, ...localEndpoints]);
  const allReachableEndpoints = eps.filter((e) => merged.has(e));
  return { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints };
}
