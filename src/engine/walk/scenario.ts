/**
 * One trace request → the first packet's path, then the reply's: endpoints are resolved, the
 * destination is chosen the way a client would address it (cluster IP from a pod, load-balancer IP
 * or node port from outside), and the same conntrack state carries the reply back.
 */
import type { Cluster, ClusterNode, Service, ServicePort } from '../cluster/types';
import type { Dataplane } from '../dataplane/types';
import { WalkContext, type IcmpErrorOrigin, type Outcome, type Pkt, type Where } from './context';
import { resolveEndpoint, type Endpoint } from './endpoint';
import { traceDns } from './dns-walk';
import { icmpName } from './icmp';
import { isLocalAddress } from './routing';
import { sendLocal } from './stack';
import { sendFromExternal, sendFromRouter } from './wire';
import type { IcmpError, L4Proto, PacketHeaders, Trace, TracePath, TraceRequest } from './types';

export type Source = { kind: 'netns'; w: Where } | { kind: 'external'; ip: string };

export interface Target {
  ip: string;
  port: number | undefined;
  /** For traffic from outside: the node the network hands the packet to, and why. */
  entry?: { w: Where | undefined; why: string };
}

export function ephemeralPort(ctx: WalkContext): number {
  // ip_local_port_range 32768-60999
  return 32768 + Math.floor(ctx.prng.next() * (60999 - 32768 + 1));
}

function sourceOf(ctx: WalkContext, ep: Endpoint): Source | { error: string } {
  const inNode = (node: ClusterNode) => ctx.where(node.name, 'host');
  switch (ep.kind) {
    case 'pod': {
      const w = ep.pod.hostNetwork ? ctx.where(ep.pod.node, 'host') : ctx.where(ep.pod.node, `pod:${ep.pod.namespace}/${ep.pod.name}`);
      return w ? { kind: 'netns', w } : { error: `pod ${ep.pod.namespace}/${ep.pod.name} has no network namespace (not scheduled or not running)` };
    }
    case 'node': {
      const w = inNode(ep.node);
      return w ? { kind: 'netns', w } : { error: `node ${ep.node.name} has no dataplane` };
    }
    case 'external':
      return { kind: 'external', ip: ep.ip };
    case 'address': {
      if (ep.owner && 'pod' in ep.owner) return sourceOf(ctx, { kind: 'pod', pod: ep.owner.pod });
      if (ep.owner && 'node' in ep.owner) return sourceOf(ctx, { kind: 'node', node: ep.owner.node });
      return { kind: 'external', ip: ep.ip };
    }
    default:
      return { error: `--from must be a pod, a node or an external address, not a ${ep.kind === 'service' ? 'service' : 'DNS name'}` };
  }
}

function hasLocalEndpoint(port: ServicePort | undefined, node: string): boolean {
  return !!port?.endpoints.some((e) => e.ready && e.nodeName === node);
}

/** Which node an external load balancer / router hands the packet to. */
function entryFor(ctx: WalkContext, svc: Service, port: ServicePort | undefined, kind: 'load balancer' | 'external IP' | 'node port'): { w: Where | undefined; why: string } {
  const nodes = ctx.cluster.nodes;
  const local = svc.externalTrafficPolicy === 'Local';
  // eTP Local: health checks on healthCheckNodePort steer traffic to nodes with a local endpoint.
  // eTP Cluster: any node; the interesting (and common) case is one without the endpoint.
  const pickNode = local
    ? (nodes.find((n) => hasLocalEndpoint(port, n.name)) ?? nodes[0])
    : (nodes.find((n) => n.role === 'worker' && !hasLocalEndpoint(port, n.name)) ?? nodes.find((n) => n.role === 'worker') ?? nodes[0]);
  if (!pickNode) return { w: undefined, why: '' };
  const why = kind === 'node port'
    ? `The client connects to node ${pickNode.name}'s address on the node port`
    : `The ${kind} sends the packet to node ${pickNode.name}${local ? ', which has a local endpoint (externalTrafficPolicy: Local health check)' : ''}`;
  return { w: ctx.where(pickNode.name, 'host'), why };
}

function defaultPort(ep: Endpoint, proto: L4Proto, req: TraceRequest): number | undefined {
  if (proto === 'icmp') return undefined;
  if (req.port !== undefined) return req.port;
  if (ep.kind === 'pod') {
    const p = ep.pod.containers.flatMap((c) => c.ports).find((x) => x.protocol.toLowerCase() === proto);
    if (p) return p.containerPort;
  }
  return 80;
}

