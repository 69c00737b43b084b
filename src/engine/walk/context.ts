/**
 * The state one trace carries while it walks: the model, the hops recorded so far, per-node
 * conntrack tables, the seeded PRNG and the forced endpoint (`--pick`).
 */
import type { Cluster, Pod } from '../cluster/types';
import type { Dataplane, Netns, NodeDataplane } from '../dataplane/types';
import type { IPv4 } from '../net/ipv4';
import { seededPrng, type Prng } from '../prng';
import { newConntrackTable, type ConntrackTable } from '../netfilter';
import type { Delivered, Hop, HopDetail, HopKind, PacketHeaders, Verdict } from './types';

/** The packet as the walker carries it: the headers plus the skb mark (which never leaves a host). */
export interface Pkt extends PacketHeaders {
  mark: number;
  /**
   * An ICMP error made in this netns about a packet it was handling carries that packet's
   * conntrack (`nf_ct_attach`), confirmed or not: `node|netns` of where it was made.
   */
  ctAttached?: string;
}

/** Where an ICMP error starts: a netns (the kernel that refused or could not route), or the underlay router. */
export type IcmpErrorSource = Where | { router: IPv4 };

/** An ICMP error a hop provoked; the walker sends it back to the sender as the trace's reply. */
export interface IcmpErrorOrigin {
  from: IcmpErrorSource;
  type: number;
  code: number;
  /** The offending packet as it was where the error was made. */
  about: PacketHeaders;
}

/** A place a packet can be: a netns on a node. */
export interface Where {
  node: string;
  /** `host` or `pod:<ns>/<name>` */
  nsId: string;
  ns: Netns;
}

export interface Outcome {
  verdict: Verdict;
  delivered?: Delivered;
  /** Where the packet was delivered (the reply starts there). */
  at?: Where | { external: IPv4 };
  /** The ICMP error the kernel (or the router) answers the packet with, when it does. */
  icmpError?: IcmpErrorOrigin;
}

interface PodIndex {
  byKey: Map<string, Pod>;
  /** Pods with their own netns, by address (hostNetwork pods share the node's). */
  byIp: Map<string, Pod>;
}

const podIndexes = new WeakMap<Cluster, PodIndex>();

/** Pods indexed once per cluster model: big clusters have tens of thousands. */
export function podIndex(cluster: Cluster): PodIndex {
  let idx = podIndexes.get(cluster);
  if (!idx) {
    idx = { byKey: new Map(), byIp: new Map() };
    for (const p of cluster.pods) {
      idx.byKey.set(`${p.namespace}/${p.name}`, p);
      if (!p.hostNetwork && p.ip && !idx.byIp.has(p.ip)) idx.byIp.set(p.ip, p);
    }
    podIndexes.set(cluster, idx);
  }
  return idx;
}

/** Guards against routing loops in pasted state: the kernel would run the TTL down. */
const MAX_HOPS = 400;

export class WalkContext {
  hops: Hop[] = [];
  readonly conntrack = new Map<string, ConntrackTable>();
  readonly prng: Prng;
  /** While walking the reply: what it is, so the client's connected socket takes it. */
  replying: 'reply' | 'rst' | 'icmp-error' | undefined;
  /** `-m recent` lists (session affinity) on the way: name → client addresses. */
  readonly recent: Record<string, IPv4[]> = {};
  /** Things the walker could not model faithfully, surfaced in the trace. */
  readonly notes: string[] = [];
  /** Tunnel outer flows each node's conntrack has seen (`node|src|dst|proto|sport|dport`). */
  readonly outerFlows = new Set<string>();

  constructor(
    readonly cluster: Cluster,
    readonly dataplane: Dataplane,
    seed: number,
    /** Cleared while a DNS lookup runs: the pick is for the connection that follows. */
    public pick: IPv4 | undefined,
  ) {
    this.prng = seededPrng(seed);
  }

  get exhausted(): boolean {
    return this.hops.length >= MAX_HOPS;
  }

  nodeDp(node: string): NodeDataplane | undefined {
    return this.dataplane.nodes[node];
  }

  /** The netns with that id on that node (`host`, or a pod key; hostNetwork pods are `host`). */
  where(node: string, nsId: string): Where | undefined {
    const dp = this.nodeDp(node);
    if (!dp) return undefined;
    if (nsId === 'host') return { node, nsId, ns: dp.host };
    const ns = dp.pods[nsId.replace(/^pod:/, '')];
    return ns ? { node, nsId: `pod:${nsId.replace(/^pod:/, '')}`, ns } : undefined;
  }

  /** A pod by `<ns>/<name>`. */
  pod(key: string): Pod | undefined {
    return podIndex(this.cluster).byKey.get(key);
  }

  ct(node: string): ConntrackTable {
    return this.conntrack.get(node) ?? newConntrackTable(node);
  }

  /** Conntrack tables are values: each change replaces the node's table. */
  setCt(table: ConntrackTable): void {
    this.conntrack.set(table.node, table);
  }

  hop(
    at: { node: string | null; netns: string },
    kind: HopKind,
    pkt: Pkt,
    detail: HopDetail,
    explain: string,
    opts: { iface?: string; commands?: string[] } = {},
  ): Hop {
    // Keys in the order DESIGN §6 lists them, so `--json` reads top-down.
    const h: Hop = { seq: this.hops.length + 1, node: at.node, netns: at.netns, ...(opts.iface !== undefined ? { iface: opts.iface } : {}), kind, packet: headers(pkt), detail, explain };
    if (opts.commands?.length) h.commands = opts.commands;
    this.hops.push(h);
    return h;
  }
}

export function headers(p: Pkt): PacketHeaders {
  const h: PacketHeaders = {
    src: p.src,
    dst: p.dst,
    ...(p.sport !== undefined ? { sport: p.sport } : {}),
    ...(p.dport !== undefined ? { dport: p.dport } : {}),
    proto: p.proto,
    ttl: p.ttl,
  };
  if (p.outer) h.outer = { ...p.outer };
  if (p.icmp) h.icmp = { ...p.icmp, quoted: { ...p.icmp.quoted } };
  return h;
}

export function at(w: Where): { node: string; netns: string } {
  return { node: w.node, netns: w.nsId };
}

/** How a user runs a command in that netns: on the node itself, or through `kubectl exec`. */
export function inNs(w: Where, cmd: string): string {
  if (w.nsId === 'host') return cmd;
  const [ns, name] = w.nsId.slice(4).split('/');
  return `kubectl exec -n ${ns} ${name} -- ${cmd}`;
}

/** `10.0.0.1:80` or `10.0.0.1` for ICMP. */
export function endpointText(ip: IPv4, port: number | undefined): string {
  return port === undefined ? ip : `${ip}:${port}`;
}

export function flowText(p: Pkt): string {
  return `${endpointText(p.src, p.sport)} → ${endpointText(p.dst, p.dport)}`;
}
