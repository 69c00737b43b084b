/**
 * Linux bridges (`cni0` for Flannel and the bridge plugin, `weave` for Weave): a frame addressed
 * to the bridge's own MAC goes up to the host stack; any other is forwarded to the port that
 * learned the MAC. With br_netfilter (`bridge-nf-call-iptables=1`, which kubeadm requires) a
 * bridged IPv4 frame also passes the iptables FORWARD chain, with `-m physdev` seeing the ports.
 * Weave's fast datapath takes frames for remote peers out through `vethwe-bridge` into the
 * Open vSwitch datapath, which wraps them in VXLAN on UDP 6784.
 */
import type { Interface } from '../dataplane/types';
import { at, inNs, type Outcome, type Pkt, type WalkContext, type Where } from './context';
import { crossVeth, ifaceOf, vethPeer } from './link';
import { bridgedNetfilter, receive } from './stack';
import { flowPort, sendOuter } from './tunnel';

/** The bridge port whose veth peer owns `ip`. */
function portFor(ctx: WalkContext, w: Where, bridge: Interface, ip: string): { port: Interface; peer: { w: Where; iface: Interface } } | undefined {
  for (const port of w.ns.interfaces) {
    if (port.master !== bridge.name || port.kind !== 'veth') continue;
    const peer = vethPeer(ctx, w, port);
    if (peer && peer.iface.addresses.some((a) => a.ip === ip)) return { port, peer };
  }
  return undefined;
}

function toPort(ctx: WalkContext, w: Where, bridge: Interface, inPort: string | undefined, target: { port: Interface; peer: { w: Where; iface: Interface } }, pkt: Pkt): Outcome {
  const mac = target.peer.iface.mac;
  ctx.hop(at(w), 'bridge', pkt, { neighbour: `${mac} dev ${target.port.name} master ${bridge.name}` }, `Bridge ${bridge.name} looks up ${mac} in its FDB and forwards the frame to port ${target.port.name}.`, {
    iface: bridge.name,
    commands: [inNs(w, `bridge fdb show br ${bridge.name}`)],
  });
  if (inPort) {
    const stop = bridgedNetfilter(ctx, w, bridge.name, inPort, target.port.name, pkt);
    if (stop) return stop;
  }
  crossVeth(ctx, target.port, target.peer, pkt);
  return receive(ctx, target.peer.w, target.peer.iface.name, pkt);
}

/** A frame entering the bridge from port `port` (the host end of a pod veth). */
export function intoBridge(ctx: WalkContext, w: Where, port: Interface, pkt: Pkt, l2dst: string): Outcome {
  const bridge = ifaceOf(w, port.master);
  if (!bridge) return receive(ctx, w, port.name, pkt);
  if (bridge.addresses.some((a) => a.ip === l2dst)) {
    ctx.hop(at(w), 'bridge', pkt, { neighbour: `${bridge.mac} dev ${bridge.name} self permanent` }, `The frame is addressed to ${bridge.name}'s own MAC (the pod's gateway ${l2dst}), so the bridge hands it up to the host's IP stack.`, {
      iface: bridge.name,
      commands: [inNs(w, `bridge fdb show br ${bridge.name}`)],
    });
    return receive(ctx, w, bridge.name, pkt, port.name);
  }
  const target = portFor(ctx, w, bridge, l2dst);
  if (target) return toPort(ctx, w, bridge, port.name, target, pkt);
  if (ifaceOf(w, 'vethwe-bridge')) {
    // The frame is bridged out of port vethwe-bridge: br_netfilter's pass first.
    const stop = bridgedNetfilter(ctx, w, bridge.name, port.name, 'vethwe-bridge', pkt);
    if (stop) return stop;
    return weaveFastdp(ctx, w, pkt);
  }
  ctx.hop(at(w), 'drop', pkt, {}, `Nobody on bridge ${bridge.name} answers ARP for ${l2dst}: the sender reports "No route to host".`, { iface: bridge.name });
  return { verdict: 'unroutable' };
}

/** The host routes a packet out of the bridge device itself (`10.244.1.0/24 dev cni0`). */
export function bridgeForward(ctx: WalkContext, w: Where, bridge: Interface, nexthop: string, pkt: Pkt, inPort: string | undefined): Outcome {
  const target = portFor(ctx, w, bridge, nexthop);
  if (target) {
    const known = w.ns.neighbours.find((n) => n.ip === nexthop && n.dev === bridge.name);
    const mac = known?.lladdr ?? target.peer.iface.mac;
    ctx.hop(at(w), 'arp', pkt, { neighbour: `${nexthop} dev ${bridge.name} lladdr ${mac} ${known?.state ?? 'REACHABLE'}` }, known ? `The neighbour table maps ${nexthop} to ${mac}.` : `ARP who-has ${nexthop} on ${bridge.name}: the pod's eth0 answers with ${mac}.`, {
      iface: bridge.name,
      commands: [inNs(w, `ip neigh show dev ${bridge.name}`)],
    });
    return toPort(ctx, w, bridge, inPort, target, pkt);
  }
  if (ifaceOf(w, 'vethwe-bridge')) return weaveFastdp(ctx, w, pkt);
  ctx.hop(at(w), 'drop', pkt, {}, `No port of ${bridge.name} answers ARP for ${nexthop}: the kernel reports "No route to host".`, { iface: bridge.name });
  return { verdict: 'unroutable' };
}

