/**
 * ICMP errors as the kernel makes and reads them: which REJECT option sends which code, the names
 * iptables gives them, and what the client's socket reports (`icmp_err_convert`, `tcp_v4_err`).
 */
import { headers, type IcmpErrorOrigin, type IcmpErrorSource, type Pkt } from './context';
import type { IcmpError, L4Proto } from './types';

export const ICMP_DEST_UNREACH = 3;
export const ICMP_TIME_EXCEEDED = 11;

/**
 * Destination-unreachable codes (RFC 792, RFC 1812): iptables' names, the errno a socket gets
 * (`icmp_err_convert`) and what iputils' ping prints.
 */
const UNREACH: Record<number, { name: string; errno: string; ping: string }> = {
  0: { name: 'network-unreachable', errno: 'Network is unreachable', ping: 'Destination Net Unreachable' },
  1: { name: 'host-unreachable', errno: 'No route to host', ping: 'Destination Host Unreachable' },
  2: { name: 'protocol-unreachable', errno: 'Protocol not available', ping: 'Destination Protocol Unreachable' },
  3: { name: 'port-unreachable', errno: 'Connection refused', ping: 'Destination Port Unreachable' },
  9: { name: 'network-prohibited', errno: 'Network is unreachable', ping: 'Destination Net Prohibited' },
  10: { name: 'host-prohibited', errno: 'No route to host', ping: 'Destination Host Prohibited' },
  13: { name: 'communication-prohibited', errno: 'No route to host', ping: 'Packet filtered' },
};

/** `REJECT --reject-with X` → the destination-unreachable code it sends (tcp-reset sends no ICMP). */
const REJECT_CODES: Record<string, number> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};

/** The ICMP code a REJECT sends, or undefined when it sends none (`tcp-reset`). The default is port unreachable. */
export function rejectCode(rejectWith: string | undefined): number | undefined {
  return REJECT_CODES[rejectWith ?? 'icmp-port-unreachable'];
}

export function icmpName(type: number, code: number): string {
  if (type === ICMP_TIME_EXCEEDED) return code === 0 ? 'ttl-zero-during-transit' : 'ttl-zero-during-reassembly';
  return UNREACH[code]?.name ?? `destination-unreachable/${code}`;
}

/** "port unreachable", for sentences. */
export function icmpLabel(e: Pick<IcmpError, 'type' | 'code'>): string {
  if (e.type === ICMP_TIME_EXCEEDED) return 'time exceeded';
  return (UNREACH[e.code]?.name ?? `destination unreachable (code ${e.code})`).replace('network-', 'net ').replace(/-/g, ' ');
}

/** What the sending socket reports when the error reaches it. */
export function socketReport(e: Pick<IcmpError, 'type' | 'code'>, proto: L4Proto): string {
  if (proto === 'icmp') {
    const what = e.type === ICMP_TIME_EXCEEDED ? 'Time to live exceeded' : (UNREACH[e.code]?.ping ?? 'Destination Unreachable');
    return `ping prints "${what}"`;
  }
  // tcp_v4_err: in SYN_SENT any destination-unreachable or time-exceeded error ends connect().
  const errno = e.type === ICMP_TIME_EXCEEDED ? 'No route to host' : (UNREACH[e.code]?.errno ?? 'No route to host');
  return proto === 'tcp' ? `connect() fails with "${errno}"` : `the socket's next call fails with "${errno}"`;
}

/** The sentence for an error reaching its sender: "The ICMP port unreachable from X reaches <where>: connect() fails …". */
export function icmpArrival(e: IcmpError, from: string, where: string): string {
  return `The ICMP ${icmpLabel(e)} from ${from} reaches ${where}: ${socketReport(e, e.quoted.proto)}.`;
}

/** The error a hop provokes, about the packet as it is now. */
export function icmpErrorAbout(from: IcmpErrorSource, type: number, code: number, pkt: Pkt): IcmpErrorOrigin {
  return { from, type, code, about: headers(pkt) };
}
