/**
 * Connection tracking, one table per node netns, as the kernel keeps it: an entry holds the
 * original tuple (the first packet as it arrived) and the reply tuple (what a reply will look
 * like on the wire: the original swapped, with the NAT undone — after DNAT to 172.16.2.3:8080 the
 * reply comes *from* 172.16.2.3:8080). Packets of either direction are found by their tuple and
 * rewritten from the entry, so replies are un-NATed without visiting the nat table.
 * Tables are values: every change returns a new table.
 */
import type { IPv4 } from '../net/ipv4';
import type { ConntrackEntry, ConntrackTuple } from './types';

export interface ConntrackTable {
  node: string;
  entries: ConntrackEntry[];
}

/** What conntrack needs from a packet: its protocol and tuple (ICMP echo: the id in sport/dport). */
export interface FlowPacket {
  proto: ConntrackEntry['proto'];
  src: IPv4;
  dst: IPv4;
  sport?: number;
  dport?: number;
}

export type Direction = 'original' | 'reply';

export function newConntrackTable(node: string): ConntrackTable {
  return { node, entries: [] };
}

function tuple(src: IPv4, dst: IPv4, sport: number | undefined, dport: number | undefined): ConntrackTuple {
  const t: ConntrackTuple = { src, dst };
  if (sport !== undefined) t.sport = sport;
  if (dport !== undefined) t.dport = dport;
  return t;
}

const sameTuple = (t: ConntrackTuple, p: FlowPacket) =>
  t.src === p.src && t.dst === p.dst && t.sport === p.sport && t.dport === p.dport;

/** The entry a packet belongs to and in which direction it travels, or null for a new flow. */
export function lookup(table: ConntrackTable, p: FlowPacket): { entry: ConntrackEntry; direction: Direction } | null {
  for (const entry of table.entries) {
    if (entry.proto !== p.proto) continue;
    if (sameTuple(entry.orig, p)) return { entry, direction: 'original' };
    if (sameTuple(entry.reply, p)) return { entry, direction: 'reply' };
  }
  return null;
}

/** Where NAT sent the first packet: DNAT rewrote the destination, SNAT/MASQUERADE the source. */
export interface NatBinding {
  dnat?: { ip: IPv4; port?: number };
  snat?: { ip: IPv4; port?: number };
}

/**
 * Creates the entry for a connection's first packet (`first` as it arrived, before any NAT).
 * Timeouts are what `conntrack -L` shows right after the packet (the kernel's value minus the
 * second that has started): TCP SYN_SENT 120 s, UDP and ICMP 30 s.
 */
export function create(
  table: ConntrackTable, first: FlowPacket, nat: NatBinding = {}, mark = 0,
): { table: ConntrackTable; entry: ConntrackEntry } {
  // After NAT the packet travels as (s', d'); the reply is (d' → s').
  const dst = nat.dnat?.ip ?? first.dst;
  const dport = nat.dnat?.port ?? first.dport;
  const src = nat.snat?.ip ?? first.src;
  const sport = nat.snat?.port ?? first.sport;
  const status: ConntrackEntry['status'] = ['UNREPLIED'];
  if (nat.dnat) status.push('DNAT');
  if (nat.snat) status.push('SNAT');
  const entry: ConntrackEntry = {
    proto: first.proto,
    orig: tuple(first.src, first.dst, first.sport, first.dport),
    reply: tuple(dst, src, dport, sport),
    status,
    mark,
    timeout: first.proto === 'tcp' ? 119 : 29,
    node: table.node,
  };
  if (first.proto === 'tcp') entry.tcpState = 'SYN_SENT';
  return { table: { ...table, entries: [...table.entries, entry] }, entry };
}

/**
 * The reply has been seen. TCP: the handshake completes (SYN_RECV, then ESTABLISHED and ASSURED
 * with the 5-day timeout, 432000 s). UDP: SEEN_REPLY, 30 s; ASSURED only once more traffic
 * follows (nf_conntrack_proto_udp: a "stream"), see `streamed`. ICMP: SEEN_REPLY.
 */
