import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { tolerates } from './scheduling';
import { deployment, manifests, profile } from './test-manifests';

describe('tolerates (k8s.io/api core/v1 Toleration.ToleratesTaint)', () => {
  const cp = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const };
  it('follows key, operator, value and effect', () => {
    expect(tolerates({ key: cp.key, effect: 'NoSchedule' }, cp)).toBe(true); // empty operator = Equal, '' == ''
    expect(tolerates({ key: cp.key, operator: 'Exists' }, cp)).toBe(true);
    expect(tolerates({ operator: 'Exists' }, cp)).toBe(true); // empty key + Exists: every taint
    expect(tolerates({ key: cp.key, effect: 'NoExecute' }, cp)).toBe(false);
    expect(tolerates({ key: cp.key, operator: 'Equal', value: 'x' }, cp)).toBe(false);
    expect(tolerates({ key: 'other', operator: 'Exists' }, cp)).toBe(false);
  });
});

describe('scheduling', () => {
  const nodesOf = (c: ReturnType<typeof buildCluster>['cluster'], app: string) => c.pods.filter((p) => p.labels['app'] === app).map((p) => p.node);

  it('spreads over the untainted workers (fewest pods, then node order)', () => {
    // CoreDNS already runs one pod on each worker; the control plane is tainted NoSchedule.
    expect(nodesOf(buildCluster(manifests(deployment('web', 4))).cluster, 'web')).toEqual(['k8s-w1', 'k8s-w2', 'k8s-w1', 'k8s-w2']);
  });

  it('honours nodeSelector', () => {
    const d = deployment('pinned', 2, { podSpec: { nodeSelector: { 'kubernetes.io/hostname': 'k8s-w2' } } });
    expect(nodesOf(buildCluster(manifests(d)).cluster, 'pinned')).toEqual(['k8s-w2', 'k8s-w2']);
  });

  it('places on the control plane only with a toleration and a matching selector', () => {
    const tol = [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }];
    const sel = { 'node-role.kubernetes.io/control-plane': '' };
    const ok = deployment('ok', 1, { podSpec: { tolerations: tol, nodeSelector: sel } });
    const stuck = deployment('stuck', 1, { podSpec: { nodeSelector: sel } });
    const { cluster, problems } = buildCluster(manifests(ok, stuck));
    expect(nodesOf(cluster, 'ok')).toEqual(['k8s-m']);
    const pending = cluster.pods.find((p) => p.labels['app'] === 'stuck');
    expect([pending?.phase, pending?.node, pending?.ip]).toEqual(['Pending', '', '']);
    expect(problems.filter((p) => p.code === 'unschedulable').map((p) => p.doc)).toEqual([1]);
  });

  it('keeps spec.nodeName and reports an unknown node', () => {
    const { cluster, problems } = buildCluster(manifests({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lost', namespace: 'default' }, spec: { nodeName: 'k8s-w9', containers: [] },
    }));
    expect(cluster.pods.find((p) => p.name === 'lost')?.node).toBe('k8s-w9');
    expect(problems).toContainEqual(expect.objectContaining({ code: 'dangling-ref', doc: 0, path: 'spec.nodeName' }));
  });

  it('places a pasted pod by status.hostIP when spec.nodeName is missing', () => {
    const { cluster } = buildCluster(manifests({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [] },
      status: { hostIP: '192.168.10.102', podIP: '172.16.0.150' },
    }));
    expect(cluster.pods.find((p) => p.name === 'p')?.node).toBe('k8s-w2');
  });

  it('spreads the same way on a large cluster (least loaded first, node order on ties)', () => {
    const nodes = Array.from({ length: 20 }, (_, i) => ({ name: `n${i}`, ip: `10.0.0.${i + 1}` }));
    const { cluster } = buildCluster(manifests(profile({ nodes }), deployment('web', 45)));
    // CoreDNS took n0 and n1; then n2..n19 reach 1 pod, all reach 2, and n0..n6 get a third.
    const expected = [...nodes.slice(2), ...nodes, ...nodes.slice(0, 7)].map((n) => n.name);
    expect(nodesOf(cluster, 'web')).toEqual(expected);
  });
});
