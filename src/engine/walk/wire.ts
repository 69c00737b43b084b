/**
 * The underlay: nodes' `eth0`s on one L2 segment, and a router (the nodes' default gateway) to
 * everything else. A frame to another node's address goes straight to it; anything else goes to the
 * router, which forwards (TTL − 1) to nodes on other subnets or to hosts outside the cluster, and
 * has no route for pod or service addresses (nothing advertises them to it).
 */
import { cidrContains } from '../net/ipv4';
import type { Interface } from '../dataplane/types';
import { at, endpointText, inNs, type Outcome, type Pkt, type WalkContext, type Where } from './context';
import { arriveOnNode } from './link';
import { ICMP_DEST_UNREACH, icmpArrival, icmpErrorAbout, icmpLabel } from './icmp';

const WIRE = { node: null, netns: 'wire' } as const;
const EXTERNAL = { node: null, netns: 'external' } as const;

function nodeByIp(ctx: WalkContext, ip: string): Where | undefined {
  const n = ctx.cluster.nodes.find((x) => x.ip === ip);
  return n ? ctx.where(n.name, 'host') : undefined;
}

/** Addresses only the cluster knows how to reach: the underlay router has no route for them. */
function clusterOnly(ctx: WalkContext, ip: string): boolean {
  const s = ctx.cluster.settings;
  return cidrContains(s.podCIDR, ip) || cidrContains(s.serviceCIDR, ip) || ctx.cluster.calicoPools.some((p) => cidrContains(p.cidr, ip));
}

function decTtl(pkt: Pkt): void {
  if (pkt.outer) pkt.outer.ttl -= 1;
  else pkt.ttl -= 1;
}

function deliverExternal(ctx: WalkContext, pkt: Pkt): Outcome {
  const explain = ctx.replying === 'icmp-error' && pkt.icmp
    ? icmpArrival(pkt.icmp, pkt.src, `the client ${pkt.dst}`)
    : ctx.replying
    ? `The ${ctx.replying === 'rst' ? 'RST' : 'reply'} reaches the client ${pkt.dst}, which sees it coming from ${endpointText(pkt.src, pkt.sport)}${ctx.replying === 'rst' ? ': "Connection refused"' : ''}.`
    : `The host ${pkt.dst} outside the cluster receives the packet and sees it coming from ${endpointText(pkt.src, pkt.sport)}.`;
  ctx.hop(EXTERNAL, 'deliver', pkt, {}, explain, {});
  return {
    verdict: 'delivered',
    delivered: { pod: null, ip: pkt.dst, port: pkt.dport ?? null, observedSource: pkt.src },
    at: { external: pkt.dst },
  };
}

