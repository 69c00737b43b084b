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
});
