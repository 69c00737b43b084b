import type { Cidr, IPv4 } from '../net/ipv4';

/**
 * iptables rules as data, shaped like what `iptables-save` prints: the fixed entry fields
 * (-s -d -i -o -p -f) first, then the matches in the order they were given, then the target.
 * Options are kept as text so parse → print round-trips exactly; the evaluator interprets the
 * modules it knows and reports the ones it does not.
 */
export type TableName = 'raw' | 'mangle' | 'nat' | 'filter' | 'security';
export type BuiltinChain = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** One option of a match or a target: `! --dport 53` is `{ name: 'dport', values: ['53'], negated: true }`. */
export interface RuleOption {
  name: string;
  values: string[];
  negated: boolean;
}

export interface MatchSpec {
  /** The `-m` module: `comment`, `tcp`, `udp`, `multiport`, `addrtype`, `mark`, `conntrack`, ... */
  module: string;
  options: RuleOption[];
}

export interface TargetSpec {
  /** ACCEPT, DROP, RETURN, REJECT, DNAT, SNAT, MASQUERADE, MARK, LOG, or a user chain. */
  name: string;
  /** `-g` (goto) instead of `-j`. */
  goto: boolean;
  options: RuleOption[];
}

export interface Negatable<T> {
  value: T;
  negated: boolean;
}

export interface Rule {
  src?: Negatable<Cidr>;
  dst?: Negatable<Cidr>;
  /** Interface names may end in `+` (prefix wildcard), as in `-i cali+`. */
  inIface?: Negatable<string>;
  outIface?: Negatable<string>;
  /** `tcp`, `udp`, `icmp`, `sctp`, `all`, or a number. */
  proto?: Negatable<string>;
  fragment?: Negatable<true>;
  matches: MatchSpec[];
  target?: TargetSpec;
  /** `[packets:bytes]` as printed by `iptables-save -c`. */
  counters?: { packets: number; bytes: number };
}

export interface Chain {
  name: string;
  /** Built-in chains have a policy; user chains print `-`. */
  policy: 'ACCEPT' | 'DROP' | null;
  counters?: { packets: number; bytes: number };
  rules: Rule[];
}

export interface Table {
  name: TableName;
  /** In the order `iptables-save` prints them: built-ins first, then user chains. */
  chains: Chain[];
}

export interface Ruleset {
  tables: Table[];
}

/** Where a rule sits, so traces can name it and terminals can highlight it. */
export interface RuleRef {
  table: TableName;
  chain: string;
  /** 0-based index in the chain; -1 for the chain policy. */
  index: number;
}

/** One ipset, for `-m set --match-set NAME src|dst`. */
export interface IpSet {
  name: string;
  type: 'hash:ip' | 'hash:net' | 'hash:ip,port' | 'list:set';
  members: string[];
}

export interface ConntrackTuple {
  src: IPv4;
  dst: IPv4;
  /** Absent for ICMP; ICMP echo uses `id` in sport/dport as conntrack prints `id=`. */
  sport?: number;
  dport?: number;
}

export interface ConntrackEntry {
  proto: 'tcp' | 'udp' | 'icmp' | 'sctp';
  orig: ConntrackTuple;
  reply: ConntrackTuple;
  /** TCP state as conntrack -L prints it, e.g. `SYN_SENT`, `ESTABLISHED`; empty for UDP/ICMP. */
  tcpState?: string;
  status: ('ASSURED' | 'UNREPLIED' | 'SEEN_REPLY' | 'DNAT' | 'SNAT')[];
  mark: number;
  timeout: number;
  /** Zone or node this entry lives on (each node netns has its own table). */
  node: string;
}

