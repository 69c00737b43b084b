import { problem, type Problem } from '../problems';
import type { ClusterNode, Taint, Toleration } from './types';
import type { PodSpecInfo } from './pod-spec';
import type { PodDraft } from './workloads';

/** kube-scheduler's TaintToleration filter: `ToleratesTaint` from k8s.io/api core/v1. */
export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  // An empty operator means Equal; an empty key with Exists tolerates every taint.
  if (tol.operator === 'Exists') return true;
  return (tol.value ?? '') === (taint.value ?? '');
}

/** The filter plugins we model: NodeName, NodeSelector (labels), TaintToleration. */
export function nodeFits(spec: Pick<PodSpecInfo, 'nodeSelector' | 'tolerations'>, node: ClusterNode): boolean {
  for (const [k, v] of Object.entries(spec.nodeSelector)) if (node.labels[k] !== v) return false;
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!spec.tolerations.some((t) => tolerates(t, taint))) return false;
  }
  return true;
}

/**
 * The control plane of a kubeadm cluster already runs the four static pods (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler), so kube-scheduler's LeastAllocated scoring prefers the
 * workers; we count them as load unless pods were pasted for that node (then those are the truth).
 */
const CONTROL_PLANE_STATIC_PODS = 4;

/**
 * Deterministic scheduling: a fixed node first, then the filters, then spread (fewest pods on the
 * node, ties broken by node order). Unschedulable pods stay Pending with no node and no IP.
 */
export function schedule(drafts: PodDraft[], nodes: ClusterNode[], problems: Problem[]): void {
  const indexOf = new Map(nodes.map((n, i) => [n.name, i]));
  const load = nodes.map(() => 0);
  const pastedOn = new Set<string>();
  for (const d of drafts) {
    if (!d.pod.node) continue;
    if (d.pasted) pastedOn.add(d.pod.node);
    const i = indexOf.get(d.pod.node);
    if (i !== undefined) load[i] = (load[i] ?? 0) + 1;
    else if (d.object) {
      problems.push(problem('warning', 'dangling-ref', `pod ${d.pod.namespace}/${d.pod.name} is on unknown node ${d.pod.node}`,
        d.object.locate(['spec', 'nodeName']), 'spec.nodeName'));
    }
  }
  nodes.forEach((n, i) => {
    if (n.role === 'control-plane' && !pastedOn.has(n.name)) load[i] = (load[i] ?? 0) + CONTROL_PLANE_STATIC_PODS;
  });
  // Most pods carry the same constraints (none): filter the nodes once per distinct constraint set,
  // and keep a least-loaded heap per set for large clusters.
  const groups = new Map<string, { candidates: number[]; heap?: LoadHeap }>();
  for (const d of drafts) {
    if (d.pod.node || d.pod.phase === 'Succeeded' || d.pod.phase === 'Failed') continue;
    const key = constraintKey(d.spec);
    let group = groups.get(key);
    if (!group) {
      const candidates: number[] = [];
      for (let i = 0; i < nodes.length; i++) if (nodeFits(d.spec, nodes[i] as ClusterNode)) candidates.push(i);
      group = candidates.length > 16 ? { candidates, heap: new LoadHeap(candidates, load) } : { candidates };
      groups.set(key, group);
    }
    let best = -1;
    let bestLoad = Infinity;
    if (group.heap) {
      best = group.heap.pop(load);
      bestLoad = load[best] ?? 0;
    } else {
      for (const i of group.candidates) {
        const l = load[i] ?? 0;
        if (l < bestLoad) {
          best = i;
          bestLoad = l;
        }
      }
    }
    const node = nodes[best];
    if (!node) {
      d.pod.phase = 'Pending';
      d.pod.ready = false;
      problems.push(problem('warning', 'unschedulable',
        `pod ${d.pod.namespace}/${d.pod.name} stays Pending: 0/${nodes.length} nodes match its nodeSelector and tolerations`,
        d.pod.source));
      continue;
    }
    d.pod.node = node.name;
    load[best] = bestLoad + 1;
    group.heap?.push(best, bestLoad + 1);
  }
}

function constraintKey(spec: Pick<PodSpecInfo, 'nodeSelector' | 'tolerations'>): string {
  if (spec.tolerations.length === 0) {
    let empty = true;
    for (const _k in spec.nodeSelector) {
      empty = false;
      break;
    }
    if (empty) return '';
  }
  return JSON.stringify([spec.nodeSelector, spec.tolerations]);
}

/**
 * Min-heap of (load, node index) over one set of candidate nodes, so large clusters do not scan
 * every node per pod. Entries go stale when other pods raise a load behind its back (loads only
 * grow); a stale entry is re-pushed with the current load when it surfaces.
 */
class LoadHeap {
  private readonly heap: [number, number][] = [];

  constructor(nodes: number[], load: number[]) {
    for (const i of nodes) this.push(i, load[i] ?? 0);
  }

  private less(a: [number, number], b: [number, number]): boolean {
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  }

  push(node: number, load: number): void {
    const h = this.heap;
    h.push([load, node]);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as [number, number], h[parent] as [number, number])) break;
      [h[i], h[parent]] = [h[parent] as [number, number], h[i] as [number, number]];
      i = parent;
    }
  }

  /** The least loaded node (lowest index on ties), removed until pushed back. */
  pop(load: number[]): number {
    for (;;) {
      const h = this.heap;
      const top = h[0];
      if (!top) return -1;
      const last = h.pop() as [number, number];
      if (h.length) {
        h[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < h.length && this.less(h[l] as [number, number], h[m] as [number, number])) m = l;
          if (r < h.length && this.less(h[r] as [number, number], h[m] as [number, number])) m = r;
          if (m === i) break;
          [h[i], h[m]] = [h[m] as [number, number], h[i] as [number, number]];
          i = m;
        }
      }
      if (top[0] === load[top[1]]) return top[1];
      this.push(top[1], load[top[1]] ?? 0);
    }
  }
}
