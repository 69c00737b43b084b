/**
 * Below IP: what happens once a route has chosen an output device. A veth hands the frame to its
 * peer in another netns (after ARP, answered by proxy ARP on Calico's `cali*` ends); a bridge
 * forwards by FDB; `tunl0` wraps the packet in IPIP, `flannel.1` / `vxlan.calico` in VXLAN; a NIC
 * puts it on the underlay wire.
 */
import type { Interface } from '../dataplane/types';
import { at, inNs, type Outcome, type Pkt, type WalkContext, type Where } from './context';
import { interfaceNamed, lookupRoute, type RouteResult } from './routing';
import { receive } from './stack';
import { deliver } from './socket';
import { bridgeForward, intoBridge, weaveFastdp, weaveOwner } from './bridge';
import { decapsulate, encapIpip, encapVxlan } from './tunnel';
import { wireFromNode } from './wire';

export function ifaceOf(w: Where, name: string | undefined): Interface | undefined {
  return interfaceNamed(w.ns, name);
}

/** The netns and interface at the other end of a veth. */
export function vethPeer(ctx: WalkContext, w: Where, iface: Interface): { w: Where; iface: Interface } | undefined {
  const p = iface.peer;
  if (p) {
    const pw = ctx.where(w.node, p.netns === 'host' || p.netns.startsWith('pod:') ? p.netns : `pod:${p.netns}`) ?? ctx.where(w.node, 'host');
    const pi = pw && ifaceOf(pw, p.iface);
    if (pw && pi) return { w: pw, iface: pi };
  }
  // Host side without peer data: find the pod whose eth0 names this interface as its peer.
  const dp = ctx.nodeDp(w.node);
  if (!dp || w.nsId !== 'host') return undefined;
  for (const [key, ns] of Object.entries(dp.pods)) {
    const eth0 = ns.interfaces.find((i) => i.peer?.iface === iface.name);
    if (eth0) return { w: { node: w.node, nsId: `pod:${key}`, ns }, iface: eth0 };
  }
  return undefined;
}

function tcpdump(w: Where, dev: string, pkt: Pkt): string {
  return inNs(w, `tcpdump -ni ${dev} host ${pkt.dst}${pkt.proto === 'icmp' ? ' and icmp' : ''}`);
}

/** Resolves the next hop's MAC on a veth: the neighbour table, proxy ARP, or the peer's own address. */
function arpOnVeth(ctx: WalkContext, w: Where, dev: Interface, nexthop: string, peer: { w: Where; iface: Interface }, pkt: Pkt): void {
  const known = w.ns.neighbours.find((n) => n.ip === nexthop && n.dev === dev.name);
  if (known) {
    ctx.hop(at(w), 'arp', pkt, { neighbour: `${known.ip} dev ${known.dev} lladdr ${known.lladdr} ${known.state}` }, `The neighbour table already maps ${nexthop} to ${known.lladdr}.`, {
      iface: dev.name,
      commands: [inNs(w, `ip neigh show dev ${dev.name}`)],
    });
    return;
  }
  const owns = peer.iface.addresses.some((a) => a.ip === nexthop);
  const proxy = peer.iface.sysctls['proxy_arp'] === '1';
  const onBridge = peer.iface.master ? bridgeOwner(ctx, peer.w, peer.iface.master, nexthop) : undefined;
  if (onBridge) {
    ctx.hop(at(w), 'arp', pkt, { neighbour: `${nexthop} dev ${dev.name} lladdr ${onBridge.mac} REACHABLE` }, `ARP who-has ${nexthop} goes across bridge ${peer.iface.master}; ${onBridge.who} answers with ${onBridge.mac}.`, {
      iface: dev.name,
      commands: [inNs(w, `ip neigh show dev ${dev.name}`)],
    });
    return;
  }
  const mac = peer.iface.mac;
  const why = owns
    ? `${peer.iface.name} owns ${nexthop} and answers with its MAC ${mac}`
    : proxy
      ? `nobody owns ${nexthop}, but ${peer.iface.name} has proxy_arp=1 and answers with its own MAC ${mac} (Calico's trick: 169.254.1.1 never exists)`
      : `the host at ${nexthop} answers with ${mac}`;
  ctx.hop(at(w), 'arp', pkt, { neighbour: `${nexthop} dev ${dev.name} lladdr ${mac} REACHABLE` }, `ARP who-has ${nexthop} on ${dev.name}: ${why}.`, {
    iface: dev.name,
    commands: [inNs(w, `ip neigh show dev ${dev.name}`), inNs(peer.w, `cat /proc/sys/net/ipv4/conf/${peer.iface.name}/proxy_arp`)],
  });
}

