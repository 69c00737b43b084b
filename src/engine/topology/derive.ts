import type { Cluster, Pod } from '../cluster/types';
import { formatCidr, parseCidr } from '../net/ipv4';
import type { Dataplane, Interface, NodeDataplane } from '../dataplane/types';
import type { InterfaceRole, TopoExternal, TopoInterface, TopoLink, TopoNode, TopoPod, TopoService, Topology } from './types';

/** The address a documentation-range client uses when a scenario names none (RFC 5737 TEST-NET-3). */
export const DEFAULT_EXTERNAL_CLIENT = '203.0.113.10';

export const podId = (ns: string, name: string): string => `pod:${ns}/${name}`;
export const nodeId = (name: string): string => `node:${name}`;
export const stackId = (node: string): string => `stack:${node}`;
export const ifaceId = (node: string, name: string): string => `if:${node}/${name}`;
export const serviceId = (ns: string, name: string): string => `svc:${ns}/${name}`;
export const externalId = (ip: string): string => `ext:${ip}`;
export const UNDERLAY_ID = 'underlay';
/** Any off-cluster address the picture has no element for. */
export const INTERNET_ID = 'ext:internet';

/** Drawn interfaces: everything a packet can cross; loopback and kube-ipvs0-style dummies are not. */
function roleOf(iface: Interface): InterfaceRole | null {
  switch (iface.kind) {
    case 'loopback':
    case 'dummy':
      return null;
    case 'veth':
      return iface.peer && iface.peer.netns.startsWith('pod:') ? 'pod-veth' : 'other';
    case 'bridge':
    case 'openvswitch':
      return 'bridge';
    case 'ipip':
    case 'vxlan':
      return 'tunnel';
    case 'ethernet':
      return 'uplink';
  }
}

function tunnelBadge(iface: Interface): string | undefined {
  if (iface.kind === 'ipip') return 'IPIP';
  if (iface.kind === 'vxlan' && iface.vxlan) return `VXLAN ${iface.vxlan.vni} · UDP ${iface.vxlan.dstPort}`;
  if (iface.kind === 'vxlan') return 'VXLAN';
  return undefined;
}

function deriveInterfaces(node: string, dp: NodeDataplane | undefined): TopoInterface[] {
  if (!dp) return [{ id: ifaceId(node, 'eth0'), node, name: 'eth0', linkKind: 'ethernet', role: 'uplink', mtu: 1500 }];
  const out: TopoInterface[] = [];
  for (const iface of dp.host.interfaces) {
    const role = roleOf(iface);
    if (!role) continue;
    const t: TopoInterface = { id: ifaceId(node, iface.name), node, name: iface.name, linkKind: iface.kind, role, mtu: iface.mtu };
    const addr = iface.addresses[0];
    if (addr) t.ip = addr.ip;
    const badge = tunnelBadge(iface);
    if (badge) t.badge = badge;
    out.push(t);
  }
  return out;
}

function isDnsServer(pod: Pod): boolean {
  return pod.labels['k8s-app'] === 'kube-dns' || pod.name.startsWith('coredns-');
}

function deriveLinks(nodes: TopoNode[], dataplane: Dataplane, pods: TopoPod[]): TopoLink[] {
  const links: TopoLink[] = [];
  const add = (from: string, to: string, kind: TopoLink['kind']) => links.push({ id: `${from}→${to}`, from, to, kind });
  for (const pod of pods) if (pod.hostIface) add(pod.id, pod.hostIface, 'veth');
  for (const node of nodes) {
    const dp = dataplane.nodes[node.name];
    const byName = new Map((dp?.host.interfaces ?? []).map((i) => [i.name, i]));
    for (const t of node.interfaces) {
      const master = byName.get(t.name)?.master;
      if (master && node.interfaces.some((o) => o.name === master)) {
        add(t.id, ifaceId(node.name, master), 'bridge-port');
        continue;
      }
      if (t.role === 'pod-veth' || t.role === 'bridge') add(t.id, node.stackId, 'stack');
      else if (t.role === 'tunnel') {
        add(node.stackId, t.id, 'stack');
        const uplink = node.interfaces.find((o) => o.role === 'uplink');
        if (uplink) add(t.id, uplink.id, 'carrier');
      } else if (t.role === 'uplink') {
        add(node.stackId, t.id, 'stack');
        add(t.id, UNDERLAY_ID, 'underlay');
      }
    }
  }
  return links;
}

