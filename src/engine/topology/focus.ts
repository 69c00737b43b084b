/**
 * The picture of a big cluster: a node with a hundred pods cannot be read, laid out or drawn at
 * 60 fps. Each node shows at most `podsPerNode` pods (fewer when there are many nodes, `pods` in
 * all) and the Services band at most `services` Services; what a trace passes through (`keep`) is
 * always shown, cluster DNS next, then the rest in the topology's own order. The elements left out
 * are counted, so the picture says so.
 */
import type { ElementId, Topology } from './types';

export interface FocusLimits {
  podsPerNode: number;
  /** Pods drawn in all: many nodes get fewer each (never fewer than 3). */
  pods: number;
  services: number;
}

export const DEFAULT_FOCUS_LIMITS: Readonly<FocusLimits> = { podsPerNode: 10, pods: 120, services: 16 };

/** `t` itself when nothing needs leaving out; otherwise a smaller topology with `hidden` counts. */
export function focusTopology(t: Topology, keep: ReadonlySet<ElementId>, limits: FocusLimits = DEFAULT_FOCUS_LIMITS): Topology {
  const podById = new Map(t.pods.map((p) => [p.id, p]));
  const perNode = Math.min(limits.podsPerNode, Math.max(3, Math.floor(limits.pods / Math.max(1, t.nodes.length))));
  const crowded = t.nodes.some((n) => n.pods.length > perNode) || t.services.length > limits.services;
  if (!crowded) return t;

  const shownPods = new Set<ElementId>();
  const nodes = t.nodes.map((n) => {
    if (n.pods.length <= perNode) {
      for (const id of n.pods) shownPods.add(id);
      return n;
    }
    // A hop on the pod's host-side veth keeps the pod too.
    const kept = (id: ElementId) => keep.has(id) || keep.has(podById.get(id)?.hostIface ?? '');
    const rank = (id: ElementId) => (kept(id) ? 0 : podById.get(id)?.dnsServer ? 1 : 2);
    const ordered = n.pods.map((id, i) => ({ id, i })).sort((a, b) => rank(a.id) - rank(b.id) || a.i - b.i);
    const chosen = new Set(ordered.filter((x, k) => k < perNode || kept(x.id)).map((x) => x.id));
    for (const id of chosen) shownPods.add(id);
    const hiddenIfaces = new Set(n.pods.filter((id) => !chosen.has(id)).map((id) => podById.get(id)?.hostIface).filter((x): x is ElementId => !!x));
    return {
      ...n,
      pods: n.pods.filter((id) => chosen.has(id)),
      interfaces: n.interfaces.filter((i) => !hiddenIfaces.has(i.id)),
      hiddenPods: n.pods.length - chosen.size,
    };
  });

  const serviceRank = (id: ElementId, dns: boolean) => (keep.has(id) ? 0 : dns ? 1 : 2);
  const services = t.services
    .map((s, i) => ({ s, i, r: serviceRank(s.id, s.endpoints.some((e) => podById.get(e)?.dnsServer)) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .filter((x, k) => k < limits.services || keep.has(x.s.id))
    .sort((a, b) => a.i - b.i)
    .map((x) => x.s);

  const present = new Set<ElementId>([...shownPods, ...services.map((s) => s.id), ...t.externals.map((e) => e.id), t.underlay.id]);
  for (const n of nodes) {
    present.add(n.id);
    present.add(n.stackId);
    for (const i of n.interfaces) present.add(i.id);
  }
  return {
    ...t,
    nodes,
    pods: t.pods.filter((p) => shownPods.has(p.id)),
    services,
    links: t.links.filter((l) => present.has(l.from) && present.has(l.to)),
    hiddenServices: t.services.length - services.length,
  };
}
