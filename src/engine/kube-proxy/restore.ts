/**
 * The text kube-proxy 1.30/1.31 (iptables mode) hands to `iptables-restore --noflush --counters`
 * on a full sync: `*filter` … `COMMIT` then `*nat` … `COMMIT`. It follows `syncProxyRules` in
 * pkg/proxy/iptables/proxier.go rule by rule, with its argument order, quoting and spacing: the
 * restore form, not the iptables-save form (`-d 172.30.0.41`, not `-d 172.30.0.41/32`;
 * `--or-mark 0x00004000`, not `--set-xmark 0x4000/0x4000`).
 *
 * Assumed kube-proxy settings beyond the Cluster profile: masqueradeAll false, nodePortAddresses
 * unset (every local address), nf_conntrack_tcp_be_liberal 0, the LocalModeClusterCIDR detector.
 */
import type { Cluster, KubeProxyConfig } from '../cluster/types';
import { formatCidr, parseCidr, cidrContains } from '../net/ipv4';
import { restoreProbability } from './probability';
import { categorizeEndpoints, proxyServices, type ProxyEndpoint, type ProxyServicePort } from './service-ports';

const KUBE_SERVICES = 'KUBE-SERVICES';
const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
const KUBE_FORWARD = 'KUBE-FORWARD';
const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
const KUBE_FIREWALL = 'KUBE-FIREWALL';

/** nfacct counter names (pkg/proxy/metrics). */
export const CT_STATE_INVALID_COUNTER = 'ct_state_invalid_dropped_pkts';
export const LOCALHOST_NODEPORTS_COUNTER = 'localhost_nps_accepted_pkts';

/** proxier.go `largeClusterEndpointsThreshold`: beyond it, endpoint rules carry no comment. */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

const chainLine = (name: string) => `:${name} - [0:0]`;

/** Go's `fmt.Sprintf("%#08x", 1<<bit)`: Go pads the digits to 8 and then adds `0x` (`0x00004000`). */
export function masqueradeMarkText(masqueradeBit: number): string {
  return '0x' + (2 ** masqueradeBit).toString(16).padStart(8, '0');
}

/** proxyutil.NewDetectLocalByCIDR: `-s <cidr>` / `! -s <cidr>`; no CIDR means no detector. */
function localDetector(cfg: KubeProxyConfig): { ifLocal: string; ifNotLocal: string } | null {
  const p = cfg.clusterCIDR ? parseCidr(cfg.clusterCIDR.trim()) : null;
  if (!p) return null;
  const cidr = formatCidr(p);
  return { ifLocal: `-s ${cidr}`, ifNotLocal: `! -s ${cidr}` };
}

/** What one service port contributes to the three buffers, each a block of lines ('' for none). */
interface ServiceChunk {
  filterRules: string;
  natChains: string;
  natRules: string;
}

/**
 * Most service ports write the same text on every node (only Local traffic policies and the
 * load-balancer firewall look at the node), so their chunks are kept per cluster and settings.
 * The app and the dataplane ask for many nodes of one cluster; each then costs little more than
 * the final join.
 */
interface ChunkCache {
  settingsKey: string;
  chunks: (ServiceChunk | undefined)[];
}
const chunkCaches = new WeakMap<Cluster, ChunkCache>();

function nodeIndependent(p: ProxyServicePort): boolean {
  const local = p.internalPolicyLocal || (p.externalPolicyLocal && p.externallyAccessible);
  const firewall = p.loadBalancerVIPs.length > 0 && p.loadBalancerSourceRanges.length > 0;
  return !local && !firewall;
}