/** Who answers ARP for `ip` on a bridge: the bridge itself (the pods' gateway) or a pod on another port. */
function bridgeOwner(ctx: WalkContext, w: Where, bridgeName: string, ip: string): { mac: string; who: string } | undefined {
  const bridge = ifaceOf(w, bridgeName);
  if (!bridge) return undefined;
  if (bridge.addresses.some((a) => a.ip === ip)) return { mac: bridge.mac, who: `the bridge ${bridge.name} itself (the gateway)` };
  for (const port of w.ns.interfaces) {
    if (port.master !== bridge.name || port.kind !== 'veth') continue;
    const peer = vethPeer(ctx, w, port);
    if (peer && peer.iface.addresses.some((a) => a.ip === ip)) return { mac: peer.iface.mac, who: `${peer.w.nsId.slice(4)}'s eth0` };
  }
  if (ifaceOf(w, 'vethwe-bridge')) {
    // Weave is one L2 network across the mesh: the owner on another peer answers through it.
    const o = weaveOwner(ctx, ip);
    if (o) return { mac: o.mac, who: `${o.who}, through the Weave mesh` };
  }
  return undefined;
}

/** The frame crosses a veth pair into the peer netns (the skb mark does not survive the move). */
export function crossVeth(ctx: WalkContext, dev: Interface, peer: { w: Where; iface: Interface }, pkt: Pkt): void {
  pkt.mark = 0;
  const where = peer.w.nsId === 'host' ? `node ${peer.w.node}'s host netns` : `${peer.w.nsId.slice(4)}'s netns`;
  ctx.hop(at(peer.w), 'wire', pkt, { lines: [`${dev.name}@if${peer.iface.index} ↔ ${peer.iface.name}@if${dev.index}`] }, `The frame leaves ${dev.name} and comes out of ${peer.iface.name}, the other end of the veth pair, in ${where}.`, {
    iface: peer.iface.name,
    commands: [tcpdump(peer.w, peer.iface.name, pkt)],
  });
}

function viaVeth(ctx: WalkContext, w: Where, dev: Interface, r: RouteResult, pkt: Pkt): Outcome {
  const peer = vethPeer(ctx, w, dev);
  if (!peer) {
    ctx.hop(at(w), 'drop', pkt, { route: r.text }, `${dev.name} has no peer in the model, so the frame goes nowhere.`, { iface: dev.name });
    return { verdict: 'dropped' };
  }
  arpOnVeth(ctx, w, dev, r.nexthop, peer, pkt);
  crossVeth(ctx, dev, peer, pkt);
  if (peer.iface.master) return intoBridge(ctx, peer.w, peer.iface, pkt, r.nexthop);
  return receive(ctx, peer.w, peer.iface.name, pkt);
}

/** Sends `pkt` out of the device the route chose. */
export function transmit(ctx: WalkContext, w: Where, r: RouteResult, pkt: Pkt): Outcome {
  const dev = ifaceOf(w, r.route.dev);
  if (!dev || !dev.up) {
    ctx.hop(at(w), 'drop', pkt, { route: r.text }, `The route points at ${r.route.dev ?? 'no device'}, which is ${dev ? 'down' : 'missing'}.`, {});
    return { verdict: 'dropped' };
  }
  switch (dev.kind) {
    case 'loopback':
      return deliver(ctx, w, pkt, dev.name);
    case 'veth':
      return viaVeth(ctx, w, dev, r, pkt);
    case 'bridge':
      return bridgeForward(ctx, w, dev, r.nexthop, pkt, undefined);
    case 'ipip':
      return encapIpip(ctx, w, dev, r, pkt);
    case 'vxlan':
      return encapVxlan(ctx, w, dev, r, pkt);
    case 'openvswitch':
      return weaveFastdp(ctx, w, pkt);
    default:
      return wireFromNode(ctx, w, dev, r.nexthop, pkt);
  }
}

/** An encapsulated packet arriving at its outer destination: into the tunnel device, then up. */
export function arriveOnNode(ctx: WalkContext, w: Where, pkt: Pkt): Outcome {
  if (pkt.outer) return decapsulate(ctx, w, pkt);
  return receive(ctx, w, 'eth0', pkt);
}

/** Routes the outer header of a tunnel packet in the host netns (it is locally generated). */
export function routeOuter(ctx: WalkContext, w: Where, pkt: Pkt): RouteResult | undefined {
  const outer = pkt.outer!;
  const r = lookupRoute(w.ns, outer.dst);
  if (!r) {
    ctx.hop(at(w), 'drop', pkt, {}, `No route to the tunnel's far end ${outer.dst}.`, {});
    return undefined;
  }
  ctx.hop(at(w), 'route', pkt, { route: r.text }, `The outer header ${outer.src} → ${outer.dst} is routed like any local packet: "${r.text}".`, {
    ...(r.route.dev ? { iface: r.route.dev } : {}),
    commands: [inNs(w, `ip route get ${outer.dst}`)],
  });
  return r;
}
