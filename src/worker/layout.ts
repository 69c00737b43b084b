/**
 * Topology → positions. Inside each Kubernetes node, ELK's layered algorithm places pods, veths,
 * bridges, the host stack, tunnels and eth0 top to bottom (a compound graph per node, computed in
 * ELK's own worker). Around them a fixed, deterministic frame: Services band on top, nodes in rows,
 * the underlay bus under each row joined by a trunk, off-cluster hosts to the right.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { ElementId, Topology, TopoNode } from '../engine/topology/types';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface EdgePath {
  id: string;
  from: ElementId;
  to: ElementId;
  points: [number, number][];
}

export interface NodeFrame {
  id: ElementId;
  /** Row index in the node grid (decides which bus segment the node hangs from). */
  row: number;
  /** The node's underlay interface (eth0). */
  uplink?: ElementId;
  /** Where this node's eth0 meets the underlay bus. */
  drop: { x: number; top: number; busY: number };
}

export interface TopologyLayout {
  width: number;
  height: number;
  boxes: Record<ElementId, Box>;
  edges: EdgePath[];
  nodes: Record<ElementId, NodeFrame>;
  /** Which node an element sits in (pods, interfaces, stacks). */
  nodeOf: Record<ElementId, ElementId>;
  buses: { row: number; y: number; x1: number; x2: number }[];
  trunkX: number;
  /** Where each off-cluster host attaches to the trunk. */
  externalAttach: Record<ElementId, [number, number]>;
  servicesBand: Box | null;
}

export type ElkLayoutFn = (graph: ElkNode) => Promise<ElkNode>;

export const SIZES = {
  pod: { w: 156, h: 46 },
  veth: { w: 132, h: 24 },
  bridge: { w: 132, h: 28 },
  stack: { w: 190, h: 34 },
  tunnel: { w: 150, h: 28 },
  uplink: { w: 176, h: 28 },
  other: { w: 132, h: 24 },
  service: { w: 200, h: 52 },
  external: { w: 170, h: 48 },
} as const;

const NODE_HEADER = 44;
const GAP = 36;
const BUS_GAP = 34;
const ROW_GAP = 48;

function nodeGraph(t: Topology, node: TopoNode): ElkNode {
  const inNode = new Set<ElementId>([node.stackId, ...node.pods, ...node.interfaces.map((i) => i.id)]);
  const children: ElkNode[] = [];
  for (const id of node.pods) children.push({ id, width: SIZES.pod.w, height: SIZES.pod.h });
  for (const i of node.interfaces) {
    const s = i.role === 'pod-veth' ? SIZES.veth : SIZES[i.role];
    children.push({ id: i.id, width: s.w, height: s.h });
  }
  children.push({ id: node.stackId, width: SIZES.stack.w, height: SIZES.stack.h });
  const edges: ElkExtendedEdge[] = t.links
    .filter((l) => inNode.has(l.from) && inNode.has(l.to))
    .map((l) => ({ id: l.id, sources: [l.from], targets: [l.to] }));
  return {
    id: node.id,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '14',
      'elk.layered.spacing.nodeNodeBetweenLayers': '26',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.randomSeed': '1',
      'elk.padding': `[top=${NODE_HEADER},left=16,bottom=16,right=16]`,
    },
    children,
    edges,
  };
}

/** Widths of consecutive groups of `perRow` nodes (with gaps). */
function chunkWidths(sizes: { w: number }[], perRow: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < sizes.length; i += perRow) out.push(sizes.slice(i, i + perRow).reduce((a, s) => a + s.w + GAP, 0));
  return out;
}

function sectionPoints(e: ElkExtendedEdge, dx: number, dy: number): [number, number][] {
  const s = e.sections?.[0];
  if (!s) return [];
  return [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => [p.x + dx, p.y + dy] as [number, number]);
}

/**
 * Lays the whole picture out. Same topology and aspect in, same positions out. `aspect` is the
 * canvas width/height the rows of nodes should fill.
 */