export function kubeProxyRestoreText(cluster: Cluster, node: string): string {
  const cfg = cluster.settings.kubeProxy;
  const nodeIP = cluster.nodes.find((n) => n.name === node)?.ip;
  const mark = masqueradeMarkText(cfg.masqueradeBit);
  const detector = localDetector(cfg);
  const { ports, totalEndpoints } = proxyServices(cluster);
  const largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;

  const settingsKey = `${cfg.clusterCIDR}|${cfg.masqueradeBit}|${cfg.localhostNodePorts}|${cfg.randomFully}|${cfg.nfacct}`;
  let cache = chunkCaches.get(cluster);
  if (cache === undefined || cache.settingsKey !== settingsKey) {
    cache = { settingsKey, chunks: new Array<ServiceChunk | undefined>(ports.length) };
    chunkCaches.set(cluster, cache);
  }

  const filterRuleParts: string[] = [];
  const natChainParts: string[] = [];
  const natRuleParts: string[] = [];
  const ctx: ServiceContext = { node, nodeIP, cfg, detector, largeClusterMode, filterRules: [], natChains: [], natRules: [] };
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i]!;
    let chunk = cache.chunks[i];
    if (chunk === undefined) {
      ctx.filterRules = [];
      ctx.natChains = [];
      ctx.natRules = [];
      writeServicePort(ctx, p);
      chunk = { filterRules: block(ctx.filterRules), natChains: block(ctx.natChains), natRules: block(ctx.natRules) };
      if (nodeIndependent(p)) cache.chunks[i] = chunk;
    }
    filterRuleParts.push(chunk.filterRules);
    natChainParts.push(chunk.natChains);
    natRuleParts.push(chunk.natRules);
  }

  const filterChains = [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL].map(chainLine);
  const filterFirst: string[] = [];
  if (cfg.localhostNodePorts) {
    // route_localnet opens 127/8 to the outside (issue 90259); this rule closes it again.
    filterChains.push(chainLine(KUBE_FIREWALL));
    filterFirst.push(
      `-A ${KUBE_FIREWALL} -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
    );
  }
  const filterLast = [
    // Conntrack marks out-of-window packets INVALID; dropping them avoids spurious resets (issue 74839).
    `-A ${KUBE_FORWARD} -m conntrack --ctstate INVALID` +
      (cfg.nfacct ? ` -m nfacct --nfacct-name ${CT_STATE_INVALID_COUNTER}` : '') +
      ' -j DROP',
    `-A ${KUBE_FORWARD} -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`,
    `-A ${KUBE_FORWARD} -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  ];
  const natChains = [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ].map(chainLine);
  const natFirst = [
    `-A ${KUBE_POSTROUTING} -m mark ! --mark ${mark}/${mark} -j RETURN`,
    // Clear the mark so a packet that re-traverses the stack is not masqueraded twice.
    `-A ${KUBE_POSTROUTING} -j MARK --xor-mark ${mark}`,
    `-A ${KUBE_POSTROUTING} -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE` +
      (cfg.randomFully ? ' --random-fully' : ''),
    `-A ${KUBE_MARK_MASQ} -j MARK --or-mark ${mark}`,
  ];
  // The tail call to KUBE-NODEPORTS must stay the last rule of KUBE-SERVICES.
  const natLast =
    `-A ${KUBE_SERVICES} -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL` +
    (cfg.localhostNodePorts ? '' : ' ! -d 127.0.0.0/8') +
    ` -j ${KUBE_NODEPORTS}`;

  // Blocks are flat strings (results of join); one final join copies each once.
  const blocks = [
    '*filter',
    block(filterChains),
    block(filterFirst),
    ...filterRuleParts,
    block(filterLast),
    'COMMIT\n*nat',
    block(natChains),
    ...natChainParts,
    block(natFirst),
    ...natRuleParts,
    natLast,
    'COMMIT\n',
  ];
  return blocks.filter((b) => b !== '').join('\n');
}

/** Lines as one block without a final newline ('' for none). */
function block(lines: string[]): string {
  return lines.join('\n');
}

interface ServiceContext {
  node: string;
  nodeIP: string | undefined;
  cfg: KubeProxyConfig;
  detector: { ifLocal: string; ifNotLocal: string } | null;
  largeClusterMode: boolean;
  filterRules: string[];
  natChains: string[];
  natRules: string[];
}