function targetOf(ctx: WalkContext, ep: Endpoint, src: Source, proto: L4Proto, req: TraceRequest): Target | { error: string } {
  switch (ep.kind) {
    case 'pod':
      return { ip: ep.pod.ip, port: defaultPort(ep, proto, req) };
    case 'node':
      return { ip: ep.node.ip, port: defaultPort(ep, proto, req) };
    case 'external':
      return { ip: ep.ip, port: defaultPort(ep, proto, req) };
    case 'address': {
      const port = proto === 'icmp' ? undefined : (ep.port ?? defaultPort(ep, proto, req));
      if (src.kind === 'external' && !ep.owner) {
        const svc = ctx.cluster.services.find((s) => s.loadBalancerIPs.includes(ep.ip) || s.externalIPs.includes(ep.ip));
        if (svc) {
          const sp = svc.ports.find((p) => p.port === port) ?? svc.ports[0];
          return { ip: ep.ip, port, entry: entryFor(ctx, svc, sp, svc.loadBalancerIPs.includes(ep.ip) ? 'load balancer' : 'external IP') };
        }
      }
      return { ip: ep.ip, port };
    }
    case 'service': {
      const svc = ep.service;
      let sp = ep.port;
      if (req.port !== undefined && !sp) sp = svc.ports.find((p) => p.port === req.port);
      if (svc.type === 'ExternalName') return { error: `service ${svc.namespace}/${svc.name} is an ExternalName (${svc.externalName ?? ''}): trace dns:${svc.name}.${svc.namespace} instead` };
      if (svc.clusterIP === 'None') return { error: `service ${svc.namespace}/${svc.name} is headless: it has no virtual IP; trace dns:${svc.name}.${svc.namespace} or a pod` };
      if (!sp) return { error: `service ${svc.namespace}/${svc.name} has no ports` };
      const port = proto === 'icmp' ? undefined : sp.port;
      if (src.kind !== 'external') return { ip: svc.clusterIP, port };
      const lb = svc.loadBalancerIPs[0];
      if (lb) return { ip: lb, port, entry: entryFor(ctx, svc, sp, 'load balancer') };
      const ext = svc.externalIPs[0];
      if (ext) return { ip: ext, port, entry: entryFor(ctx, svc, sp, 'external IP') };
      if (sp.nodePort !== undefined) {
        const entry = entryFor(ctx, svc, sp, 'node port');
        const node = ctx.cluster.nodes.find((n) => n.name === entry.w?.node);
        if (node) return { ip: node.ip, port: proto === 'icmp' ? undefined : sp.nodePort, entry };
      }
      return { error: `service ${svc.namespace}/${svc.name} is type ${svc.type}: its cluster IP is not reachable from outside the cluster` };
    }
    case 'dns':
      return { error: 'internal: dns targets are traced by traceDns' };
  }
}

/** Sends the first packet of a flow from `src` to `target`. */
export function sendFirst(ctx: WalkContext, src: Source, target: Target, proto: L4Proto): Outcome {
  const pkt: Pkt = { src: src.kind === 'external' ? src.ip : '', dst: target.ip, proto, ttl: 64, mark: 0 };
  if (proto !== 'icmp') {
    pkt.sport = ephemeralPort(ctx);
    if (target.port !== undefined) pkt.dport = target.port;
  }
  if (src.kind === 'external') return sendFromExternal(ctx, src.ip, pkt, target.entry?.w, target.entry?.why ?? '');
  return sendLocal(ctx, src.w, pkt);
}

/** The answer travels back from where the first packet arrived: the headers it arrived with, swapped. */
export function sendReply(ctx: WalkContext, first: Outcome, arrived: PacketHeaders, kind: 'reply' | 'rst' = 'reply'): TracePath | undefined {
  const from = first.at;
  if (!from) return undefined;
  const saved = ctx.hops;
  ctx.hops = [];
  ctx.replying = kind;
  const pkt: Pkt = { src: arrived.dst, dst: arrived.src, proto: arrived.proto, ttl: 64, mark: 0 };
  if (arrived.dport !== undefined) pkt.sport = arrived.dport;
  if (arrived.sport !== undefined) pkt.dport = arrived.sport;
  const out = 'external' in from ? sendFromExternal(ctx, from.external, pkt, undefined, '') : sendLocal(ctx, from, pkt);
  const path: TracePath = { verdict: out.verdict, hops: ctx.hops };
  if (out.delivered) path.delivered = out.delivered;
  ctx.hops = saved;
  ctx.replying = undefined;
  return path;
}

