/**
 * Tunnels. IPIP (`tunl0`, IP protocol 4): the outer header goes to the route's gateway, which
 * `onlink` lets be a node outside any connected subnet; Calico's tunl0 is created `ttl inherit`, so
 * the outer TTL copies the inner one. VXLAN (`flannel.1` UDP 8472 VNI 1, `vxlan.calico` UDP 4789
 * VNI 4096): the gateway's MAC comes from a permanent neighbour entry, the remote VTEP from the FDB
 * entry for that MAC; the outer TTL is the default 64 and the UDP source port a hash of the inner
 * flow (udp_flow_src_port, within ip_local_port_range 32768-60999).
 */
import { lookupFdb } from '../dataplane';
import type { Interface } from '../dataplane/types';
import { at, inNs, type Outcome, type Pkt, type WalkContext, type Where } from './context';
import { weaveDeliver } from './bridge';
import { ifaceOf, routeOuter } from './link';
import { lookupRoute, type RouteResult } from './routing';
import { outerHooks, receive } from './stack';
import { wireFromNode } from './wire';

/** A stable stand-in for the kernel's flow hash → source port in 32768-60999. */
export function flowPort(p: Pkt): number {
  const text = `${p.proto}|${p.src}|${p.dst}|${p.sport ?? 0}|${p.dport ?? 0}`;
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return 32768 + (h % (60999 - 32768 + 1));
}

/** The outer header is routed, passes OUTPUT and POSTROUTING as a local packet, and goes on the wire. */
export function sendOuter(ctx: WalkContext, w: Where, pkt: Pkt): Outcome {
  const r = routeOuter(ctx, w, pkt);
  if (!r) return { verdict: 'unroutable' };
  const dev = ifaceOf(w, r.route.dev);
  if (!dev) return { verdict: 'dropped' };
  const stopped = outerHooks(ctx, w, pkt, 'out', dev.name);
  if (stopped) return stopped;
  return wireFromNode(ctx, w, dev, r.nexthop, pkt);
}

export function encapIpip(ctx: WalkContext, w: Where, dev: Interface, r: RouteResult, pkt: Pkt): Outcome {
  const remote = r.route.via ?? dev.ipip?.remote;
  if (!remote) {
    ctx.hop(at(w), 'drop', pkt, { route: r.text }, `${dev.name} has no remote and the route has no gateway: IPIP cannot address the outer header.`, { iface: dev.name });
    return { verdict: 'dropped' };
  }
  // The outer source: the tunnel's fixed `local`, else what routing picks for the remote.
  const src = dev.ipip?.local ?? lookupRoute(w.ns, remote)?.src ?? '';
  pkt.outer = { src, dst: remote, proto: 'ipip', ttl: pkt.ttl };
  ctx.hop(at(w), 'encap', pkt, { route: r.text, lines: [`outer ${src} → ${remote} proto 4 (ipip) ttl ${pkt.ttl}`] }, `${dev.name} wraps the packet in an outer IP header ${src} → ${remote} (IP protocol 4, TTL inherited from the inner ${pkt.ttl}); the tunnel MTU is ${dev.mtu}.`, {
    iface: dev.name,
    commands: [inNs(w, `ip -d link show ${dev.name}`), inNs(w, `tcpdump -ni eth0 ip proto 4 and host ${remote}`)],
  });
  return sendOuter(ctx, w, pkt);
}