function deriveServices(cluster: Cluster): TopoService[] {
  const podByIp = new Map(cluster.pods.filter((p) => !p.hostNetwork).map((p) => [p.ip, p]));
  return cluster.services.map((s) => {
    const endpoints = new Set<string>();
    for (const port of s.ports)
      for (const ep of port.endpoints) {
        if (!ep.ready) continue;
        const pod = ep.pod ?? podByIp.get(ep.ip);
        if (pod) endpoints.add(podId(pod.namespace, pod.name));
      }
    const t: TopoService = {
      id: serviceId(s.namespace, s.name),
      namespace: s.namespace,
      name: s.name,
      type: s.type,
      clusterIP: s.clusterIP,
      ports: s.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, ...(p.nodePort ? { nodePort: p.nodePort } : {}) })),
      loadBalancerIPs: [...s.loadBalancerIPs],
      externalIPs: [...s.externalIPs],
      endpoints: [...endpoints].sort(),
    };
    return t;
  });
}

/**
 * Cluster + Dataplane → the picture. `extraExternals` adds off-cluster hosts a trace talks to
 * (e.g. `external/198.51.100.7`), so every hop has a place to be drawn.
 */
export function deriveTopology(cluster: Cluster, dataplane: Dataplane, extraExternals: string[] = []): Topology {
  const pods: TopoPod[] = [];
  const nodes: TopoNode[] = cluster.nodes.map((n) => ({
    id: nodeId(n.name),
    name: n.name,
    ip: n.ip,
    role: n.role,
    podRanges: n.calicoBlocks.length > 0 ? [...n.calicoBlocks] : n.podCIDR ? [n.podCIDR] : [],
    stackId: stackId(n.name),
    interfaces: deriveInterfaces(n.name, dataplane.nodes[n.name]),
    pods: [],
  }));
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  for (const p of cluster.pods) {
    const node = nodeByName.get(p.node);
    if (!node) continue;
    const id = podId(p.namespace, p.name);
    const pod: TopoPod = { id, namespace: p.namespace, name: p.name, node: p.node, ip: p.ip, hostNetwork: p.hostNetwork, ready: p.ready, dnsServer: isDnsServer(p) };
    const host = dataplane.nodes[p.node]?.host.interfaces.find((i) => i.peer?.netns === `pod:${p.namespace}/${p.name}`);
    if (host) pod.hostIface = ifaceId(p.node, host.name);
    pods.push(pod);
    node.pods.push(id);
  }
  const externals: TopoExternal[] = [];
  const seen = new Set<string>();
  const addExternal = (ip: string, role: TopoExternal['role'], label: string) => {
    if (seen.has(ip)) return;
    seen.add(ip);
    externals.push({ id: externalId(ip), ip, role, label });
  };
  addExternal(DEFAULT_EXTERNAL_CLIENT, 'client', 'External client');
  for (const ip of cluster.settings.upstreamDNS) addExternal(ip, 'upstream-dns', 'Upstream DNS');
  for (const ip of extraExternals) addExternal(ip, 'internet', 'Outside host');
  externals.push({ id: INTERNET_ID, ip: '', role: 'internet', label: 'Internet' });
  const underlayCidrs = [
    ...new Set(
      cluster.nodes.map((n) => {
        const p = parseCidr(`${n.ip}/${n.underlayPrefix}`);
        return p ? formatCidr(p) : n.ip;
      }),
    ),
  ];
  return {
    name: cluster.settings.name,
    cni: cluster.settings.cni,
    encapsulation: cluster.settings.cni === 'calico' ? cluster.settings.calico.encapsulation : cluster.settings.cni === 'flannel' ? 'VXLAN' : cluster.settings.cni === 'weave' ? 'fastdp' : 'None',
    underlay: { id: UNDERLAY_ID, cidrs: underlayCidrs },
    nodes,
    pods,
    services: deriveServices(cluster),
    externals,
    links: deriveLinks(nodes, dataplane, pods),
  };
}
