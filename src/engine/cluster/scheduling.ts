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
  // Pods of one controller share their spec object: filter the nodes once per spec.
  const eligible = new Map<PodSpecInfo, number[]>();
  for (const d of drafts) {
    if (d.pod.node || d.pod.phase === 'Succeeded' || d.pod.phase === 'Failed') continue;
    let candidates = eligible.get(d.spec);
    if (!candidates) {
      candidates = [];
      for (let i = 0; i < nodes.length; i++) if (nodeFits(d.spec, nodes[i] as ClusterNode)) candidates.push(i);
      eligible.set(d.spec, candidates);
    }
    let best = -1;
    let bestLoad = Infinity;
    for (const i of candidates) {
      const l = load[i] ?? 0;
      if (l < bestLoad) {
        best = i;
        bestLoad = l;
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
  }
}
