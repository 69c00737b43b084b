/**
 * Draws the static picture (nodes, pods, interfaces, stacks, Services, off-cluster hosts, wires)
 * into a d3-owned group. Text goes in through `.text()` only: names from the user's manifests are
 * never parsed as markup.
 */
import type { Selection } from 'd3';
import type { Topology } from '../../engine/topology/types';
import type { TopologyLayout } from '../../worker/layout';

type G = Selection<SVGGElement, unknown, null, undefined>;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Characters of 11px monospace that fit in `width` px (advance ≈ 0.6em); the <title> keeps the whole text. */
const monoFit = (width: number) => Math.max(4, Math.floor(width / 6.6));

function withTitle(g: G, full: string): void {
  g.append('title').text(full);
}

/** The whole picture at once (exports, the embed). */
export function drawScene(root: G, t: Topology, L: TopologyLayout): void {
  drawFrame(root, t, L);
  drawNodeContents(root, t, L, new Set(t.nodes.map((n) => n.id)));
}

/**
 * Everything but what sits inside the nodes: the Services band, node frames, the underlay and the
 * off-cluster hosts. The contents of each node follow with `drawNodeContents`, at once or, on a
 * big cluster, a few nodes per frame.
 */
export function drawFrame(root: G, t: Topology, L: TopologyLayout): void {
  root.selectAll('*').remove();
  // Paint order: wires under boxes, as before the split (the node contents' own pair in between).
  const wires = root.append('g').attr('class', 'wires');
  root.append('g').attr('class', 'contents-wires');
  const boxes = root.append('g').attr('class', 'boxes');
  root.append('g').attr('class', 'contents');

  // Services band: virtual IPs, apart from the wires, dashed.
  if (L.servicesBand) {
    const b = L.servicesBand;
    const band = boxes.append('g').attr('class', 'band');
    band.append('rect').attr('x', b.x).attr('y', b.y).attr('width', b.w).attr('height', b.h).attr('rx', 10);
    const more = t.hiddenServices ? ` · ${t.hiddenServices} more not drawn` : '';
    band.append('text').attr('x', b.x + 12).attr('y', b.y + 18).text(`Services · virtual IPs (they exist only in iptables rules)${more}`);
  }
  for (const s of t.services) {
    const b = L.boxes[s.id];
    if (!b) continue;
    const g = boxes.append('g').attr('class', 'service dimmable').attr('data-id', s.id).attr('transform', `translate(${b.x},${b.y})`);
    g.append('rect').attr('width', b.w).attr('height', b.h).attr('rx', 8);
    g.append('text').attr('x', 10).attr('y', 19).text(clip(`${s.namespace}/${s.name}`, 26));
    const vip = s.clusterIP === 'None' ? 'headless' : s.clusterIP || s.type;
    const ports = s.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(' ');
    g.append('text').attr('class', 'mono sub').attr('x', 10).attr('y', 38).text(clip(`${vip} ${ports}`, 30));
    withTitle(g, `Service ${s.namespace}/${s.name} (${s.type}) ${vip} ${ports}`);
  }

  // Kubernetes nodes: the frame, then what ELK placed inside.
  for (const n of t.nodes) {
    const b = L.boxes[n.id];
    if (!b) continue;
    const g = boxes.append('g').attr('class', 'k8s-node').attr('data-id', n.id);
    g.append('rect').attr('class', 'frame').attr('x', b.x).attr('y', b.y).attr('width', b.w).attr('height', b.h).attr('rx', 12);
    g.append('text').attr('class', 'title').attr('x', b.x + 14).attr('y', b.y + 20).text(n.name);
    const about = `${n.ip} · ${n.role}${n.podRanges.length ? ` · pods ${n.podRanges.join(', ')}` : ''}`;
    g.append('text').attr('class', 'mono sub').attr('x', b.x + 14).attr('y', b.y + 35).text(clip(about, monoFit(b.w - 28)));
    withTitle(g, `Node ${n.name}: ${about}${n.hiddenPods ? `; ${n.hiddenPods} more pods not drawn` : ''}`);
    if (n.hiddenPods) g.append('text').attr('class', 'sub more').attr('x', b.x + b.w - 14).attr('y', b.y + 20).attr('text-anchor', 'end').text(`+${n.hiddenPods} pods not drawn`);
  }
  // The underlay: one bus per row, joined by the trunk; off-cluster hosts hang from the trunk.
  const ys = L.buses.map((b) => b.y);
  if (ys.length > 1) wires.append('line').attr('class', 'bus').attr('x1', L.trunkX).attr('x2', L.trunkX).attr('y1', Math.min(...ys)).attr('y2', Math.max(...ys));
  for (const bus of L.buses) wires.append('line').attr('class', 'bus').attr('x1', bus.x1).attr('x2', bus.x2).attr('y1', bus.y).attr('y2', bus.y);
  const firstBus = L.buses[0];
  if (firstBus) wires.append('text').attr('class', 'bus-label mono').attr('x', firstBus.x1).attr('y', firstBus.y + 18).text(`underlay ${t.underlay.cidrs.join(', ')}`);
  for (const f of Object.values(L.nodes)) wires.append('line').attr('class', 'link underlay dimmable').attr('data-id', `drop:${f.id}`).attr('x1', f.drop.x).attr('x2', f.drop.x).attr('y1', f.drop.top).attr('y2', f.drop.busY);
  for (const e of t.externals) {
    const b = L.boxes[e.id];
    const a = L.externalAttach[e.id];
    if (!b || !a) continue;
    wires.append('line').attr('class', 'link underlay dimmable').attr('data-id', `drop:${e.id}`).attr('x1', a[0]).attr('x2', a[0]).attr('y1', a[1]).attr('y2', b.y);
    const g = boxes.append('g').attr('class', 'external dimmable').attr('data-id', e.id).attr('transform', `translate(${b.x},${b.y})`);
    g.append('rect').attr('width', b.w).attr('height', b.h).attr('rx', e.role === 'internet' ? 22 : 8);
    g.append('text').attr('x', 12).attr('y', 20).text(e.label);
    if (e.ip) g.append('text').attr('class', 'mono sub').attr('x', 12).attr('y', 37).text(e.ip);
    else g.append('text').attr('class', 'sub').attr('x', 12).attr('y', 37).text('any other address');
  }
}

