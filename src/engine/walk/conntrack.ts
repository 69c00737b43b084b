/**
 * Connection tracking per node (the walker's adapter over the contract's `ConntrackEntry`):
 * an entry is created for the first packet (NEW, before the nat table), its reply tuple is
 * fixed when the packet leaves through POSTROUTING or reaches INPUT ("confirm", after NAT), and a
 * packet matching a reply tuple is un-NATed from the entry instead of visiting the nat table.
 */
import type { ConntrackEntry, ConntrackTuple } from '../netfilter/types';
import type { L4Proto } from './types';

export interface FlowKey {
  proto: L4Proto;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
}

export type CtMatch = { entry: ConntrackEntry; direction: 'original' | 'reply' } | undefined;

function tupleOf(k: FlowKey): ConntrackTuple {
  const t: ConntrackTuple = { src: k.src, dst: k.dst };
  if (k.sport !== undefined) t.sport = k.sport;
  if (k.dport !== undefined) t.dport = k.dport;
  return t;
}

function same(t: ConntrackTuple, k: FlowKey): boolean {
  return t.src === k.src && t.dst === k.dst && t.sport === k.sport && t.dport === k.dport;
}

/** ICMP echo: conntrack keys the reply on the same id, so both ports carry the id. */
export class ConntrackTable {
  readonly entries: ConntrackEntry[] = [];

  constructor(readonly node: string) {}

  lookup(k: FlowKey): CtMatch {
    for (const entry of this.entries) {
      if (entry.proto !== k.proto) continue;
      if (same(entry.orig, k)) return { entry, direction: 'original' };
      if (same(entry.reply, k)) return { entry, direction: 'reply' };
    }
    return undefined;
  }

  /** A new, unconfirmed entry: the reply tuple is the inverse until NAT changes it. */
  create(k: FlowKey, mark: number): ConntrackEntry {
    const entry: ConntrackEntry = {
      proto: k.proto,
      orig: tupleOf(k),
      reply: tupleOf({ proto: k.proto, src: k.dst, dst: k.src, sport: k.dport, dport: k.sport }),
      status: ['UNREPLIED'],
      mark,
      // nf_conntrack_tcp_timeout_syn_sent 120 s, udp_timeout 30 s, icmp_timeout 30 s.
      timeout: k.proto === 'tcp' ? 120 : 30,
      node: this.node,
    };
    if (k.proto === 'tcp') entry.tcpState = 'SYN_SENT';
    this.entries.push(entry);
    return entry;
  }

  /** Fixes the reply tuple from the packet as it leaves (after DNAT/SNAT). */
  confirm(entry: ConntrackEntry, after: FlowKey, mark: number): void {
    entry.reply = tupleOf({ proto: after.proto, src: after.dst, dst: after.src, sport: after.dport, dport: after.sport });
    entry.mark = mark;
    const dnat = entry.orig.dst !== after.dst || entry.orig.dport !== after.dport;
    const snat = entry.orig.src !== after.src || entry.orig.sport !== after.sport;
    entry.status = ['UNREPLIED', ...(dnat ? (['DNAT'] as const) : []), ...(snat ? (['SNAT'] as const) : [])];
  }

  /** The reply was seen: the entry is ASSURED (TCP: the handshake completes with the client's ACK). */
  seenReply(entry: ConntrackEntry): void {
    entry.status = ['ASSURED', ...entry.status.filter((s) => s === 'DNAT' || s === 'SNAT')];
    if (entry.proto === 'tcp') {
      entry.tcpState = 'ESTABLISHED';
      entry.timeout = 431999; // nf_conntrack_tcp_timeout_established (5 days) as conntrack -L counts down
    } else entry.timeout = entry.proto === 'udp' ? 120 : 30; // udp_timeout_stream once ASSURED
  }
}

const PROTO_NUMBER: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, sctp: 132 };

function tupleText(proto: string, t: ConntrackTuple, reply: boolean): string {
  if (proto === 'icmp') {
    // echo request type=8, its reply type=0; the id travels in sport.
    return `src=${t.src} dst=${t.dst} type=${reply ? 0 : 8} code=0 id=${t.sport ?? 0}`;
  }
  return `src=${t.src} dst=${t.dst} sport=${t.sport ?? 0} dport=${t.dport ?? 0}`;
}

/** One entry as `conntrack -L` prints it. */
export function formatConntrack(e: ConntrackEntry): string {
  const head = `${e.proto.padEnd(8)} ${PROTO_NUMBER[e.proto] ?? 0} ${e.timeout}${e.tcpState ? ` ${e.tcpState}` : ''}`;
  const unreplied = e.status.includes('UNREPLIED') ? ' [UNREPLIED]' : '';
  const assured = e.status.includes('ASSURED') ? ' [ASSURED]' : '';
  return `${head} ${tupleText(e.proto, e.orig, false)}${unreplied} ${tupleText(e.proto, e.reply, true)}${assured} mark=${e.mark} use=1`;
}
