/**
 * Calico's Linux state per node (BIRD + Felix + the Calico CNI plugin), as DESIGN.md §4 states it:
 * `cali` veths with MAC ee:ee:ee:ee:ee:ee and proxy_arp, /32 workload routes, a blackhole per local
 * IPAM block, and remote blocks over tunl0 (IPIP), vxlan.calico (VXLAN) or straight over eth0.
 */
import { cidrContains, nthAddress, parseCidr, prefixContains, type Cidr } from '../net/ipv4';
import type { CalicoPool, Cluster, ClusterNode, Pod } from '../cluster/types';
import { calicoVethName, deterministicMac, podNetnsName } from './interface-names';
import { hostNetns, podNetns, podsWithNetns } from './host';
import type { NetnsBuilder } from './netns';
import type { Netns } from './types';

export const CALICO_HOST_MAC = 'ee:ee:ee:ee:ee:ee';
/** The fake next hop the Calico CNI gives every workload; the host veth answers ARP for it. */
export const CALICO_GATEWAY = '169.254.1.1';
/** Felix programs VXLAN-mode routes with protocol 80 (`proto 80` in ip route). */
const FELIX_PROTO = 80;

type Encap = 'IPIP' | 'VXLAN' | 'None';

/** Encapsulation for traffic to `block` on `remote`, by the pool's ipipMode/vxlanMode (CrossSubnet: only across subnets). */
export function calicoEncapFor(cluster: Cluster, block: Cidr, local: ClusterNode, remote: ClusterNode): Encap {
  const pool = poolOf(cluster.calicoPools, block);
  if (!pool) return cluster.settings.calico.encapsulation;
  const crossSubnet = !sameSubnet(local, remote);
  if (pool.ipipMode === 'Always' || (pool.ipipMode === 'CrossSubnet' && crossSubnet)) return 'IPIP';
  if (pool.vxlanMode === 'Always' || (pool.vxlanMode === 'CrossSubnet' && crossSubnet)) return 'VXLAN';
  return 'None';
}

function poolOf(pools: CalicoPool[], block: Cidr): CalicoPool | undefined {
  const p = parseCidr(block);
  if (!p) return undefined;
  return pools.find((pool) => {
    const q = parseCidr(pool.cidr);
    return q !== null && q.len <= p.len && prefixContains(q, p.net);
  });
}

function sameSubnet(a: ClusterNode, b: ClusterNode): boolean {
  return cidrContains(`${a.ip}/${a.underlayPrefix}`, b.ip);
}

/** Which tunnel devices a node has: any pool (or the profile) using IPIP/VXLAN brings tunl0/vxlan.calico up. */
function tunnelsInUse(cluster: Cluster): { ipip: boolean; vxlan: boolean } {
  const pools = cluster.calicoPools.filter((p) => !p.disabled);
  if (pools.length === 0) {
    const e = cluster.settings.calico.encapsulation;
    return { ipip: e === 'IPIP', vxlan: e === 'VXLAN' };
  }
  return { ipip: pools.some((p) => p.ipipMode !== 'Never'), vxlan: pools.some((p) => p.vxlanMode !== 'Never') };
}

/** Calico's MTU auto-detection: the host MTU minus the encapsulation overhead (IPIP 20, VXLAN 50). */
export function calicoMtu(cluster: Cluster, node: ClusterNode): number {
  const t = tunnelsInUse(cluster);
  return t.vxlan ? node.mtu - 50 : t.ipip ? node.mtu - 20 : node.mtu;
}

/** The tunnel address: the Node annotation when given, else the first address of the node's first block. */
function tunnelAddr(node: ClusterNode, given: string | undefined): string | undefined {
  if (given) return given;
  const block = node.calicoBlocks[0];
  return block ? nthAddress(block, 0) : undefined;
}

export function calicoVtepMac(node: ClusterNode): string {
  return deterministicMac(`vxlan.calico:${node.name}`, 0x66);
}

/** BIRD programs the routes in IPIP and no-encap mode (`proto bird`); Felix in VXLAN mode (`proto 80`). */
function routeOwner(t: { ipip: boolean; vxlan: boolean }): { proto?: 'bird'; protoId?: number } {
  return t.vxlan && !t.ipip ? { protoId: FELIX_PROTO } : { proto: 'bird' };
}

