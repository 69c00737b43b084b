import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel, runTrace } from '../index';
import { deriveTopology } from './derive';
import { outsideHosts, tracePicture } from './trace-picture';
import type { Trace } from '../walk/types';

const preset = (f: string) => buildModel(readFileSync(new URL(`../../presets/${f}`, import.meta.url), 'utf8'));

describe('the picture a trace is drawn on', () => {
  it('adds a box for the outside client of a NodePort trace and places the first hop on it', () => {
    const m = preset('nodeport.yaml');
    const base = deriveTopology(m.cluster, m.dataplane);
    const t = runTrace(m, { from: 'external/203.0.113.50', to: 'svc/default/web' }) as Trace;
    expect(outsideHosts(base, t)).toEqual(['203.0.113.50']);
    const pic = tracePicture(m.cluster, m.dataplane, base, t);
    expect(pic.shown.externals.map((e) => e.id)).toContain('ext:203.0.113.50');
    expect(pic.places[0]!.at).toBe('ext:203.0.113.50');
    // The reply ends there too: the client sees the node's address.
    expect(pic.replyPlaces[pic.replyPlaces.length - 1]!.at).toBe('ext:203.0.113.50');
  });

  it('never draws a cluster address as an outside host', () => {
    const m = preset('dns-external.yaml');
    const base = deriveTopology(m.cluster, m.dataplane);
    const t = runTrace(m, { from: 'pod/default/client', to: 'dns:example.com', port: 443 }) as Trace;
    const nodeIps = new Set(m.cluster.nodes.map((n) => n.ip));
    for (const ip of outsideHosts(base, t)) expect(nodeIps.has(ip)).toBe(false);
  });

  it('keeps the topology when the trace stays inside the cluster', () => {
    const m = preset('demo.yaml');
    const base = deriveTopology(m.cluster, m.dataplane);
    const t = runTrace(m, { from: 'pod/default/frontend', to: 'svc/default/backend:http' }) as Trace;
    expect(tracePicture(m.cluster, m.dataplane, base, t).topology).toBe(base);
  });
});