/** The packet as the netfilter evaluator sees it at one hook. */
export interface NetfilterPacket {
  src: IPv4;
  dst: IPv4;
  /** `ipencap`: IP protocol 4, the outer header of an IPIP tunnel (`-p 4`, `-p ipencap`). */
  proto: 'tcp' | 'udp' | 'icmp' | 'sctp' | 'ipencap';
  sport?: number;
  dport?: number;
  /** skb mark (`-m mark`, `MARK`, kube-proxy's 0x4000). */
  mark: number;
  inIface?: string;
  outIface?: string;
  /** Conntrack state of this packet's connection: `NEW` for the first packet. */
  ctState: 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';
  /** `--ctstate DNAT/SNAT` and `--ctstatus`: whether the connection was NATed. */
  ctNat: { dnat: boolean; snat: boolean };
  /** Bridge ports for `-m physdev` (br_netfilter). */
  physdevIn?: string;
  physdevOut?: string;
  physdevIsBridged?: boolean;
  /** Connection mark (`-m connmark`); 0 when absent. */
  connmark?: number;
  /** ICMP type/code (`-m icmp`); absent means echo-request (8/0) for NEW, echo-reply (0/0) otherwise. */
  icmpType?: number;
  icmpCode?: number;
  /** TCP flags as names (`SYN`, `ACK`, …); absent means `SYN` for NEW and `ACK` otherwise. */
  tcpFlags?: string[];
  /** Conntrack status bits for `--ctstatus` (absent: derived from ctState). */
  ctStatus?: ('EXPECTED' | 'SEEN_REPLY' | 'ASSURED' | 'CONFIRMED')[];
  /** Direction of this packet in its connection (`--ctdir`); absent means ORIGINAL. */
  ctDir?: 'ORIGINAL' | 'REPLY';
  /** The connection's tuples (`--ctorigdst` …); absent: the packet's own tuple is the original. */
  ctOrig?: ConntrackTuple;
  ctReply?: ConntrackTuple;
}

/** What the evaluator needs to know about the node it runs on. */
export interface NetfilterEnv {
  /** `-m addrtype --dst-type LOCAL`: is the address on any interface of this netns (local table)? */
  addressType(ip: IPv4): 'LOCAL' | 'UNICAST' | 'BROADCAST' | 'MULTICAST';
  ipsets: IpSet[];
  /**
   * Decides one `-m statistic --mode random --probability p` match. The walker backs this with the
   * seeded PRNG, or with a look-ahead when the user forces an endpoint (`--pick`).
   */
  chooseRandom(probability: number, at: RuleRef): boolean;
  /**
   * `-m recent` state (session affinity): list name → addresses seen within the time that matters
   * (the walker owns time, so `--seconds` is its business).
   */
  recent?: Record<string, IPv4[]>;
  /** `-m rpfilter`: is the reverse path valid (default: yes)? */
  reversePathOk?(packet: NetfilterPacket, opts: { loose: boolean; acceptLocal: boolean }): boolean;
  /** `-m statistic --mode nth`: packets this rule has already seen (default 0). */
  nthSeen?(at: RuleRef): number;
}

/** A `-m recent --set/--update/--remove` side effect, for the walker to apply to its state. */
export interface RecentUpdate {
  name: string;
  ip: IPv4;
  op: 'set' | 'update' | 'remove';
  at: RuleRef;
}

/** A rule whose matches all matched, in evaluation order (jumps followed). */
export interface RuleHit {
  ref: RuleRef;
  /** The rule as `iptables-save` prints it: `-A KUBE-SERVICES -d 10.96.0.10/32 ...` */
  text: string;
  target: string;
}

export interface NatAction {
  kind: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT';
  /** DNAT/SNAT destination or source; MASQUERADE leaves the address to the walker (route source). */
  toIp?: IPv4;
  toPort?: number;
  randomFully: boolean;
  hit: RuleHit;
}

export interface HookResult {
  /** Final verdict of this table at this hook. */
  verdict: 'ACCEPT' | 'DROP' | 'REJECT';
  rejectWith?: string;
  /** The packet after the table (mark changes; NAT is reported in `nat`, not applied). */
  packet: NetfilterPacket;
  nat?: NatAction;
  hits: RuleHit[];
  /** Chains entered, in order, starting with the built-in chain. */
  chains: string[];
  /** True when the verdict came from a built-in chain's policy. */
  byPolicy: boolean;
  /** Unknown matches or targets met on the way (reported, never silently accepted). */
  problems: string[];
  /** `-m recent` updates made by matched rules (the evaluator is pure; the walker applies them). */
  recent?: RecentUpdate[];
  /** Non-terminating targets met (`MARK`, `LOG`, `CONNMARK`, …), in order. */
  effects?: { hit: RuleHit; note: string }[];
  /** The connection mark after `CONNMARK` targets, when one changed it. */
  connmark?: number;
}
