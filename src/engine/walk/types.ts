import type { IPv4 } from '../net/ipv4';
import type { ConntrackEntry, TableName } from '../netfilter/types';

/** The trace contract (DESIGN.md §6): what the engine hands to the UI, the CLI and the tests. */
export type Verdict = 'delivered' | 'dropped' | 'rejected' | 'unroutable' | 'timeout' | 'nxdomain';

export type HopKind =
  | 'route'
  | 'netfilter'
  | 'nat'
  | 'conntrack'
  | 'bridge'
  | 'arp'
  | 'encap'
  | 'decap'
  | 'wire'
  | 'dns'
  | 'proxy'
  | 'policy'
  | 'deliver'
  | 'drop';

export type L4Proto = 'tcp' | 'udp' | 'icmp';

export interface OuterHeader {
  src: IPv4;
  dst: IPv4;
  /** `ipip` (IP protocol 4) or `udp` (VXLAN). */
  proto: 'ipip' | 'udp';
  sport?: number;
  dport?: number;
  ttl: number;
  vni?: number;
}

/**
 * An ICMP error (destination unreachable, time exceeded). It quotes the header of the packet it is
 * about, which is how conntrack ties it to that packet's connection (RELATED) and NATs it back.
 */
export interface IcmpError {
  type: number;
  code: number;
  /** The kernel's name for it, as `iptables -p icmp --icmp-type` spells it (`port-unreachable`). */
  name: string;
  /** The offending packet's header, as quoted (translated back by conntrack along with the outer one). */
  quoted: { src: IPv4; dst: IPv4; sport?: number; dport?: number; proto: L4Proto };
}

export interface PacketHeaders {
  src: IPv4;
  dst: IPv4;
  sport?: number;
  dport?: number;
  proto: L4Proto;
  ttl: number;
  outer?: OuterHeader;
  /** Present on an ICMP error: its type and the header it quotes. */
  icmp?: IcmpError;
}

export interface HopDetail {
  /** netfilter hops */
  table?: TableName;
  chain?: string;
  rule?: string;
  target?: string;
  /** route hops: the matched route as `ip route` prints it */
  route?: string;
  /** conntrack hops: the entry as `conntrack -L` prints it */
  conntrack?: string;
  /** arp/bridge hops: the neighbour or FDB entry used */
  neighbour?: string;
  /** policy hops: which policy and rule decided */
  policy?: string;
  /** dns hops: the question and the answer */
  query?: string;
  answer?: string;
  /** Free-form extra lines (e.g. every rule passed in a chain). */
  lines?: string[];
}

export interface Hop {
  seq: number;
  node: string | null;
  /** `host`, `pod:<ns>/<name>`, `external`, `wire` */
  netns: string;
  iface?: string;
  kind: HopKind;
  /** Headers after this hop. */
  packet: PacketHeaders;
  detail: HopDetail;
  /** One plain sentence. */
  explain: string;
  /** Commands a user would run on a real node to see the same state. */
  commands?: string[];
}

export interface Delivered {
  pod: string | null;
  ip: IPv4;
  port: number | null;
  /** The peer address the receiving socket sees. */
  observedSource: IPv4;
}

export interface TracePath {
  verdict: Verdict;
  hops: Hop[];
  delivered?: Delivered;
}

export interface DnsQueryRecord {
  name: string;
  type: 'A' | 'AAAA' | 'SRV' | 'PTR';
  rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT';
  answers: string[];
  /** Which server answered: the CoreDNS pod, or the upstream after a forward. */
  server?: string;
}

export interface Trace extends TracePath {
  reply?: TracePath;
  dns?: DnsQueryRecord[];
  /** Conntrack entries left on each node after the trace, for the `conntrack -L` views. */
  conntrack?: ConntrackEntry[];
  /** What the walker could not model faithfully (e.g. a match the evaluator does not know). */
  notes?: string[];
}

/** `pod/<ns>/<name>`, `pod/<name>`, `node/<name>`, `svc/<ns>/<name>[:port]`, `external/<ip>`, `<ip>:<port>`, `dns:<name>` */
export type EndpointSpec = string;

export interface TraceRequest {
  from: EndpointSpec;
  to: EndpointSpec;
  proto?: L4Proto;
  port?: number;
  /** Force the kube-proxy endpoint choice to this IP. */
  pick?: IPv4;
  seed?: number;
}
