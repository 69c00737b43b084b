/** How hops read and which colour they wear. Presentation only: no networking is decided here. */
import type { Hop, PacketHeaders, Verdict } from '../engine/walk/types';

export type Tone = 'normal' | 'encap' | 'nat' | 'drop' | 'ok';

export function toneOf(hop: Hop, isLast: boolean, verdict: Verdict | undefined): Tone {
  if (hop.kind === 'drop' || (isLast && verdict && verdict !== 'delivered')) return 'drop';
  if (hop.kind === 'netfilter' && (hop.detail.target === 'DROP' || hop.detail.target === 'REJECT')) return 'drop';
  if (hop.kind === 'nat') return 'nat';
  if (hop.kind === 'encap' || hop.kind === 'decap' || hop.packet.outer) return 'encap';
  if (hop.kind === 'deliver') return 'ok';
  return 'normal';
}

export const KIND_LABEL: Record<Hop['kind'], string> = {
  route: 'route',
  netfilter: 'netfilter',
  nat: 'NAT',
  conntrack: 'conntrack',
  bridge: 'bridge',
  arp: 'ARP',
  encap: 'encap',
  decap: 'decap',
  wire: 'wire',
  dns: 'DNS',
  proxy: 'proxy',
  policy: 'policy',
  deliver: 'deliver',
  drop: 'drop',
};

/** `k8s-w1 · calie1d2… ` / `pod default/client · eth0` / `wire` */
export function whereOf(hop: Hop): string {
  const ns = hop.netns.startsWith('pod:') ? hop.netns.slice(4) : hop.netns === 'host' ? (hop.node ?? 'host') : hop.netns;
  return hop.iface ? `${ns} · ${hop.iface}` : ns;
}

export function endpointText(ip: string, port: number | undefined): string {
  return port === undefined ? ip : `${ip}:${port}`;
}

/** One line for the packet glyph: `172.16.194.65:43512 → 10.96.100.10:80 TCP` (an ICMP error: `… ICMP port-unreachable`). */
export function headerLine(p: PacketHeaders): string {
  return `${endpointText(p.src, p.sport)} → ${endpointText(p.dst, p.dport)} ${p.proto.toUpperCase()}${p.icmp ? ` ${p.icmp.name}` : ''}`;
}

/** An ICMP error's type and the header it quotes: `port-unreachable (3/3) about 172.16.0.66:50471 → 10.96.0.7:80 TCP`. */
export function icmpLine(p: PacketHeaders): string | null {
  const e = p.icmp;
  if (!e) return null;
  const q = e.quoted;
  return `${e.name} (${e.type}/${e.code}) about ${endpointText(q.src, q.sport)} → ${endpointText(q.dst, q.dport)} ${q.proto.toUpperCase()}`;
}

export function outerLine(p: PacketHeaders): string | null {
  const o = p.outer;
  if (!o) return null;
  const kind = o.proto === 'ipip' ? 'IPIP' : `VXLAN${o.vni !== undefined ? ` ${o.vni}` : ''}`;
  return `${kind} ${o.src} → ${o.dst}${o.dport !== undefined ? ` :${o.dport}` : ''}`;
}

export type HeaderField = 'src' | 'sport' | 'dst' | 'dport' | 'proto' | 'ttl';
export const HEADER_FIELDS: HeaderField[] = ['src', 'sport', 'dst', 'dport', 'proto', 'ttl'];

export function fieldText(p: PacketHeaders | null, f: HeaderField): string {
  if (!p) return '';
  const v = p[f];
  return v === undefined ? '—' : String(v);
}

export function changedFields(before: PacketHeaders | null, after: PacketHeaders): Set<HeaderField> {
  const out = new Set<HeaderField>();
  if (!before) return out;
  for (const f of HEADER_FIELDS) if (before[f] !== after[f]) out.add(f);
  return out;
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  delivered: 'Delivered',
  dropped: 'Dropped',
  rejected: 'Rejected',
  unroutable: 'Unroutable',
  timeout: 'Timed out',
  nxdomain: 'NXDOMAIN',
};
