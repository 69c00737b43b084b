/**
 * Frames for export. A private copy of the topology renderer draws into an off-screen SVG, driven
 * by a virtual clock (`seekFrame`), so every export is the same whatever the on-screen zoom or
 * animation is doing. Each frame is serialized as a standalone SVG: the `.topo` style rules with
 * every CSS variable resolved to its value (the current theme), system fonts only (nothing is
 * fetched), and a background; PNG, GIF and WebM rasterize that SVG onto a canvas.
 */
import type { Topology } from '../../engine/topology/types';
import { selectHops, selectPlaces, useAppStore, type AppData } from '../../state/store';
import type { TopologyLayout } from '../../worker/layout';
import { createTopologyRenderer, type TopologyRenderer, type TraceView } from '../topology/renderer';

const SVG_NS = 'http://www.w3.org/2000/svg';
const PAD = 20;

export interface FrameSource {
  topology: Topology;
  layout: TopologyLayout;
  trace: TraceView | null;
}

export function frameSourceOf(s: AppData): FrameSource {
  if (!s.topology || !s.layout) throw new Error('There is no cluster picture to export yet.');
  const verdict = s.direction === 'reply' ? s.trace?.reply?.verdict : s.trace?.verdict;
  return { topology: s.topology, layout: s.layout, trace: s.trace ? { hops: selectHops(s), places: selectPlaces(s), verdict, reply: s.direction === 'reply' } : null };
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The `.topo` rules of the page's style sheets, with `var(--x)` replaced by the current values. */
function inlineStyles(): string {
  const rules: string[] = [];
  for (const sheet of [...document.styleSheets]) {
    let list: CSSRuleList;
    try {
      list = sheet.cssRules;
    } catch {
      continue; // a cross-origin sheet: not ours
    }
    for (const r of [...list]) if (r instanceof CSSStyleRule && r.selectorText.includes('.topo')) rules.push(r.cssText);
  }
  const root = getComputedStyle(document.documentElement);
  return rules
    .join('\n')
    .replace(/var\((--[\w-]+)\)/g, (_, name: string) => root.getPropertyValue(name).trim() || 'initial')
    .replace(/transition:[^;]*;/g, '');
}

export interface Stage {
  renderer: TopologyRenderer;
  hopCount: number;
  /** Bounds of the drawing at this frame (its own coordinates). */
  bounds(): Box;
  /** The frame as a standalone SVG document, cropped to `box`. */
  svg(box: Box): string;
  dispose(): void;
}

/** An off-screen renderer for one export; dispose it when done. */
export function openStage(src: FrameSource = frameSourceOf(useAppStore.getState())): Stage {
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.style.cssText = 'position:fixed;left:-30000px;top:0;width:1600px;height:1000px;overflow:hidden;pointer-events:none;visibility:hidden';
  const svgEl = document.createElementNS(SVG_NS, 'svg');
  svgEl.setAttribute('width', '1600');
  svgEl.setAttribute('height', '1000');
  host.append(svgEl);
  document.body.append(host);
  const renderer = createTopologyRenderer(svgEl);
  renderer.setModel(src.topology, src.layout);
  renderer.setTrace(src.trace);
  const css = inlineStyles();
  const background = getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#ffffff';
  const layoutBox: Box = { x: 0, y: 0, w: src.layout.width, h: src.layout.height };
  const topo = () => svgEl.querySelector<SVGGElement>('g.topo');

  return {
    renderer,
    hopCount: src.trace?.hops.length ?? 0,
    bounds() {
      const g = topo();
      const b = g ? g.getBBox() : { x: 0, y: 0, width: 0, height: 0 };
      return union(layoutBox, { x: b.x, y: b.y, w: b.width, h: b.height });
    },
    svg(box) {
      const clone = svgEl.cloneNode(true) as SVGSVGElement;
      clone.querySelector('g.topo')?.removeAttribute('transform');
      const w = Math.ceil(box.w + 2 * PAD);
      const h = Math.ceil(box.h + 2 * PAD);
      clone.setAttribute('xmlns', SVG_NS);
      clone.setAttribute('width', String(w));
      clone.setAttribute('height', String(h));
      clone.setAttribute('viewBox', `${Math.floor(box.x - PAD)} ${Math.floor(box.y - PAD)} ${w} ${h}`);
      const style = document.createElementNS(SVG_NS, 'style');
      style.textContent = css;
      const bg = document.createElementNS(SVG_NS, 'rect');
      bg.setAttribute('x', String(Math.floor(box.x - PAD)));
      bg.setAttribute('y', String(Math.floor(box.y - PAD)));
      bg.setAttribute('width', String(w));
      bg.setAttribute('height', String(h));
      bg.setAttribute('fill', background);
      clone.prepend(style, bg);
      return new XMLSerializer().serializeToString(clone);
    },
    dispose() {
      renderer.destroy();
      host.remove();
    },
  };
}

export function union(a: Box, b: Box): Box {
  if (b.w <= 0 || b.h <= 0) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** Pixel size of an SVG made by `Stage.svg`. */
export function svgSize(markup: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(markup);
  return { width: Number(m?.[1] ?? 0), height: Number(m?.[2] ?? 0) };
}

/** Draws an SVG document onto `canvas` at `scale`, or at exactly `size` (the canvas is resized to fit). */
export async function rasterize(markup: string, scale: number, canvas: HTMLCanvasElement = document.createElement('canvas'), size?: { width: number; height: number }): Promise<HTMLCanvasElement> {
  const { width, height } = svgSize(markup);
  const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const w = size?.width ?? Math.round(width * scale);
    const h = size?.height ?? Math.round(height * scale);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('This browser cannot draw on a canvas.');
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(img, 0, 0, w, h);
    return canvas;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The current hop as it stands after arriving (not mid-travel), the whole picture. */
function currentFrame(stage: Stage): string {
  const s = useAppStore.getState();
  if (stage.hopCount > 0) stage.renderer.seekFrame(Math.min(s.hop, stage.hopCount - 1), 1);
  return stage.svg(stage.bounds());
}

export function exportSvg(): Blob {
  const stage = openStage();
  try {
    return new Blob(['<?xml version="1.0" encoding="UTF-8"?>\n', currentFrame(stage)], { type: 'image/svg+xml' });
  } finally {
    stage.dispose();
  }
}

export async function exportPng(scale = 2): Promise<Blob> {
  const stage = openStage();
  try {
    const canvas = await rasterize(currentFrame(stage), scale);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be encoded.'))), 'image/png'));
  } finally {
    stage.dispose();
  }
}
