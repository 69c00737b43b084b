import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngineHost } from './engine-host';
import type { BuildResult, TraceResult } from './protocol';

const preset = (f: string) => readFileSync(new URL(`../presets/${f}`, import.meta.url), 'utf8');

describe('engine host', () => {
  it('draws a box for each outside host a trace talks to, and none for cluster addresses', () => {
    const host = createEngineHost(() => 0);
    const built = host.handle({ id: 1, type: 'build', text: preset('dns-external.yaml') });
    const b = (built as { result: BuildResult }).result;
    expect(b.ok).toBe(true);
    const nodeIps = b.topology!.nodes.map((n) => n.ip);
    // CoreDNS forwards upstream from its pod, masqueraded to its node's address: the upstream
    // resolver sees the node as the source, which is no outside host.
    const res = host.handle({ id: 2, type: 'trace', request: { from: 'pod/default/client', to: 'dns:example.com', proto: 'tcp', port: 443 } });
    const t = (res as { result: TraceResult }).result;
    expect(t.trace?.verdict).toBe('delivered');
    const externals = (t.topology ?? b.topology!).externals.map((e) => e.ip);
    expect(externals).toContain(t.trace!.delivered!.ip);
    for (const ip of nodeIps) expect(externals).not.toContain(ip);
  });

  it('answers an invalid build with the last good model and which text it came from', () => {
    const host = createEngineHost(() => 0);
    const build = (id: number, text: string) => (host.handle({ id, type: 'build', text }) as { result: BuildResult }).result;
    const a = build(1, preset('demo.yaml'));
    const b = build(2, preset('nodeport.yaml'));
    expect(b.model).not.toBe(a.model);
    // The app may have dropped b as superseded and still show a: the invalid answer names b's model.
    const bad = build(3, 'kind: [');
    expect(bad.ok).toBe(false);
    expect(bad.model).toBe(b.model);
    expect(bad.topology?.services.map((s) => s.name)).toEqual(b.topology?.services.map((s) => s.name));
    expect(build(4, preset('demo.yaml')).model).toBe(a.model);
  });
});