/**
 * The ICMP error a hop provoked (REJECT, no route, TTL), on its way back to the packet's sender:
 * made by the kernel that refused the packet (`icmp_send`) or by the underlay router.
 */
export function sendIcmpError(ctx: WalkContext, origin: IcmpErrorOrigin): TracePath {
  const saved = ctx.hops;
  ctx.hops = [];
  ctx.replying = 'icmp-error';
  const a = origin.about;
  const quoted: IcmpError['quoted'] = { src: a.src, dst: a.dst, proto: a.proto };
  if (a.sport !== undefined) quoted.sport = a.sport;
  if (a.dport !== undefined) quoted.dport = a.dport;
  const pkt: Pkt = { src: '', dst: a.src, proto: 'icmp', ttl: 64, mark: 0, icmp: { type: origin.type, code: origin.code, name: icmpName(origin.type, origin.code), quoted } };
  let out: Outcome;
  if ('router' in origin.from) {
    out = sendFromRouter(ctx, origin.from.router, pkt);
  } else {
    const w = origin.from;
    // icmp_send: an error about a packet addressed to this netns comes from that address; any
    // other takes the source the route back to the sender picks.
    if (isLocalAddress(w.ns, a.dst)) pkt.src = a.dst;
    pkt.ctAttached = `${w.node}|${w.nsId}`;
    out = sendLocal(ctx, w, pkt);
  }
  const path: TracePath = { verdict: out.verdict, hops: ctx.hops };
  if (out.delivered) path.delivered = out.delivered;
  ctx.hops = saved;
  ctx.replying = undefined;
  return path;
}

export function traceScenario(cluster: Cluster, dataplane: Dataplane, req: TraceRequest): Trace | { error: string } {
  const proto: L4Proto = req.proto ?? 'tcp';
  const ctx = new WalkContext(cluster, dataplane, req.seed ?? 1, req.pick);
  const fromEp = resolveEndpoint(cluster, req.from);
  if ('error' in fromEp) return { error: `--from: ${fromEp.error}` };
  const toEp = resolveEndpoint(cluster, req.to);
  if ('error' in toEp) return { error: `--to: ${toEp.error}` };
  const src = sourceOf(ctx, fromEp);
  if ('error' in src) return { error: `--from: ${src.error}` };
  if (toEp.kind === 'dns') return traceDns(ctx, src, toEp, proto, req);
  const target = targetOf(ctx, toEp, src, proto, req);
  if ('error' in target) return { error: `--to: ${target.error}` };
  return finishTrace(ctx, src, target, proto, req);
}

/** Runs the first packet and its reply, and assembles the trace. Also used after a DNS lookup. */
export function finishTrace(ctx: WalkContext, src: Source, target: Target, proto: L4Proto, req: TraceRequest, prefix: Partial<Trace> = {}): Trace | { error: string } {
  const first = sendFirst(ctx, src, target, proto);
  // The last endpoint has no statistic rule, so the pick is checked on the DNAT that happened.
  const picked = ctx.hops.some((h) => h.kind === 'nat' && h.detail.target === 'DNAT' && h.packet.dst === req.pick);
  if (req.pick !== undefined && !picked) {
    return { error: `--pick ${req.pick}: the packet met no load-balancing rule that leads to that endpoint` };
  }
  // The packet as it reached the socket: the reply (or the RST when nothing listens) swaps it.
  const arrived = ctx.hops[ctx.hops.length - 1]?.packet;
  const refusedTcp = first.verdict === 'rejected' && !!first.at && proto === 'tcp';
  const trace: Trace = { ...prefix, verdict: first.verdict, hops: [...(prefix.hops ?? []), ...ctx.hops] };
  trace.hops.forEach((h, i) => (h.seq = i + 1));
  if (first.delivered) trace.delivered = first.delivered;
  const reply = arrived && (first.verdict === 'delivered' || refusedTcp)
    ? sendReply(ctx, first, arrived, refusedTcp ? 'rst' : 'reply')
    : first.icmpError ? sendIcmpError(ctx, first.icmpError) : undefined;
  if (reply) trace.reply = reply;
  const entries = [...ctx.conntrack.values()].flatMap((t) => t.entries);
  if (entries.length) trace.conntrack = entries;
  if (ctx.notes.length) trace.notes = ctx.notes;
  return trace;
}
