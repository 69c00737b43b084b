/**
 * Where each modelled namespace lives in the lab: netns names, the underlay wire, the external
 * client and the upstream resolver. The script generator and the kernel tests both read this, so
 * a test always probes the netns the script built.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Cluster } from '../cluster/types';
import type { Dataplane, Netns } from '../dataplane/types';
import { cidrContains, formatCidr, formatIPv4, parseCidr, type Cidr, type IPv4 } from '../net/ipv4';

/** Longest netns name we print: `ip netns list` stays readable and every name fits a terminal column. */
export const NETNS_NAME_MAX = 40;
/** IFNAMSIZ − 1: the kernel refuses longer interface names. */
export const IFNAME_MAX = 15;

export const WIRE_NETNS = 'pw-wire';
export const WIRE_BRIDGE = 'wire';
export const EXTERNAL_NETNS = 'pw-external';
export const UPSTREAM_NETNS = 'pw-upstream';
/** pw-wire's end of the link to the upstream resolver netns. */
export const UPSTREAM_PORT = 'upstream';

export interface LabOptions {
  /** The external client's address (default: host 200 of the first node's underlay subnet). */
  externalIp?: IPv4;
}

export interface LabNode {
  node: string;
  netns: string;
  ip: IPv4;
  prefixLen: number;
  /** pw-wire's end of the veth whose other end is the node's `eth0`. */
  wirePort: string;
}

export interface LabPod {
  /** `<namespace>/<name>`, the key of `NodeDataplane.pods`. */
  pod: string;
  netns: string;
  node: string;
  ip: IPv4 | undefined;
}

export interface LabLayout {
  cluster: string;
  nodes: LabNode[];
  pods: LabPod[];
  wire: { netns: string; bridge: string; subnet: Cidr; gateways: IPv4[] };
  external: { netns: string; ip: IPv4; prefixLen: number; gateway: IPv4 | undefined };
  /** The upstream resolvers (`settings.upstreamDNS`) that lie outside the underlay subnet. */
  upstream: { netns: string; ips: IPv4[]; onWire: boolean } | null;
  /** Every netns the script creates, in creation order; `down` deletes exactly these. */
  allNetns: string[];
}

function shortHash(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text))).slice(0, 8);
}

/** `wanted` when it fits and is free, else a prefix of it plus 8 hex digits of SHA-256 of `key`. */
function fitName(wanted: string, key: string, max: number, taken: Set<string>): string {
  if (wanted.length <= max && !taken.has(wanted)) return wanted;
  const hash = shortHash(key);
  return `${wanted.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** Interface names longer than the kernel allows get a hashed short name (reported in the script). */
export function labIfName(name: string): string {
  return name.length <= IFNAME_MAX ? name : fitName(name, name, IFNAME_MAX, new Set());
}

function eth0Address(ns: Netns): { ip: IPv4; prefixLen: number } | undefined {
  const eth = ns.interfaces.find((i) => i.name === 'eth0') ?? ns.interfaces.find((i) => i.kind !== 'loopback');
  const a = eth?.addresses[0];
  return a ? { ip: a.ip, prefixLen: a.prefixLen } : undefined;
}

/** The gateways of the nodes' default routes that sit on the underlay subnet. */
function underlayGateways(dataplane: Dataplane, subnet: Cidr): IPv4[] {
  const gws = new Set<IPv4>();
  for (const nd of Object.values(dataplane.nodes)) {
    for (const r of nd.host.routes) {
      if (r.table === 'main' && r.dst === 'default' && r.via && cidrContains(subnet, r.via)) gws.add(r.via);
    }
  }
  return [...gws].sort();
}

/** Host `n` of the subnet, skipping addresses already used by nodes or gateways. */
function freeHost(subnet: Cidr, preferred: number, used: Set<IPv4>): IPv4 {
  const p = parseCidr(subnet)!;
  const size = 2 ** (32 - p.len);
  for (let k = 0; k < size - 2; k++) {
    const n = ((preferred - 1 + k) % (size - 2)) + 1;
    const ip = formatIPv4(p.net + n);
    if (!used.has(ip)) return ip;
  }
  return formatIPv4(p.net + preferred);
}

export function labLayout(cluster: Cluster, dataplane: Dataplane, opts: LabOptions = {}): LabLayout {
  const taken = new Set<string>([WIRE_NETNS, EXTERNAL_NETNS, UPSTREAM_NETNS]);
  const nodes: LabNode[] = [];
  const order = cluster.nodes.map((n) => n.name).filter((n) => dataplane.nodes[n]);
  for (const n of Object.keys(dataplane.nodes).sort()) if (!order.includes(n)) order.push(n);
  order.forEach((name, i) => {
    const cn = cluster.nodes.find((n) => n.name === name);
    const addr = eth0Address(dataplane.nodes[name]!.host);
    const netns = fitName(`pw-node-${name}`, `node/${name}`, NETNS_NAME_MAX, taken);
    taken.add(netns);
    nodes.push({
      node: name,
      netns,
      ip: cn?.ip ?? addr?.ip ?? '0.0.0.0',
      prefixLen: addr?.prefixLen ?? cn?.underlayPrefix ?? 24,
      wirePort: `node${i}`,
    });
  });

  const pods: LabPod[] = [];
  for (const ln of nodes) {
    const nd = dataplane.nodes[ln.node]!;
    for (const key of Object.keys(nd.pods).sort()) {
      const slash = key.indexOf('/');
      const namespace = key.slice(0, slash);
      const name = key.slice(slash + 1);
      const netns = fitName(`pw-${namespace}-${name}`, `pod/${key}`, NETNS_NAME_MAX, taken);
      taken.add(netns);
      const cp = cluster.pods.find((p) => p.namespace === namespace && p.name === name);
      pods.push({ pod: key, netns, node: ln.node, ip: cp?.ip ?? eth0Address(nd.pods[key]!)?.ip });
    }
  }

  const first = nodes[0];
  const subnet = first ? formatCidr(parseCidr(`${first.ip}/${first.prefixLen}`)!) : '192.168.10.0/24';
  const prefixLen = parseCidr(subnet)!.len;
  const gateways = underlayGateways(dataplane, subnet);
  const used = new Set<IPv4>([...nodes.map((n) => n.ip), ...gateways]);
  const externalIp = opts.externalIp ?? freeHost(subnet, 200, used);
  const upstreamIps = cluster.settings.upstreamDNS.filter((ip) => ip !== externalIp && !used.has(ip));
  const upstream =
    upstreamIps.length > 0
      ? { netns: UPSTREAM_NETNS, ips: upstreamIps, onWire: upstreamIps.every((ip) => cidrContains(subnet, ip)) }
      : null;

  const allNetns = [WIRE_NETNS, EXTERNAL_NETNS, ...(upstream ? [UPSTREAM_NETNS] : []), ...nodes.map((n) => n.netns), ...pods.map((p) => p.netns)];
  return {
    cluster: cluster.settings.name,
    nodes,
    pods,
    wire: { netns: WIRE_NETNS, bridge: WIRE_BRIDGE, subnet, gateways },
    external: {
      netns: EXTERNAL_NETNS,
      ip: externalIp,
      prefixLen: cidrContains(subnet, externalIp) ? prefixLen : 32,
      gateway: gateways[0],
    },
    upstream,
    allNetns,
  };
}