export async function layoutTopology(t: Topology, elk: ElkLayoutFn, aspect = 1.6): Promise<TopologyLayout> {
  const laid = await Promise.all(t.nodes.map((n) => elk(nodeGraph(t, n))));
  const linkById = new Map(t.links.map((l) => [l.id, l]));
  const boxes: Record<ElementId, Box> = {};
  const edges: EdgePath[] = [];
  const nodes: Record<ElementId, NodeFrame> = {};
  const nodeOf: Record<ElementId, ElementId> = {};

  const sizes = laid.map((g) => ({ w: g.width ?? 300, h: g.height ?? 200 }));
  const widest = Math.max(0, ...sizes.map((s) => s.w));
  // Pick the row width that lets the whole picture appear largest on a canvas of this shape.
  const packRows = (limit: number): number[][] => {
    const out: number[][] = [[]];
    let used = 0;
    sizes.forEach((s, i) => {
      const row = out[out.length - 1]!;
      if (row.length > 0 && used + s.w > limit) {
        out.push([i]);
        used = s.w + GAP;
      } else {
        row.push(i);
        used += s.w + GAP;
      }
    });
    return out;
  };
  const a = Math.max(0.8, Math.min(4, aspect));
  let rows = packRows(Infinity);
  let best = 0;
  for (let perRow = sizes.length; perRow >= 1; perRow--) {
    const limit = Math.max(widest, ...chunkWidths(sizes, perRow)) + 1;
    const candidate = packRows(limit);
    const w = Math.max(...candidate.map((r) => r.reduce((acc, i) => acc + sizes[i]!.w + GAP, 0))) + 200;
    const h = candidate.reduce((acc, r) => acc + Math.max(...r.map((i) => sizes[i]!.h)) + BUS_GAP + ROW_GAP, 0) + 260;
    // Another row costs readability (a packet between rows goes round the trunk): it has to make
    // the picture a quarter larger to be worth it.
    const scale = Math.min(a / w, 1 / h) / (candidate.length > 1 ? 1.25 : 1);
    if (scale > best * 1.02) {
      best = scale;
      rows = candidate;
    }
  }
  const contentWidth = Math.max(...rows.map((r) => r.reduce((a, i) => a + sizes[i]!.w + GAP, -GAP)), 400);

  // Services band: a grid as wide as the node rows.
  const margin = 24;
  let y = margin;
  let servicesBand: Box | null = null;
  if (t.services.length > 0) {
    const cols = Math.max(1, Math.floor((contentWidth + 12) / (SIZES.service.w + 12)));
    const top = y + 28;
    t.services.forEach((s, i) => {
      boxes[s.id] = { x: margin + (i % cols) * (SIZES.service.w + 12), y: top + Math.floor(i / cols) * (SIZES.service.h + 12), w: SIZES.service.w, h: SIZES.service.h };
    });
    const rowsOfServices = Math.ceil(t.services.length / cols);
    servicesBand = { x: margin - 12, y, w: contentWidth + 24, h: 28 + rowsOfServices * (SIZES.service.h + 12) + 4 };
    y += servicesBand.h + 28;
  }

  const buses: TopologyLayout['buses'] = [];
  const trunkX = margin + contentWidth + 24;
  rows.forEach((row, r) => {
    let x = margin;
    const rowHeight = Math.max(...row.map((i) => sizes[i]!.h));
    const busY = y + rowHeight + BUS_GAP;
    for (const i of row) {
      const g = laid[i]!;
      const node = t.nodes[i]!;
      const size = sizes[i]!;
      boxes[node.id] = { x, y, w: size.w, h: size.h };
      for (const c of g.children ?? []) {
        boxes[c.id] = { x: x + (c.x ?? 0), y: y + (c.y ?? 0), w: c.width ?? 0, h: c.height ?? 0 };
        nodeOf[c.id] = node.id;
      }
      for (const e of g.edges ?? []) {
        const link = linkById.get(e.id);
        if (link) edges.push({ id: e.id, from: link.from, to: link.to, points: sectionPoints(e, x, y) });
      }
      const uplink = node.interfaces.find((i2) => i2.role === 'uplink');
      const ub = uplink ? boxes[uplink.id] : undefined;
      nodes[node.id] = { id: node.id, row: r, ...(uplink ? { uplink: uplink.id } : {}), drop: { x: ub ? ub.x + ub.w / 2 : x + size.w / 2, top: ub ? ub.y + ub.h : y + size.h, busY } };
      x += size.w + GAP;
    }
    buses.push({ row: r, y: busY, x1: margin, x2: trunkX });
    y = busY + ROW_GAP;
  });

  // Off-cluster hosts hang below the last bus, right-aligned towards the trunk.
  const externalAttach: Record<ElementId, [number, number]> = {};
  const lastBus = buses[buses.length - 1]?.y ?? y;
  const extTop = lastBus + 30;
  let ex = trunkX - 20 - t.externals.length * (SIZES.external.w + 16) + 16;
  ex = Math.max(margin, ex);
  for (const e of t.externals) {
    boxes[e.id] = { x: ex, y: extTop, w: SIZES.external.w, h: SIZES.external.h };
    externalAttach[e.id] = [ex + SIZES.external.w / 2, lastBus];
    ex += SIZES.external.w + 16;
  }
  const firstBus = buses[0]?.y ?? y;
  boxes[t.underlay.id] = { x: margin, y: firstBus - 3, w: trunkX - margin, h: Math.max(6, lastBus - firstBus + 6) };
  const bottom = t.externals.length > 0 ? extTop + SIZES.external.h : y;
  return {
    width: Math.max(trunkX, ex) + margin,
    height: bottom + margin,
    boxes,
    edges,
    nodes,
    nodeOf,
    buses,
    trunkX,
    externalAttach,
    servicesBand,
  };
}