export function encapVxlan(ctx: WalkContext, w: Where, dev: Interface, r: RouteResult, pkt: Pkt): Outcome {
  const neigh = w.ns.neighbours.find((n) => n.ip === r.nexthop && n.dev === dev.name);
  const fdb = neigh && lookupFdb(w.ns, dev.name, neigh.lladdr);
  let vtep = fdb?.dst;
  if (!vtep) {
    // Without FDB data, the VTEP is the node whose VXLAN device carries the gateway address.
    for (const [node, dp] of Object.entries(ctx.dataplane.nodes)) {
      if (dp.host.interfaces.some((i) => i.kind === 'vxlan' && i.addresses.some((a) => a.ip === r.nexthop))) {
        vtep = ctx.cluster.nodes.find((n) => n.name === node)?.ip;
      }
    }
  }
  if (!vtep) {
    ctx.hop(at(w), 'drop', pkt, { route: r.text }, `No neighbour/FDB entry tells ${dev.name} which node owns ${r.nexthop}: the frame cannot be encapsulated.`, {
      iface: dev.name,
      commands: [inNs(w, `ip neigh show dev ${dev.name}`), inNs(w, `bridge fdb show dev ${dev.name}`)],
    });
    return { verdict: 'dropped' };
  }
  const mac = neigh?.lladdr ?? '?';
  ctx.hop(at(w), 'arp', pkt, { neighbour: `${r.nexthop} dev ${dev.name} lladdr ${mac} PERMANENT`, lines: [`${mac} dev ${dev.name} dst ${vtep} self permanent`] }, `The permanent neighbour entry gives ${r.nexthop}'s VTEP MAC ${mac}, and the FDB maps that MAC to node ${vtep}.`, {
    iface: dev.name,
    commands: [inNs(w, `ip neigh show dev ${dev.name}`), inNs(w, `bridge fdb show dev ${dev.name}`)],
  });
  const port = dev.vxlan?.dstPort ?? 4789;
  const vni = dev.vxlan?.vni ?? 1;
  const src = dev.vxlan?.local ?? lookupRoute(w.ns, vtep)?.src ?? '';
  pkt.outer = { src, dst: vtep, proto: 'udp', sport: flowPort(pkt), dport: port, ttl: 64, vni };
  ctx.hop(at(w), 'encap', pkt, { route: r.text, lines: [`outer ${src}:${pkt.outer.sport} → ${vtep}:${port} UDP, VXLAN VNI ${vni}, ttl 64`] }, `${dev.name} wraps the frame in VXLAN (VNI ${vni}) inside UDP ${src} → ${vtep}:${port}; the device MTU is ${dev.mtu}, 50 bytes below the underlay's.`, {
    iface: dev.name,
    commands: [inNs(w, `ip -d link show ${dev.name}`), inNs(w, `tcpdump -ni eth0 udp port ${port}`)],
  });
  return sendOuter(ctx, w, pkt);
}

/**
 * The outer header reached its node: PREROUTING and INPUT see it, then the tunnel device that
 * takes it hands the inner packet up. The inner packet keeps the skb mark the outer one ended with
 * (skb_scrub_packet clears it only across netns).
 */
export function decapsulate(ctx: WalkContext, w: Where, pkt: Pkt): Outcome {
  const outer = pkt.outer!;
  pkt.mark = 0; // a fresh skb off the wire
  const stopped = outerHooks(ctx, w, pkt, 'in', 'eth0');
  if (stopped) return stopped;
  let dev: Interface | undefined;
  if (outer.proto === 'ipip') dev = w.ns.interfaces.find((i) => i.kind === 'ipip');
  else dev = w.ns.interfaces.find((i) => i.kind === 'vxlan' && i.vxlan?.dstPort === outer.dport);
  const weave = outer.proto === 'udp' && outer.dport === 6784 && !!ifaceOf(w, 'weave');
  if (!dev && !weave) {
    const why = outer.proto === 'ipip' ? 'no ipip device: the kernel answers ICMP protocol unreachable' : `nothing listens on UDP ${outer.dport}: ICMP port unreachable`;
    ctx.hop(at(w), 'drop', pkt, {}, `The outer packet reaches ${w.node}, but there is ${why}.`, { iface: 'eth0' });
    return { verdict: 'dropped' };
  }
  const name = dev?.name ?? 'vxlan-6784';
  delete pkt.outer;
  const what = outer.proto === 'ipip' ? 'IPIP packet (protocol 4)' : `VXLAN packet on UDP ${outer.dport}`;
  ctx.hop(at(w), 'decap', pkt, { lines: [`removed outer ${outer.src} → ${outer.dst}`] }, `The ${what} from ${outer.src} is addressed to this node; ${name} strips the outer header and the inner packet arrives as if received on ${name}.`, {
    iface: name,
    commands: [inNs(w, `tcpdump -ni ${name} host ${pkt.dst}`)],
  });
  if (weave) return weaveDeliver(ctx, w, pkt);
  if (!dev) return { verdict: 'dropped' };
  return receive(ctx, w, dev.name, pkt);
}
