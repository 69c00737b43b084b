import type { Hop, HopKind } from '../walk/types';
import { INTERNET_ID, UNDERLAY_ID, externalId } from './derive';
import type { ElementId, HopPlace, Topology } from './types';

/** Decisions the host's network stack makes (routing, netfilter, sockets) rather than a device. */
const STACK_KINDS: ReadonlySet<HopKind> = new Set(['route', 'netfilter', 'nat', 'conntrack', 'policy', 'proxy', 'dns', 'deliver', 'drop']);

interface Index {
  ids: Set<ElementId>;
  serviceByVip: Map<string, ElementId>;
  serviceByNodePort: Map<string, ElementId>;
  externalByIp: Map<string, ElementId>;
}

function indexOf(t: Topology): Index {
  const ids = new Set<ElementId>([t.underlay.id]);
  for (const n of t.nodes) {
    ids.add(n.id);
    ids.add(n.stackId);
    for (const i of n.interfaces) ids.add(i.id);
  }
  for (const p of t.pods) ids.add(p.id);
  const serviceByVip = new Map<string, ElementId>();
  const serviceByNodePort = new Map<string, ElementId>();
  const nodeIps = t.nodes.map((n) => n.ip);
  for (const s of t.services) {
    ids.add(s.id);
    for (const port of s.ports) {
      if (s.clusterIP && s.clusterIP !== 'None') serviceByVip.set(`${s.clusterIP}:${port.port}`, s.id);
      for (const ip of [...s.loadBalancerIPs, ...s.externalIPs]) serviceByVip.set(`${ip}:${port.port}`, s.id);
      if (port.nodePort) for (const ip of nodeIps) serviceByNodePort.set(`${ip}:${port.nodePort}`, s.id);
    }
  }
  const externalByIp = new Map<string, ElementId>();
  for (const e of t.externals) {
    ids.add(e.id);
    if (e.ip) externalByIp.set(e.ip, e.id);
  }
  return { ids, serviceByVip, serviceByNodePort, externalByIp };
}

function placeOne(t: Topology, ix: Index, hop: Hop): ElementId {
  const { netns, node, iface, kind, packet } = hop;
  if (netns === 'wire') return UNDERLAY_ID;
  if (netns === 'external' || node === null) {
    const order = kind === 'deliver' || kind === 'drop' ? [packet.dst, packet.src] : [packet.src, packet.dst];
    for (const ip of order) {
      const id = ix.externalByIp.get(ip);
      if (id) return id;
    }
    return netns === 'external' ? INTERNET_ID : UNDERLAY_ID;
  }
  if (netns.startsWith('pod:')) {
    const id = `pod:${netns.slice(4)}`;
    if (ix.ids.has(id)) return id;
  }
  const stack = `stack:${node}`;
  const dev = iface ? `if:${node}/${iface}` : undefined;
  if (dev && ix.ids.has(dev) && !STACK_KINDS.has(kind)) return dev;
  if (ix.ids.has(stack)) return stack;
  const ext = ix.externalByIp.get(packet.src);
  return ext ?? externalId(packet.src);
}

/** Where each hop is drawn, and the Service VIP the packet is addressed to at that hop. */
export function placeHops(t: Topology, hops: Hop[]): HopPlace[] {
  const ix = indexOf(t);
  return hops.map((hop) => {
    const place: HopPlace = { at: placeOne(t, ix, hop) };
    const key = `${hop.packet.dst}:${hop.packet.dport ?? ''}`;
    const service = ix.serviceByVip.get(key) ?? ix.serviceByNodePort.get(key);
    if (service) place.service = service;
    return place;
  });
}