export function seenReply(table: ConntrackTable, entry: ConntrackEntry): { table: ConntrackTable; entry: ConntrackEntry } {
  const nat = entry.status.filter((s) => s === 'DNAT' || s === 'SNAT');
  const next: ConntrackEntry = entry.proto === 'tcp'
    ? { ...entry, status: ['SEEN_REPLY', 'ASSURED', ...nat], tcpState: 'ESTABLISHED', timeout: 431999 }
    : { ...entry, status: ['SEEN_REPLY', ...nat], timeout: 29 };
  return replace(table, entry, next);
}

/** UDP traffic after the reply: ASSURED, with udp_timeout_stream (120 s). */
export function streamed(table: ConntrackTable, entry: ConntrackEntry): { table: ConntrackTable; entry: ConntrackEntry } {
  if (entry.proto !== 'udp' || entry.status.includes('ASSURED')) return { table, entry };
  return replace(table, entry, { ...entry, status: [...entry.status, 'ASSURED'], timeout: 119 });
}

function replace(table: ConntrackTable, old: ConntrackEntry, next: ConntrackEntry) {
  return { table: { ...table, entries: table.entries.map((e) => (e === old ? next : e)) }, entry: next };
}

/**
 * The packet after conntrack's NAT for an existing connection: in either direction it becomes the
 * inverse of the other direction's tuple (original packets get the DNAT/SNAT again, replies get
 * them undone).
 */
export function translate<P extends FlowPacket>(entry: ConntrackEntry, direction: Direction, p: P): P {
  const other = direction === 'original' ? entry.reply : entry.orig;
  const out = { ...p, src: other.dst, dst: other.src };
  if (other.dport !== undefined) out.sport = other.dport;
  if (other.sport !== undefined) out.dport = other.sport;
  return out;
}

const PROTO_NUMBER: Record<ConntrackEntry['proto'], number> = { icmp: 1, tcp: 6, udp: 17, sctp: 132 };

function formatTuple(proto: ConntrackEntry['proto'], t: ConntrackTuple, icmpType: number): string {
  const addr = `src=${t.src} dst=${t.dst} `;
  if (proto === 'icmp') return `${addr}type=${icmpType} code=0 id=${t.sport ?? 0} `;
  return `${addr}sport=${t.sport ?? 0} dport=${t.dport ?? 0} `;
}

/** One entry exactly as `conntrack -L` prints it (libnetfilter_conntrack's default format). */
export function formatConntrackEntry(e: ConntrackEntry): string {
  const seenReply = e.status.includes('SEEN_REPLY') || e.status.includes('ASSURED');
  let s = `${e.proto.padEnd(8)} ${PROTO_NUMBER[e.proto]} ${e.timeout} `;
  if (e.tcpState !== undefined && e.tcpState !== '') s += `${e.tcpState} `;
  // ICMP echo: the original tuple is the request (type 8), the reply tuple the echo reply (type 0).
  s += formatTuple(e.proto, e.orig, 8);
  if (!seenReply) s += '[UNREPLIED] ';
  s += formatTuple(e.proto, e.reply, 0);
  if (e.status.includes('ASSURED')) s += '[ASSURED] ';
  s += `mark=${e.mark >>> 0} use=1`;
  return s;
}

/** `conntrack -L` on stdout, entries in table order (the kernel's hash order is not modelled). */
export function formatConntrackList(entries: ConntrackEntry[]): string {
  return entries.map((e) => `${formatConntrackEntry(e)}\n`).join('');
}

/** The line conntrack-tools (1.4.7, Debian 12) writes to stderr after a listing. */
export function conntrackListSummary(count: number): string {
  return `conntrack v1.4.7 (conntrack-tools): ${count} flow entries have been shown.\n`;
}
