import { describe, expect, it } from 'vitest';
import { benchManifests } from '../../../bench/generate';
import { buildModel } from '../index';
import { deriveTopology } from './derive';
import { focusTopology } from './focus';
import type { Topology } from './types';

function topologyOf(text: string): Topology {
  const m = buildModel(text);
  return deriveTopology(m.cluster, m.dataplane);
}

/** Every element a link or a node refers to is in the picture. */
function consistent(t: Topology): void {
  const ids = new Set<string>([t.underlay.id, ...t.pods.map((p) => p.id), ...t.services.map((s) => s.id), ...t.externals.map((e) => e.id)]);
  for (const n of t.nodes) for (const id of [n.id, n.stackId, ...n.interfaces.map((i) => i.id)]) ids.add(id);
  for (const n of t.nodes) for (const p of n.pods) expect(ids.has(p)).toBe(true);
  for (const l of t.links) expect(ids.has(l.from) && ids.has(l.to), l.id).toBe(true);
}

describe('focusTopology', () => {
  it('leaves a small cluster as it is', () => {
    const t = topologyOf(benchManifests({ services: 3, nodes: 3 }));
    expect(focusTopology(t, new Set())).toBe(t);
  });

  const big = topologyOf(benchManifests({ services: 1_000, nodes: 30 }));

  it('draws 120 pods across 30 nodes, 16 Services, and counts the rest', () => {
    const f = focusTopology(big, new Set());
    consistent(f);
    for (const n of f.nodes) expect(n.pods.length).toBeLessThanOrEqual(4);
    const drawn = f.nodes.reduce((a, n) => a + n.pods.length, 0);
    const hidden = f.nodes.reduce((a, n) => a + (n.hiddenPods ?? 0), 0);
    expect(drawn + hidden).toBe(big.pods.length);
    expect(f.pods.length).toBe(drawn);
    expect(f.services).toHaveLength(16);
    expect(f.hiddenServices).toBe(big.services.length - 16);
    // The pods left out take their host-side veths with them.
    const shown = new Set(f.pods.map((p) => p.id));
    const veths = f.nodes.flatMap((n) => n.interfaces.filter((i) => i.role === 'pod-veth').map((i) => i.id));
    for (const p of big.pods) if (p.hostIface && !shown.has(p.id)) expect(veths).not.toContain(p.hostIface);
    // Cluster DNS comes first among the pods that nothing asks for, and kube-dns among the Services.
    for (const p of big.pods.filter((x) => x.dnsServer)) expect(shown.has(p.id)).toBe(true);
    expect(f.services.map((s) => s.name)).toContain('kube-dns');
  });

  it('always draws what the trace passes, beyond the limits', () => {
    const node = big.nodes.find((n) => n.pods.length > 8)!;
    const farPod = big.pods.find((p) => p.id === node.pods[node.pods.length - 1])!;
    const farService = big.services[big.services.length - 1]!;
    const f = focusTopology(big, new Set([farPod.hostIface!, farService.id]));
    consistent(f);
    expect(f.pods.map((p) => p.id)).toContain(farPod.id);
    expect(f.nodes.find((n) => n.id === node.id)!.interfaces.map((i) => i.id)).toContain(farPod.hostIface);
    expect(f.services.map((s) => s.id)).toContain(farService.id);
  });
});
