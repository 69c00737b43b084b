import { useEffect, useRef } from 'react';
import { selectHops, selectPlaces, useAppStore, type AppData } from '../../state/store';
import { HOP_MS } from '../playback';
import { ChainLadder } from './ChainLadder';
import { Legend } from './Legend';
import { createTopologyRenderer, type TopologyRenderer } from './renderer';

const traceKey = (s: AppData) => [s.trace, s.direction, s.places, s.replyPlaces] as const;

export function TopologyCanvas() {
  const svgRef = useRef<SVGSVGElement>(null);
  const renderer = useRef<TopologyRenderer | null>(null);
  const hasTopology = useAppStore((s) => s.topology !== null);
  const stale = useAppStore((s) => s.build.status === 'invalid' && s.topology !== null);
  const summary = useAppStore((s) => (s.topology ? `${s.topology.nodes.length} nodes, ${s.topology.pods.length} pods, ${s.topology.services.length} services, ${s.topology.cni}` : ''));

  // The renderer lives as long as the canvas; store changes reach it without React re-rendering.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const r = createTopologyRenderer(svg, { progressive: true });
    renderer.current = r;
    const push = (s: AppData, prev: AppData | null) => {
      if (s.topology && s.layout && (!prev || s.layout !== prev.layout)) r.setModel(s.topology, s.layout, selectPlaces(s));
      const hops = selectHops(s);
      const traceChanged = !prev || traceKey(s).some((v, i) => v !== traceKey(prev)[i]) || s.layout !== prev.layout;
      if (traceChanged) {
        const verdict = s.direction === 'reply' ? s.trace?.reply?.verdict : s.trace?.verdict;
        r.setTrace(s.trace ? { hops, places: selectPlaces(s), verdict, reply: s.direction === 'reply' } : null);
      }
      if (traceChanged || !prev || s.hop !== prev.hop) {
        const stepped = prev && !traceChanged && s.hop === prev.hop + 1;
        r.setHop(s.hop, stepped ? (HOP_MS / s.speed) * 0.7 : 0);
      }
    };
    push(useAppStore.getState(), null);
    const unsub = useAppStore.subscribe((s, prev) => push(s, prev));
    const ro = new ResizeObserver(() => r.framePath(false));
    ro.observe(svg);
    return () => {
      ro.disconnect();
      unsub();
      r.destroy();
      renderer.current = null;
    };
  }, []);

  return (
    <div className="canvas">
      <svg ref={svgRef} role="img" aria-label={summary ? `Cluster topology: ${summary}` : 'Cluster topology'} />
      {!hasTopology && <div className="canvas-empty">Building the cluster…</div>}
      {stale && <div className="stale-banner">Showing the last valid cluster: fix the manifests to update it.</div>}
      <div className="canvas-tools">
        <button type="button" className="btn" onClick={() => renderer.current?.fit()}>
          Fit
        </button>
        <button type="button" className="btn icon" aria-label="Zoom in" onClick={() => renderer.current?.zoomBy(1.3)}>
          +
        </button>
        <button type="button" className="btn icon" aria-label="Zoom out" onClick={() => renderer.current?.zoomBy(1 / 1.3)}>
          −
        </button>
      </div>
      <ChainLadder />
      <Legend />
    </div>
  );
}