/** A frame leaves node `w` through NIC `dev` towards `nexthop`. */
export function wireFromNode(ctx: WalkContext, w: Where, dev: Interface, nexthop: string, pkt: Pkt): Outcome {
  pkt.mark = 0;
  const known = w.ns.neighbours.find((n) => n.ip === nexthop && n.dev === dev.name);
  const peer = nodeByIp(ctx, nexthop);
  const mac = known?.lladdr ?? (peer ? peer.ns.interfaces.find((i) => i.name === 'eth0')?.mac : undefined);
  const what = peer ? `node ${peer.node}` : 'the underlay router';
  const detail = mac ? { neighbour: `${nexthop} dev ${dev.name} lladdr ${mac} ${known?.state ?? 'REACHABLE'}` } : {};
  ctx.hop(at(w), 'arp', pkt, detail, known ? `The neighbour table maps ${nexthop} (${what}) to ${mac ?? '?'} on ${dev.name}.` : `ARP resolves ${nexthop} (${what}) on ${dev.name}${mac ? ` to ${mac}` : ''}.`, {
    iface: dev.name,
    commands: [inNs(w, `ip neigh show ${nexthop} dev ${dev.name}`)],
  });
  const target = pkt.outer?.dst ?? pkt.dst;
  if (peer) {
    ctx.hop(WIRE, 'wire', pkt, { lines: [`${w.node} ${dev.name} → ${peer.node} eth0`] }, `The frame crosses the underlay from ${w.node} to ${peer.node} (${nexthop}).`, {
      commands: [inNs(peer, `tcpdump -ni eth0 host ${target}`)],
    });
    return arriveOnNode(ctx, peer, pkt);
  }
  // The router.
  decTtl(pkt);
  const far = nodeByIp(ctx, target);
  if (far) {
    ctx.hop(WIRE, 'wire', pkt, { lines: [`${w.node} → router ${nexthop} → ${far.node}`] }, `The router ${nexthop} forwards the packet to ${far.node} on another subnet, decrementing the TTL.`, {});
    return arriveOnNode(ctx, far, pkt);
  }
  if (clusterOnly(ctx, target)) {
    ctx.hop(WIRE, 'drop', pkt, {}, `The router ${nexthop} has no route for ${target}: pod and service addresses are not advertised to the underlay, so it answers ICMP net unreachable.`, {});
    return { verdict: 'unroutable', icmpError: icmpErrorAbout({ router: nexthop }, ICMP_DEST_UNREACH, 0, pkt) };
  }
  ctx.hop(WIRE, 'wire', pkt, { lines: [`${w.node} ${dev.name} → router ${nexthop} → ${target}`] }, `The frame goes to the router ${nexthop}, which forwards it out of the cluster's network towards ${target}.`, {
    commands: [inNs(w, `tcpdump -ni ${dev.name} host ${target}`)],
  });
  return deliverExternal(ctx, pkt);
}

/** A host outside the cluster sends `pkt`; `entry` is the node the network delivers it to. */
export function sendFromExternal(ctx: WalkContext, client: string, pkt: Pkt, entry: Where | undefined, why: string): Outcome {
  ctx.hop(EXTERNAL, 'route', pkt, {}, `${ctx.replying ? 'The host' : 'The client'} ${client} sends the packet to ${endpointText(pkt.dst, pkt.dport)} through its own gateway.`, {});
  const node = entry ?? nodeByIp(ctx, pkt.dst);
  if (!node) {
    const reason = clusterOnly(ctx, pkt.dst) ? 'pod and service addresses are not reachable from outside the cluster' : 'no node or load balancer owns that address';
    ctx.hop(WIRE, 'drop', pkt, {}, `The network has no route for ${pkt.dst}: ${reason}.`, {});
    return { verdict: 'unroutable' };
  }
  decTtl(pkt);
  ctx.hop(WIRE, 'wire', pkt, { lines: [`${client} → router → ${node.node} eth0`] }, `${why || `The router delivers the packet to ${node.node}`}, decrementing the TTL to ${pkt.ttl}.`, {
    commands: [inNs(node, `tcpdump -ni eth0 host ${client}`)],
  });
  return arriveOnNode(ctx, node, pkt);
}

/** The underlay router sends `pkt` (an ICMP error it made) back towards its destination. */
export function sendFromRouter(ctx: WalkContext, router: string, pkt: Pkt): Outcome {
  pkt.src = router;
  const what = pkt.icmp ? `ICMP ${icmpLabel(pkt.icmp)}` : 'a packet';
  ctx.hop(WIRE, 'route', pkt, {}, `The router ${router} answers with ${what} to ${pkt.dst}, the source of the packet it could not forward, quoting that packet's header.`, {});
  const node = nodeByIp(ctx, pkt.dst);
  if (node) {
    ctx.hop(WIRE, 'wire', pkt, { lines: [`router ${router} → ${node.node} eth0`] }, `The error crosses the underlay to ${node.node} (${pkt.dst}).`, {
      commands: [inNs(node, `tcpdump -ni eth0 icmp`)],
    });
    return arriveOnNode(ctx, node, pkt);
  }
  if (clusterOnly(ctx, pkt.dst)) {
    ctx.hop(WIRE, 'drop', pkt, {}, `The router has no route back to ${pkt.dst} either, so the error is lost: the sender only sees a timeout.`, {});
    return { verdict: 'dropped' };
  }
  return deliverExternal(ctx, pkt);
}