/** One iteration of syncProxyRules' loop over the service map. */
function writeServicePort(ctx: ServiceContext, p: ProxyServicePort): void {
  const { filterRules, natChains, natRules } = ctx;
  const { name, protocol } = p;
  const proto = `-m ${protocol} -p ${protocol}`;
  const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(p, ctx.node);

  const clusterPolicyChain = 'KUBE-SVC-' + p.hash;
  const localPolicyChain = 'KUBE-SVL-' + p.hash;
  const externalTrafficChain = 'KUBE-EXT-' + p.hash;
  const fwChain = 'KUBE-FW-' + p.hash;
  const usesClusterPolicyChain = clusterEndpoints.length > 0 && (!p.internalPolicyLocal || p.externallyAccessible);
  const usesLocalPolicyChain = localEndpoints.length > 0 && (p.internalPolicyLocal || (p.externalPolicyLocal && p.externallyAccessible));

  let internalTrafficChain = clusterPolicyChain;
  let hasInternalEndpoints = hasEndpoints;
  if (p.internalPolicyLocal) {
    internalTrafficChain = localPolicyChain;
    if (localEndpoints.length === 0) hasInternalEndpoints = false;
  }
  let externalPolicyChain = clusterPolicyChain;
  let hasExternalEndpoints = hasEndpoints;
  if (p.externalPolicyLocal) {
    externalPolicyChain = localPolicyChain;
    if (localEndpoints.length === 0) hasExternalEndpoints = false;
  }
  // The EXT chain is needed even without external endpoints: it short-circuits local traffic.
  const usesExternalTrafficChain = hasEndpoints && p.externallyAccessible;
  const usesFWChain = hasEndpoints && p.loadBalancerVIPs.length > 0 && p.loadBalancerSourceRanges.length > 0;
  const loadBalancerTrafficChain = usesFWChain ? fwChain : externalTrafficChain;

  let internalFilterTarget = '';
  let internalFilterComment = '';
  let externalFilterTarget = '';
  let externalFilterComment = '';
  if (!hasEndpoints) {
    internalFilterTarget = externalFilterTarget = 'REJECT';
    internalFilterComment = externalFilterComment = `"${name} has no endpoints"`;
  } else {
    if (!hasInternalEndpoints) {
      internalFilterTarget = 'DROP';
      internalFilterComment = `"${name} has no local endpoints"`;
    }
    if (!hasExternalEndpoints) {
      externalFilterTarget = 'DROP';
      externalFilterComment = `"${name} has no local endpoints"`;
    }
  }

  // Capture the cluster IP.
  const clusterIPMatch = `-m comment --comment "${name} cluster IP" ${proto} -d ${p.clusterIP} --dport ${p.port}`;
  if (hasInternalEndpoints) natRules.push(`-A KUBE-SERVICES ${clusterIPMatch} -j ${internalTrafficChain}`);
  else
    filterRules.push(
      `-A KUBE-SERVICES -m comment --comment ${internalFilterComment} ${proto} -d ${p.clusterIP} --dport ${p.port} -j ${internalFilterTarget}`,
    );

  // Capture external IPs.
  for (const ip of p.externalIPs) {
    if (hasEndpoints)
      natRules.push(`-A KUBE-SERVICES -m comment --comment "${name} external IP" ${proto} -d ${ip} --dport ${p.port} -j ${externalTrafficChain}`);
    if (!hasExternalEndpoints)
      filterRules.push(
        `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilterComment} ${proto} -d ${ip} --dport ${p.port} -j ${externalFilterTarget}`,
      );
  }

  // Capture load-balancer ingress IPs.
  for (const ip of p.loadBalancerVIPs) {
    if (hasEndpoints)
      natRules.push(
        `-A KUBE-SERVICES -m comment --comment "${name} loadbalancer IP" ${proto} -d ${ip} --dport ${p.port} -j ${loadBalancerTrafficChain}`,
      );
    if (usesFWChain)
      filterRules.push(
        `-A KUBE-PROXY-FIREWALL -m comment --comment "${name} traffic not accepted by ${fwChain}" ${proto} -d ${ip} --dport ${p.port} -j DROP`,
      );
  }
  if (!hasExternalEndpoints)
    for (const ip of p.loadBalancerVIPs)
      filterRules.push(
        `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilterComment} ${proto} -d ${ip} --dport ${p.port} -j ${externalFilterTarget}`,
      );

  // Capture node ports (not subject to loadBalancerSourceRanges).
  if (p.nodePort !== 0) {
    if (hasEndpoints) {
      if (ctx.cfg.localhostNodePorts && ctx.cfg.nfacct)
        natRules.push(
          `-A KUBE-NODEPORTS -m comment --comment ${name} ${proto} -d 127.0.0.0/8 --dport ${p.nodePort} -m nfacct --nfacct-name ${LOCALHOST_NODEPORTS_COUNTER} -j ${externalTrafficChain}`,
        );
      natRules.push(`-A KUBE-NODEPORTS -m comment --comment ${name} ${proto} --dport ${p.nodePort} -j ${externalTrafficChain}`);
    }
    if (!hasExternalEndpoints)
      filterRules.push(
        `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilterComment} -m addrtype --dst-type LOCAL ${proto} --dport ${p.nodePort} -j ${externalFilterTarget}`,
      );
  }

  // The health check node port answers whether or not this node has local endpoints.
  if (p.healthCheckNodePort !== 0)
    filterRules.push(
      `-A KUBE-NODEPORTS -m comment --comment "${name} health check node port" -m tcp -p tcp --dport ${p.healthCheckNodePort} -j ACCEPT`,
    );

  // Internal traffic: masquerade off-cluster sources that reach the cluster IP (static routes to
  // the service range), since the chosen endpoint may be on another node.
  if (hasInternalEndpoints && ctx.detector)
    natRules.push(`-A ${internalTrafficChain} ${clusterIPMatch} ${ctx.detector.ifNotLocal} -j KUBE-MARK-MASQ`);

  if (usesExternalTrafficChain) {
    natChains.push(chainLine(externalTrafficChain));
    if (!p.externalPolicyLocal) {
      natRules.push(
        `-A ${externalTrafficChain} -m comment --comment "masquerade traffic for ${name} external destinations" -j KUBE-MARK-MASQ`,
      );
    } else {
      // Pods reaching an external address of the service bypass the policy, as if they went out
      // to the load balancer and came back.
      if (ctx.detector)
        natRules.push(
          `-A ${externalTrafficChain} -m comment --comment "pod traffic for ${name} external destinations" ${ctx.detector.ifLocal} -j ${clusterPolicyChain}`,
        );
      // The node itself picks a local address as source, so its traffic must be masqueraded.
      natRules.push(
        `-A ${externalTrafficChain} -m comment --comment "masquerade LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
        `-A ${externalTrafficChain} -m comment --comment "route LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j ${clusterPolicyChain}`,
      );
    }
    if (hasExternalEndpoints) natRules.push(`-A ${externalTrafficChain} -j ${externalPolicyChain}`);
  }

  if (usesFWChain) {
    natChains.push(chainLine(fwChain));
    const head = `-A ${fwChain} -m comment --comment "${name} loadbalancer IP"`;
    let allowFromNode = false;
    for (const cidr of p.loadBalancerSourceRanges) {
      natRules.push(`${head} -s ${cidr} -j ${externalTrafficChain}`);
      if (ctx.nodeIP !== undefined && cidrContains(cidr, ctx.nodeIP)) allowFromNode = true;
    }
    // A VIP that is local to the node loops requests from the node back with the VIP as source.
    if (allowFromNode) for (const ip of p.loadBalancerVIPs) natRules.push(`${head} -s ${ip} -j ${externalTrafficChain}`);
    // Whatever falls off the end is not DNATed and meets the KUBE-PROXY-FIREWALL drop.
    natRules.push(`-A ${fwChain} -m comment --comment "other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL"`);
  }

  if (usesClusterPolicyChain) {
    natChains.push(chainLine(clusterPolicyChain));
    writeServiceToEndpointRules(ctx, p, clusterPolicyChain, clusterEndpoints);
  }
  if (usesLocalPolicyChain) {
    natChains.push(chainLine(localPolicyChain));
    writeServiceToEndpointRules(ctx, p, localPolicyChain, localEndpoints);
  }

  for (const ep of allReachableEndpoints) {
    natChains.push(chainLine(ep.chain));
    const head = ctx.largeClusterMode ? `-A ${ep.chain}` : `-A ${ep.chain} -m comment --comment ${name}`;
    // Hairpin: a pod reaching itself through the service must be masqueraded to get the reply.
    natRules.push(`${head} -s ${ep.ip} -j KUBE-MARK-MASQ`);
    const affinity = p.sessionAffinity ? ` -m recent --name ${ep.chain} --set` : '';
    natRules.push(`${head}${affinity} ${proto} -j DNAT --to-destination ${ep.ipPort}`);
  }
}

function writeServiceToEndpointRules(ctx: ServiceContext, p: ProxyServicePort, chain: string, endpoints: ProxyEndpoint[]): void {
  const { natRules } = ctx;
  const head = (ep: ProxyEndpoint) => (ctx.largeClusterMode ? `-A ${chain}` : `-A ${chain} -m comment --comment "${p.name} -> ${ep.ipPort}"`);
  if (p.sessionAffinity)
    for (const ep of endpoints)
      natRules.push(`${head(ep)} -m recent --name ${ep.chain} --rcheck --seconds ${p.stickyMaxAgeSeconds} --reap -j ${ep.chain}`);
  const n = endpoints.length;
  for (let i = 0; i < n; i++) {
    const ep = endpoints[i]!;
    // Endpoint i of n matches with probability 1/(n−i); the last one always matches.
    const statistic = i < n - 1 ? ` -m statistic --mode random --probability ${restoreProbability(n, i)}` : '';
    natRules.push(`${head(ep)}${statistic} -j ${ep.chain}`);
  }
}
