/**
 * Screen geometry of a trace: where each hop sits, and the waypoints the packet follows between
 * two hops (down to eth0, along the underlay bus, through the trunk, up into the next node).
 * Geometry only; which element a hop belongs to was decided by the engine's topology module.
 */
import type { ElementId, HopPlace } from '../../engine/topology/types';
import type { TopologyLayout } from '../../worker/layout';

export type Pt = [number, number];

export interface TracePath {
  points: Pt[];
  /** segments[i]: waypoints from hop i-1 to hop i, ending at points[i]; segments[0] = [points[0]]. */
  segments: Pt[][];
}

const center = (L: TopologyLayout, id: ElementId): Pt | null => {
  const b = L.boxes[id];
  return b ? [b.x + b.w / 2, b.y + b.h / 2] : null;
};

function nodeFrameOf(L: TopologyLayout, id: ElementId) {
  const n = L.nodeOf[id] ?? (L.nodes[id] ? id : undefined);
  return n ? L.nodes[n] : undefined;
}

/** Where an element meets the bus network, and the way out from the element to that point. */
function exitOf(L: TopologyLayout, id: ElementId, self: Pt): { anchor: Pt; way: Pt[] } | null {
  const frame = nodeFrameOf(L, id);
  if (frame) {
    const anchor: Pt = [frame.drop.x, frame.drop.busY];
    const up = frame.uplink;
    const toUplink = up && up !== id && L.boxes[up] ? alongWires(L, id, up, [frame.drop.x, frame.drop.top]) : [[frame.drop.x, frame.drop.top] as Pt];
    return { anchor, way: [...toUplink, anchor] };
  }
  const attach = L.externalAttach[id];
  if (attach) return { anchor: attach, way: [[self[0], L.boxes[id]!.y], attach] };
  return null;
}

/** The way in from the bus to an element: the exit walked backwards, wires followed forwards. */
function entryOf(L: TopologyLayout, id: ElementId, self: Pt): { anchor: Pt; way: Pt[] } | null {
  const frame = nodeFrameOf(L, id);
  if (frame) {
    const anchor: Pt = [frame.drop.x, frame.drop.busY];
    const up = frame.uplink;
    const fromUplink = up && up !== id && L.boxes[up] ? alongWires(L, up, id, self) : [self];
    return { anchor, way: [[frame.drop.x, frame.drop.top], ...fromUplink] };
  }
  const attach = L.externalAttach[id];
  if (attach) return { anchor: attach, way: [[self[0], L.boxes[id]!.y], self] };
  return null;
}

/**
 * Inside one node, follow the drawn wires (shortest chain of edges) rather than cutting across
 * boxes: pod → veth → stack → tunnel → eth0 reads like the real path.
 */
function alongWires(L: TopologyLayout, from: ElementId, to: ElementId, end: Pt): Pt[] {
  const adj = new Map<ElementId, { next: ElementId; points: Pt[] }[]>();
  for (const e of L.edges) {
    if (e.points.length < 2) continue;
    if (!adj.has(e.from)) adj.set(e.from, []);
    if (!adj.has(e.to)) adj.set(e.to, []);
    adj.get(e.from)!.push({ next: e.to, points: e.points });
    adj.get(e.to)!.push({ next: e.from, points: [...e.points].reverse() });
  }
  const prev = new Map<ElementId, { via: ElementId; points: Pt[] }>();
  const queue: ElementId[] = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const cur = queue.shift()!;
    if (cur === to) break;
    for (const { next, points } of adj.get(cur) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      prev.set(next, { via: cur, points });
      queue.push(next);
    }
  }
  if (!prev.has(to)) return [end];
  const chain: Pt[][] = [];
  for (let cur = to; cur !== from; ) {
    const step = prev.get(cur)!;
    chain.unshift(step.points);
    cur = step.via;
  }
  return [...chain.flat(), end];
}

function dedupe(points: Pt[]): Pt[] {
  return points.filter((p, i) => i === 0 || p[0] !== points[i - 1]![0] || p[1] !== points[i - 1]![1]);
}

export function tracePath(L: TopologyLayout, places: HopPlace[], underlayId: ElementId): TracePath {
  const n = places.length;
  const points: Pt[] = new Array<Pt>(n);
  const fallback: Pt = [L.trunkX, L.buses[0]?.y ?? 0];
  // First the hops with a box of their own; underlay hops borrow a neighbour's bus anchor.
  for (let i = 0; i < n; i++) {
    const c = center(L, places[i]!.at);
    if (c) points[i] = c;
  }
  for (let i = 0; i < n; i++) {
    if (points[i]) continue;
    const near = [i - 1, i + 1, i - 2, i + 2].find((j) => j >= 0 && j < n && points[j] && places[j]!.at !== underlayId);
    const a = near !== undefined ? exitOf(L, places[near]!.at, points[near]!) : null;
    points[i] = a ? a.anchor : (points[i - 1] ?? fallback);
  }
  const segments: Pt[][] = [[points[0] ?? fallback]];
  for (let i = 1; i < n; i++) {
    const aId = places[i - 1]!.at;
    const bId = places[i]!.at;
    const a = points[i - 1]!;
    const b = points[i]!;
    const na = nodeFrameOf(L, aId);
    const nb = nodeFrameOf(L, bId);
    if (aId === bId) {
      segments.push([b]);
      continue;
    }
    if (na && na === nb) {
      segments.push(dedupe(alongWires(L, aId, bId, b)));
      continue;
    }
    const ea = aId === underlayId ? { anchor: a, way: [] } : exitOf(L, aId, a);
    const eb = bId === underlayId ? { anchor: b, way: [b] } : entryOf(L, bId, b);
    if (!ea || !eb) {
      segments.push([b]);
      continue;
    }
    const travel: Pt[] = ea.anchor[1] === eb.anchor[1] ? [eb.anchor] : [[L.trunkX, ea.anchor[1]], [L.trunkX, eb.anchor[1]], eb.anchor];
    segments.push(dedupe([...ea.way, ...travel, ...eb.way]));
  }
  return { points, segments };
}

/** Point at fraction `t` (0..1) along a polyline starting at `from`. */
export function along(from: Pt, way: Pt[], t: number): Pt {
  const pts = [from, ...way];
  let total = 0;
  const lens: number[] = [];
  for (let i = 1; i < pts.length; i++) {
    const l = Math.hypot(pts[i]![0] - pts[i - 1]![0], pts[i]![1] - pts[i - 1]![1]);
    lens.push(l);
    total += l;
  }
  if (total === 0) return pts[pts.length - 1]!;
  let d = t * total;
  for (let i = 0; i < lens.length; i++) {
    const l = lens[i]!;
    if (d <= l) {
      const p = pts[i]!;
      const q = pts[i + 1]!;
      const f = l === 0 ? 1 : d / l;
      return [p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f];
    }
    d -= l;
  }
  return pts[pts.length - 1]!;
}