/** The pods, interfaces, host stacks and wires inside `nodes`; returns what it drew. */
export function drawNodeContents(root: G, t: Topology, L: TopologyLayout, nodes: ReadonlySet<string>): SVGGElement[] {
  const inside = (id: string) => nodes.has(L.nodeOf[id] ?? '');
  const boxes = root.select<SVGGElement>('g.contents').append('g');
  const wires = root.select<SVGGElement>('g.contents-wires').append('g');
  const linkKind = new Map(t.links.map((l) => [l.id, l.kind]));
  for (const e of L.edges) {
    if (!inside(e.from)) continue;
    const line = e.points.map((p) => p.join(',')).join(' L');
    if (!line) continue;
    const kind = linkKind.get(e.id) ?? 'veth';
    wires.append('path').attr('class', `link ${kind} dimmable`).attr('data-from', e.from).attr('data-to', e.to).attr('d', `M${line}`);
  }
  for (const p of t.pods) {
    const b = L.boxes[p.id];
    if (!b || !inside(p.id)) continue;
    const g = boxes.append('g').attr('class', `pod dimmable${p.dnsServer ? ' dns' : ''}${p.ready ? '' : ' notready'}`).attr('data-id', p.id).attr('transform', `translate(${b.x},${b.y})`);
    g.append('rect').attr('width', b.w).attr('height', b.h).attr('rx', 7);
    g.append('circle').attr('class', 'dot').attr('cx', 11).attr('cy', 15).attr('r', 3.5);
    g.append('text').attr('x', 20).attr('y', 19).text(clip(p.name, 20));
    g.append('text').attr('class', 'mono sub').attr('x', 10).attr('y', 36).text(p.hostNetwork ? `hostNetwork ${p.ip}` : `eth0 ${p.ip}`);
    withTitle(g, `Pod ${p.namespace}/${p.name} on ${p.node}, ${p.ip}${p.dnsServer ? ' (cluster DNS)' : ''}${p.ready ? '' : ' (not ready)'}`);
  }
  for (const n of t.nodes) {
    if (!nodes.has(n.id)) continue;
    for (const i of n.interfaces) {
      const b = L.boxes[i.id];
      if (!b) continue;
      const g = boxes.append('g').attr('class', `iface ${i.role} dimmable`).attr('data-id', i.id).attr('transform', `translate(${b.x},${b.y})`);
      g.append('rect').attr('width', b.w).attr('height', b.h).attr('rx', 5);
      const label = i.role === 'pod-veth' || !i.ip ? i.name : `${i.name} ${i.ip}`;
      g.append('text').attr('class', 'mono').attr('x', b.w / 2).attr('y', b.h / 2 + 4).attr('text-anchor', 'middle').text(clip(label, monoFit(b.w - 10)));
      withTitle(g, `${i.name} (${i.linkKind}${i.badge ? `, ${i.badge}` : ''}) on ${n.name}${i.ip ? `, ${i.ip}` : ''}, MTU ${i.mtu}`);
    }
    const sb = L.boxes[n.stackId];
    if (sb) {
      const g = boxes.append('g').attr('class', 'stack dimmable').attr('data-id', n.stackId).attr('transform', `translate(${sb.x},${sb.y})`);
      g.append('rect').attr('width', sb.w).attr('height', sb.h).attr('rx', 6);
      g.append('text').attr('x', sb.w / 2).attr('y', sb.h / 2 + 4).attr('text-anchor', 'middle').attr('class', 'sub').text('routing · netfilter · conntrack');
      withTitle(g, `Host network stack of ${n.name}: routing table, iptables, conntrack`);
    }
  }
  return [boxes.node()!, wires.node()!];
}
