/**
 * Layer 2 on a link: who answers ARP for an address (a static/permanent entry, the owner of the
 * address on the same segment, or a proxy_arp interface that routes it elsewhere, as Calico's host
 * veths do for 169.254.1.1), and where a bridge or VXLAN device sends a frame (its FDB).
 */
import type { IPv4 } from '../net/ipv4';
import { deterministicMac } from './interface-names';
import { lookupRoute } from './route-table';
import type { Dataplane, FdbEntry, Interface, Netns } from './types';

export type NeighbourResolution =
  | {
      ok: true;
      lladdr: string;
      /** static: a PERMANENT entry; arp: the owner answered; proxy_arp: a proxying interface answered; noarp: the device has no L2 (tunl0). */
      how: 'static' | 'arp' | 'proxy_arp' | 'noarp';
      /** The interface that answered, when it is one we model. */
      answeredBy?: { node: string; netns: string; iface: string };
      /** The entry as `ip neigh` shows it afterwards. */
      text: string;
    }
  | { ok: false; reason: string };

interface L2Index {
  /** address → the interface that owns it, over every netns of the dataplane. */
  owners: Map<IPv4, { node: string; ns: Netns; iface: Interface }>;
  /** node + netns id → netns */
  netns: Map<string, Netns>;
}

const l2Indexes = new WeakMap<Dataplane, L2Index>();

function l2Index(dp: Dataplane): L2Index {
  let ix = l2Indexes.get(dp);
  if (ix) return ix;
  ix = { owners: new Map(), netns: new Map() };
  for (const n of Object.values(dp.nodes)) {
    for (const ns of [n.host, ...Object.values(n.pods)]) {
      ix.netns.set(`${n.node} ${ns.id}`, ns);
      for (const iface of ns.interfaces) {
        if (iface.kind === 'loopback') continue;
        for (const a of iface.addresses) if (!ix.owners.has(a.ip) || ns.id === 'host') ix.owners.set(a.ip, { node: n.node, ns, iface });
      }
    }
  }
  l2Indexes.set(dp, ix);
  return ix;
}

function found(ip: IPv4, dev: string, lladdr: string, how: 'arp' | 'proxy_arp', by?: { node: string; netns: string; iface: string }): NeighbourResolution {
  const r: NeighbourResolution = { ok: true, lladdr, how, text: `${ip} dev ${dev} lladdr ${lladdr} REACHABLE ` };
  if (by) r.answeredBy = by;
  return r;
}

/** What is at the far end of `iface`'s link: the veth peer, or (bridge port / bridge) the bridge's segment. */
function segmentOf(ix: L2Index, node: string, ns: Netns, iface: Interface): { ns: Netns; iface: Interface }[] {
  const out: { ns: Netns; iface: Interface }[] = [];
  const add = (n: Netns, i: Interface) => out.push({ ns: n, iface: i });
  const bridgeMembers = (host: Netns, bridge: string) => {
    const br = host.interfaces.find((i) => i.name === bridge);
    if (br) add(host, br);
    for (const port of host.interfaces) {
      if (port.master !== bridge || !port.peer || port.peer.netns === host.id) continue;
      const pns = ix.netns.get(`${node} ${port.peer.netns}`);
      const pi = pns?.interfaces.find((i) => i.name === port.peer!.iface);
      if (pns && pi) add(pns, pi);
    }
  };
  if (iface.kind === 'bridge') bridgeMembers(ns, iface.name);
  else if (iface.kind === 'veth' && iface.peer) {
    const pns = iface.peer.netns === ns.id ? ns : ix.netns.get(`${node} ${iface.peer.netns}`);
    const pi = pns?.interfaces.find((i) => i.name === iface.peer!.iface);
    if (pns && pi) {
      if (pi.master && pns.id === 'host') bridgeMembers(pns, pi.master);
      else add(pns, pi);
    }
  }
  return out;
}

/**
 * ARP resolution of `ip` out of `dev` in `ns` (the next hop `lookupRoute` gave). Without a
 * dataplane only static entries resolve.
 */
export function resolveNeighbour(ns: Netns, dev: string, ip: IPv4, dp?: Dataplane): NeighbourResolution {
  const iface = ns.interfaces.find((i) => i.name === dev);
  if (!iface) return { ok: false, reason: `no device ${dev} in ${ns.id}` };
  if (iface.noArp || iface.kind === 'ipip' || iface.kind === 'loopback') {
    return { ok: true, lladdr: '00:00:00:00:00:00', how: 'noarp', text: `${ip} dev ${dev} lladdr 00:00:00:00:00:00 NOARP ` };
  }
  const entry = ns.neighbours.find((n) => n.dev === dev && n.ip === ip);
  if (entry) return { ok: true, lladdr: entry.lladdr, how: 'static', text: `${entry.ip} dev ${entry.dev} lladdr ${entry.lladdr} ${entry.state} ` };
  if (!dp) return { ok: false, reason: `no neighbour entry for ${ip} on ${dev}` };
  const ix = l2Index(dp);
  const node = ns.node;

  if (iface.kind === 'ethernet') {
    // The underlay: another node's NIC, or the subnet's router.
    const owner = ix.owners.get(ip);
    if (owner && owner.ns.id === 'host' && owner.iface.kind === 'ethernet') {
      return found(ip, dev, owner.iface.mac, 'arp', { node: owner.node, netns: 'host', iface: owner.iface.name });
    }
    const route = lookupRoute(ns, ip);
    if (route.ok && route.dev === dev && route.gateway === undefined) return found(ip, dev, deterministicMac(`router:${ip}`), 'arp');
    return { ok: false, reason: `${ip} does not answer ARP on ${dev}` };
  }
  if (iface.kind === 'vxlan') return { ok: false, reason: `no permanent neighbour for ${ip} on ${dev} (VXLAN devices here do not learn)` };

  const segment = segmentOf(ix, node, ns, iface);
  for (const m of segment) {
    if (m.iface.addresses.some((a) => a.ip === ip)) return found(ip, dev, m.iface.mac, 'arp', { node, netns: m.ns.id, iface: m.iface.name });
  }
  // Weave: the whole range is one L2 segment across nodes through the datapath.
  if (iface.master === 'weave' || iface.name === 'weave' || segment.some((m) => m.iface.name === 'weave')) {
    const owner = ix.owners.get(ip);
    if (owner && owner.node !== node) return found(ip, dev, owner.iface.mac, 'arp', { node: owner.node, netns: owner.ns.id, iface: owner.iface.name });
  }
  // proxy_arp: an interface on the segment answers for an address it routes out of another interface.
  for (const m of segment) {
    if (m.iface.sysctls.proxy_arp !== '1') continue;
    const r = lookupRoute(m.ns, ip);
    if (r.ok && r.type === 'unicast' && r.dev !== m.iface.name) return found(ip, dev, m.iface.mac, 'proxy_arp', { node, netns: m.ns.id, iface: m.iface.name });
  }
  return { ok: false, reason: `nobody answers ARP for ${ip} on ${dev}` };
}

/** The FDB entry a bridge (by port) or a VXLAN device (by remote VTEP) uses for `mac`; undefined means flood. */
export function lookupFdb(ns: Netns, dev: string, mac: string): FdbEntry | undefined {
  const iface = ns.interfaces.find((i) => i.name === dev);
  if (iface?.kind === 'bridge') return ns.fdb.find((e) => e.master === dev && e.mac === mac);
  return ns.fdb.find((e) => e.dev === dev && e.mac === mac && e.self);
}
