/**
 * The topology renderer: owns its SVG subtree through d3 (create → update → destroy); React only
 * creates it, feeds it plain data and destroys it. The packet moves on requestAnimationFrame and
 * only its transform changes per frame.
 */
import { select, zoom, zoomIdentity, type Selection, type ZoomBehavior } from 'd3';
import type { HopPlace, Topology } from '../../engine/topology/types';
import type { Hop, Verdict } from '../../engine/walk/types';
import type { TopologyLayout } from '../../worker/layout';
import { headerLine, outerLine, toneOf } from '../hop-format';
import { along, tracePath, type Pt, type TracePath } from './path';
import { drawFrame, drawNodeContents } from './scene';

export interface TraceView {
  hops: Hop[];
  places: HopPlace[];
  verdict: Verdict | undefined;
  reply: boolean;
}

export interface TopologyRenderer {
  /** `places`: where the trace about to be shown goes (drawn first on a big cluster). */
  setModel(topology: Topology, layout: TopologyLayout, places?: HopPlace[]): void;
  setTrace(trace: TraceView | null): void;
  /** Shows hop `index`; `travelMs` > 0 animates the packet from the previous hop. */
  setHop(index: number, travelMs: number): void;
  fit(animate?: boolean): void;
  /** Fits the whole picture, or the trace's path when the whole would be too small to read. */
  framePath(animate?: boolean): void;
  zoomBy(factor: number): void;
  /** Virtual-clock frame for exports: hop `index` with the packet `t` (0..1) of the way there. */
  seekFrame(index: number, t: number): void;
  destroy(): void;
}

type G = Selection<SVGGElement, unknown, null, undefined>;

const ease = (t: number) => (t < 0.5 ? 4 * t * t * t : 1 - Math.pow(-2 * t + 2, 3) / 2);

/** Past this many drawn elements, the interactive canvas draws the nodes off the path in later frames. */
const PROGRESSIVE_BOXES = 300;
/** Nodes drawn per frame after the first. */
const NODES_PER_FRAME = 6;

/**
 * `progressive`: on a big cluster, draw the nodes the trace passes at once and the others a few
 * per animation frame, so that no single task draws the whole picture (the live canvas; exports
 * and the embed draw everything at once).
 */