/** The port a bridge sends a frame for `ip` out of: the pod's veth, or Weave's way to the other peers. */
export function bridgeExit(ctx: WalkContext, w: Where, bridgeName: string, ip: string): string | undefined {
  const bridge = ifaceOf(w, bridgeName);
  if (!bridge) return undefined;
  const target = portFor(ctx, w, bridge, ip);
  if (target) return target.port.name;
  return ifaceOf(w, 'vethwe-bridge') && weaveOwner(ctx, ip) ? 'vethwe-bridge' : undefined;
}

/** A frame br_netfilter has already passed through FORWARD/POSTROUTING leaves the bridge (`bridgeExit`'s port). */
export function leaveBridge(ctx: WalkContext, w: Where, bridgeName: string, ip: string, pkt: Pkt): Outcome {
  const bridge = ifaceOf(w, bridgeName)!;
  const target = portFor(ctx, w, bridge, ip);
  if (target) return toPort(ctx, w, bridge, undefined, target, pkt);
  return weaveFastdp(ctx, w, pkt);
}

/**
 * Weave fast datapath: the frame for a pod on another peer leaves through vethwe-bridge →
 * vethwe-datapath into the `datapath` Open vSwitch bridge, whose flow wraps it in VXLAN to that
 * peer on UDP 6784 (the vport `vxlan-6784`).
 */
export function weaveFastdp(ctx: WalkContext, w: Where, pkt: Pkt): Outcome {
  const owner = weaveOwner(ctx, pkt.dst);
  const peer = owner && ctx.cluster.nodes.find((n) => n.name === owner.node);
  const self = ctx.cluster.nodes.find((n) => n.name === w.node);
  if (!owner || !peer || !self || peer.name === w.node) {
    ctx.hop(at(w), 'drop', pkt, {}, `No Weave peer has ${pkt.dst}: ARP for it goes unanswered across the mesh.`, { iface: 'weave' });
    return { verdict: 'unroutable' };
  }
  ctx.hop(at(w), 'bridge', pkt, { lines: ['weave → vethwe-bridge ↔ vethwe-datapath → datapath'] }, `The MAC of ${pkt.dst} lives on peer ${peer.name}, so bridge weave sends the frame through vethwe-bridge into Weave's Open vSwitch datapath.`, {
    iface: 'vethwe-bridge',
    commands: [inNs(w, 'weave status connections')],
  });
  const dev = ifaceOf(w, 'vxlan-6784');
  pkt.outer = { src: self.ip, dst: peer.ip, proto: 'udp', sport: flowPort(pkt), dport: 6784, ttl: 64 };
  ctx.hop(at(w), 'encap', pkt, { lines: [`outer ${self.ip} → ${peer.ip} UDP 6784 (fastdp)`] }, `The datapath wraps the frame in VXLAN to ${peer.name} (${peer.ip}, UDP 6784)${dev ? `; ${dev.name} has MTU ${dev.mtu}` : ''}.`, {
    iface: 'vxlan-6784',
    commands: [inNs(w, `tcpdump -ni eth0 udp port 6784`)],
  });
  // The datapath's VXLAN vport sends through the host's IP stack, like vxlan.calico or flannel.1.
  return sendOuter(ctx, w, pkt);
}

/** After decapsulation on the receiving peer: datapath → vethwe-bridge → weave → the pod's port. */
export function weaveDeliver(ctx: WalkContext, w: Where, pkt: Pkt): Outcome {
  const bridge = ifaceOf(w, 'weave');
  if (bridge?.addresses.some((a) => a.ip === pkt.dst)) {
    ctx.hop(at(w), 'bridge', pkt, { neighbour: `${bridge.mac} dev weave self permanent` }, `The frame is for the weave bridge's own address ${pkt.dst}, so it goes up to the host's IP stack.`, { iface: 'weave' });
    return receive(ctx, w, 'weave', pkt, 'vethwe-bridge');
  }
  const target = bridge && portFor(ctx, w, bridge, pkt.dst);
  if (!bridge || !target) {
    ctx.hop(at(w), 'drop', pkt, {}, `Bridge weave on ${w.node} has no port for ${pkt.dst}.`, { iface: 'weave' });
    return { verdict: 'dropped' };
  }
  return toPort(ctx, w, bridge, 'vethwe-bridge', target, pkt);
}

/** Who owns `ip` on the Weave network: a pod's eth0 or a node's weave bridge, on which peer. */
export function weaveOwner(ctx: WalkContext, ip: string): { node: string; mac: string; who: string } | undefined {
  for (const dp of Object.values(ctx.dataplane.nodes)) {
    const br = dp.host.interfaces.find((i) => i.name === 'weave' && i.addresses.some((a) => a.ip === ip));
    if (br) return { node: dp.node, mac: br.mac, who: `node ${dp.node}'s weave bridge` };
    for (const [key, ns] of Object.entries(dp.pods)) {
      const eth0 = ns.interfaces.find((i) => i.addresses.some((a) => a.ip === ip));
      if (eth0) return { node: dp.node, mac: eth0.mac, who: `${key}'s eth0 on ${dp.node}` };
    }
  }
  return undefined;
}
