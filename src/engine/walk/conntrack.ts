/**
 * The walker's use of the netfilter module's conntrack (value tables, one per node): a connection's
 * first packet gets an entry that stays off the table until it is confirmed, as the kernel keeps
 * an unconfirmed conntrack off its hash until the packet leaves through POSTROUTING or reaches
 * INPUT; only then is the NAT the packet went through known, so the entry is created then.
 */
import { conntrackCreate, newConntrackTable, type ConntrackTable, type FlowPacket, type NatBinding } from '../netfilter';
import type { ConntrackEntry } from '../netfilter/types';

export type FlowKey = FlowPacket;

/** The unconfirmed entry of a first packet: no NAT yet, not in any table. */
export function unconfirmedEntry(node: string, first: FlowKey): ConntrackEntry {
  return conntrackCreate(newConntrackTable(node), first).entry;
}

/**
 * `__nf_conntrack_confirm`: the entry goes into the table with the NAT the packet received, read
 * off the difference between its original tuple and the packet as it leaves.
 */
export function confirm(table: ConntrackTable, pending: ConntrackEntry, after: FlowKey): { table: ConntrackTable; entry: ConntrackEntry } {
  const first: FlowKey = { proto: pending.proto, ...pending.orig };
  const nat: NatBinding = {};
  if (first.dst !== after.dst || first.dport !== after.dport) {
    nat.dnat = after.dport === undefined ? { ip: after.dst } : { ip: after.dst, port: after.dport };
  }
  if (first.src !== after.src || first.sport !== after.sport) {
    nat.snat = after.sport === undefined ? { ip: after.src } : { ip: after.src, port: after.sport };
  }
  return conntrackCreate(table, first, nat, pending.mark);
}