export function createTopologyRenderer(svgEl: SVGSVGElement, options: { progressive?: boolean } = {}): TopologyRenderer {
  const svg = select(svgEl);
  const viewport: G = svg.append('g').attr('class', 'topo');
  const scene: G = viewport.append('g');
  const pathLayer = viewport.append('path').attr('class', 'path').attr('aria-hidden', 'true');
  const packet: G = viewport.append('g').attr('class', 'packet').attr('aria-hidden', 'true').style('display', 'none');
  // The header tag sits to the right of the packet, or to its left near the picture's right edge.
  const tag = packet.append('g');
  const outer = tag.append('g').attr('class', 'outer-wrap');
  const outerRect = outer.append('rect').attr('class', 'outer').attr('rx', 7);
  const outerText = outer.append('text').attr('class', 'outer-label');
  const body = tag.append('rect').attr('class', 'body').attr('rx', 5);
  const label = tag.append('text');
  packet.append('circle').attr('r', 6).attr('class', 'body');
  let tagRight = 0;
  let tagShift = 0;

  let topology: Topology | null = null;
  let layout: TopologyLayout | null = null;
  let trace: TraceView | null = null;
  let geometry: TracePath | null = null;
  let current = -1;
  let raf = 0;

  const z: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.05, 4])
    .on('zoom', (e: { transform: { toString(): string } }) => viewport.attr('transform', e.transform.toString()));
  svg.call(z).on('dblclick.zoom', null);

  function placePacket(p: Pt): void {
    packet.attr('transform', `translate(${p[0]},${p[1]})`);
    const shift = layout && p[0] + tagRight > layout.width - 4 ? -(tagRight + 10) : 0;
    if (shift !== tagShift) {
      tagShift = shift;
      tag.attr('transform', shift ? `translate(${shift},0)` : null);
    }
  }

  /** Header label for a hop: inner header, and the outer header when encapsulated. */
  function showHeaders(i: number): void {
    if (!trace) return;
    const hop = trace.hops[i];
    if (!hop) return;
    const prev = i > 0 ? trace.hops[i - 1] : undefined;
    const tone = toneOf(hop, i === trace.hops.length - 1, trace.verdict);
    packet.attr('class', `packet ${tone}`);
    label.text(headerLine(hop.packet)).attr('x', 18).attr('y', -18);
    const changed = prev && headerLine(prev.packet) !== headerLine(hop.packet);
    label.classed('changed', Boolean(changed && hop.kind === 'nat'));
    const w = (label.node()?.getComputedTextLength() ?? 200) + 16;
    body.attr('x', 10).attr('y', -34).attr('width', w).attr('height', 24);
    tagRight = 10 + w;
    const o = outerLine(hop.packet);
    outer.style('display', o ? 'inline' : 'none');
    if (o) {
      outerText.text(o).attr('x', 14).attr('y', -42);
      const ow = Math.max(w, (outerText.node()?.getComputedTextLength() ?? 0) + 12) + 8;
      outerRect.attr('x', 6).attr('y', -58).attr('width', ow).attr('height', 52);
      tagRight = Math.max(tagRight, 6 + ow);
    }
  }

  // Element index and the marks currently set: a hop step touches only what changes, so stepping
  // stays cheap on clusters with thousands of elements.
  let byId = new Map<string, SVGGElement[]>();
  let marked: { current?: string; lit?: string; dropped?: string } = {};

  function indexScene(): void {
    byId = new Map();
    indexMore(scene.node()!);
    marked = {};
  }

  /** Adds the elements under `root` to the index (a chunk drawn later). */
  function indexMore(root: Element): void {
    for (const el of root.querySelectorAll<SVGGElement>('[data-id]')) {
      const id = el.getAttribute('data-id') ?? '';
      const list = byId.get(id);
      if (list) list.push(el);
      else byId.set(id, [el]);
    }
  }

  let pendingNodes: string[] = [];
  let chunkRaf = 0;
  /** Draws the nodes the path passes now, the others a few per frame (see `progressive`). */
  function drawModel(t: Topology, L: TopologyLayout, places: HopPlace[]): void {
    cancelAnimationFrame(chunkRaf);
    drawFrame(scene, t, L);
    const all = t.nodes.map((n) => n.id);
    const big = options.progressive === true && Object.keys(L.boxes).length > PROGRESSIVE_BOXES;
    const onPath = new Set(places.map((p) => L.nodeOf[p.at]).filter((x): x is string => !!x));
    const first = big ? all.filter((id) => onPath.has(id)) : all;
    pendingNodes = big ? all.filter((id) => !onPath.has(id)) : [];
    drawNodeContents(scene, t, L, new Set(first));
    if (pendingNodes.length) chunkRaf = requestAnimationFrame(drawChunk);
  }

  function drawChunk(): void {
    chunkRaf = 0;
    if (!topology || !layout) return;
    const chunk = pendingNodes.splice(0, NODES_PER_FRAME);
    for (const el of drawNodeContents(scene, topology, layout, new Set(chunk))) indexMore(el);
    markPath();
    if (pendingNodes.length) chunkRaf = requestAnimationFrame(drawChunk);
  }

  function toggle(id: string | undefined, cls: string, on: boolean): void {
    if (!id) return;
    for (const el of byId.get(id) ?? []) el.classList.toggle(cls, on);
  }

  /** Path membership: once per trace. */
  function markPath(): void {
    const onPath = new Set<string>();
    if (trace) for (const p of trace.places) onPath.add(p.at);
    if (trace) for (const p of trace.places) if (p.service) onPath.add(p.service);
    const nodesOnPath = new Set([...onPath].map((id) => layout?.nodeOf[id]).filter(Boolean));
    viewport.classed('tracing', Boolean(trace && trace.hops.length > 0));
    for (const [id, els] of byId) {
      const on = onPath.has(id) || (id.startsWith('drop:') && (nodesOnPath.has(id.slice(5)) || onPath.has(id.slice(5))));
      for (const el of els) el.classList.toggle('on-path', on);
    }
    scene.selectAll<SVGPathElement, unknown>('path.link').classed('on-path', function () {
      return onPath.has(this.getAttribute('data-from') ?? '') && onPath.has(this.getAttribute('data-to') ?? '');
    });
  }

  /** The current hop's marks: a handful of elements per step. */
  function markElements(): void {
    const here = trace?.places[current];
    const last = trace ? trace.hops.length - 1 : -1;
    const next = {
      current: here?.at,
      lit: here?.service,
      dropped: trace && trace.verdict && trace.verdict !== 'delivered' && current === last ? here?.at : undefined,
    };
    for (const key of ['current', 'lit', 'dropped'] as const) {
      if (marked[key] === next[key]) continue;
      toggle(marked[key], key, false);
      toggle(next[key], key, true);
    }
    marked = next;
  }

  function drawPath(): void {
    if (!geometry || !trace || trace.hops.length === 0) {
      pathLayer.attr('d', null);
      packet.style('display', 'none');
      return;
    }
    const [first, ...rest] = geometry.segments;
    const pts = [...(first ?? []), ...rest.flat()];
    pathLayer.attr('d', `M${pts.map((p) => p.join(',')).join('L')}`).classed('reply', trace.reply);
    packet.style('display', 'inline');
  }

  function recompute(): void {
    geometry = layout && trace && topology ? tracePath(layout, trace.places, topology.underlay.id) : null;
    drawPath();
  }

  function frame(box: { x: number; y: number; w: number; h: number }, animate: boolean): void {
    const w = svgEl.clientWidth || 800;
    const h = svgEl.clientHeight || 600;
    const k = Math.min(1.2, (w - 32) / box.w, (h - 64) / box.h);
    const tx = (w - box.w * k) / 2 - box.x * k;
    const ty = Math.max(48 - box.y * k, (h - box.h * k) / 2 - box.y * k);
    const target = zoomIdentity.translate(tx, ty).scale(k);
    if (animate) svg.transition().duration(300).call(z.transform, target);
    else svg.call(z.transform, target);
  }

  const api: TopologyRenderer = {
    setModel(t, L, places) {
      const first = topology === null;
      topology = t;
      layout = L;
      drawModel(t, L, places ?? trace?.places ?? []);
      indexScene();
      recompute();
      markPath();
      markElements();
      const at = current >= 0 ? geometry?.points[current] : undefined;
      if (at) placePacket(at);
      if (first) api.framePath(false);
    },
    setTrace(tr) {
      cancelAnimationFrame(raf);
      const hadTrace = trace !== null;
      trace = tr;
      current = -1;
      recompute();
      markPath();
      markElements();
      if (tr) api.framePath(hadTrace);
    },
    setHop(index, travelMs) {
      if (!geometry || !trace) return;
      cancelAnimationFrame(raf);
      const to = geometry.points[index];
      if (!to) return;
      const from = current >= 0 ? geometry.points[current] : undefined;
      const way = geometry.segments[index] ?? [to];
      const forward = index === current + 1 && from !== undefined;
      current = index;
      markElements();
      if (!forward || travelMs <= 0 || matchMedia('(prefers-reduced-motion: reduce)').matches) {
        showHeaders(index);
        placePacket(to);
        return;
      }
      // Travel with the previous headers; the new ones appear on arrival (NAT, encap, decap).
      showHeaders(index - 1);
      const start = performance.now();
      const step = (now: number) => {
        const t = Math.min(1, (now - start) / travelMs);
        placePacket(along(from, way, ease(t)));
        if (t < 1) raf = requestAnimationFrame(step);
        else showHeaders(index);
      };
      raf = requestAnimationFrame(step);
    },
    fit(animate = true) {
      if (!layout) return;
      frame({ x: 0, y: 0, w: layout.width, h: layout.height }, animate);
    },
    framePath(animate = true) {
      if (!layout) return;
      const w = svgEl.clientWidth || 800;
      const h = svgEl.clientHeight || 600;
      const whole = Math.min((w - 32) / layout.width, (h - 32) / layout.height);
      const pts = geometry?.segments.flat() ?? [];
      // Small clusters show whole; in big ones, zoom to the packet's path so the text stays legible.
      if (whole >= 0.62 || pts.length === 0) return api.fit(animate);
      const xs = pts.map((p) => p[0]);
      const ys = pts.map((p) => p[1]);
      const pad = 110;
      const x0 = Math.min(...xs) - pad;
      const y0 = Math.min(...ys) - pad;
      frame({ x: x0, y: y0, w: Math.max(...xs) + pad - x0, h: Math.max(...ys) + pad - y0 }, animate);
    },
    seekFrame(index, t) {
      if (!geometry || !trace) return;
      cancelAnimationFrame(raf);
      const to = geometry.points[index];
      if (!to) return;
      const from = index > 0 ? geometry.points[index - 1] : undefined;
      current = index;
      markElements();
      // As setHop's animation: the previous headers travel, the new ones appear on arrival.
      if (!from || t >= 1) {
        showHeaders(index);
        placePacket(to);
        return;
      }
      showHeaders(index - 1);
      placePacket(along(from, geometry.segments[index] ?? [to], ease(Math.max(0, t))));
    },
    zoomBy(factor) {
      svg.transition().duration(200).call(z.scaleBy, factor);
    },
    destroy() {
      cancelAnimationFrame(raf);
      cancelAnimationFrame(chunkRaf);
      svg.on('.zoom', null);
      viewport.remove();
    },
  };
  return api;
}