export function buildCalicoNode(cluster: Cluster, node: ClusterNode): { host: Netns; pods: Record<string, Netns> } {
  const host = hostNetns(cluster, node);
  const tunnels = tunnelsInUse(cluster);
  const mtu = calicoMtu(cluster, node);
  const owner = routeOwner(tunnels);
  const ipipAddr = tunnelAddr(node, node.ipipTunnelAddr);
  const vxlanAddr = tunnelAddr(node, node.vxlanTunnelAddr);

  if (tunnels.ipip) {
    host.addLink({ name: 'tunl0', kind: 'ipip', mtu: node.mtu - 20, mac: '00:00:00:00:00:00', noArp: true, ipip: {} });
    if (ipipAddr) host.addAddress('tunl0', ipipAddr, 32);
  }
  if (tunnels.vxlan) {
    host.addLink({
      name: 'vxlan.calico',
      kind: 'vxlan',
      mtu: node.mtu - 50,
      mac: calicoVtepMac(node),
      vxlan: { vni: 4096, dstPort: 4789, local: node.ip, dev: 'eth0', learning: false },
    });
    if (vxlanAddr) host.addAddress('vxlan.calico', vxlanAddr, 32);
  }

  for (const block of node.calicoBlocks) host.addRoute(Object.assign({ type: 'blackhole' as const, dst: block }, owner));
  addRemoteBlocks(cluster, node, host, tunnels);

  const pods: Record<string, Netns> = {};
  for (const pod of podsWithNetns(cluster.pods, node.name)) {
    pods[`${pod.namespace}/${pod.name}`] = addWorkload(host, pod, mtu, tunnels.ipip);
  }
  return { host: host.ns, pods };
}

function addRemoteBlocks(cluster: Cluster, node: ClusterNode, host: NetnsBuilder, tunnels: { ipip: boolean; vxlan: boolean }): void {
  const byName = new Map(cluster.nodes.map((n) => [n.name, n]));
  const vteps = new Set<string>();
  for (const b of cluster.calicoBlocks) {
    const remote = byName.get(b.node);
    if (!remote || remote.name === node.name) continue;
    const encap = calicoEncapFor(cluster, b.cidr, node, remote);
    if (encap === 'IPIP') {
      host.addRoute({ dst: b.cidr, via: remote.ip, dev: 'tunl0', proto: 'bird', onlink: true });
    } else if (encap === 'VXLAN') {
      const vtep = tunnelAddr(remote, remote.vxlanTunnelAddr);
      if (!vtep) continue;
      host.addRoute({ dst: b.cidr, via: vtep, dev: 'vxlan.calico', onlink: true });
      if (!vteps.has(remote.name)) {
        vteps.add(remote.name);
        const mac = calicoVtepMac(remote);
        host.addNeighbour({ ip: vtep, dev: 'vxlan.calico', lladdr: mac, state: 'PERMANENT' });
        host.addFdb({ mac, dev: 'vxlan.calico', dst: remote.ip, permanent: true, self: true });
      }
    } else if (tunnels.vxlan && !tunnels.ipip) {
      host.addRoute({ dst: b.cidr, via: remote.ip, dev: 'eth0', protoId: FELIX_PROTO, onlink: true });
    } else {
      host.addRoute({ dst: b.cidr, via: remote.ip, dev: 'eth0', proto: 'bird' });
    }
  }
}

/**
 * One workload: the Calico CNI creates the veth inside the pod netns (so eth0 gets the next index
 * there) and moves the host end out. With the ipip module loaded the kernel also gives every new
 * netns a fallback `tunl0`, down, which `ip addr` in a pod shows.
 */
function addWorkload(host: NetnsBuilder, pod: Pod, mtu: number, ipipLoaded: boolean): Netns {
  const p = podNetns(pod);
  if (ipipLoaded) p.addLink({ name: 'tunl0', kind: 'ipip', mtu: 1480, mac: '00:00:00:00:00:00', up: false, noArp: true, qdisc: 'noop', ipip: {} });
  const veth = calicoVethName(pod.namespace, pod.name);
  const hostIndex = host.peekIndex();
  const eth0 = p.addLink({
    name: 'eth0',
    kind: 'veth',
    mtu,
    mac: deterministicMac(`pod:${pod.namespace}/${pod.name}`),
    peer: { netns: 'host', iface: veth, index: hostIndex },
    linkNetnsId: 0,
  });
  host.addLink({
    name: veth,
    kind: 'veth',
    mtu,
    mac: CALICO_HOST_MAC,
    peer: { netns: p.ns.id, iface: 'eth0', index: eth0.index },
    linkNetns: podNetnsName(pod.namespace, pod.name),
    // Felix's per-workload sysctls.
    sysctls: { proxy_arp: '1', rp_filter: '1', forwarding: '1', 'neigh.proxy_delay': '0' },
  });
  p.addAddress('eth0', pod.ip, 32);
  p.addRoute({ dst: CALICO_GATEWAY, dev: 'eth0', scope: 'link' });
  p.addRoute({ dst: 'default', via: CALICO_GATEWAY, dev: 'eth0' });
  host.addRoute({ dst: pod.ip, dev: veth, scope: 'link' });
  return p.ns;
}
