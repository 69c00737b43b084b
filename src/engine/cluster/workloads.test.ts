import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { podTemplateHash } from './pod-names';
import { deployment, manifests } from './test-manifests';

const user = <T extends { namespace: string }>(pods: T[]): T[] => pods.filter((p) => p.namespace !== 'kube-system');

describe('workload controllers', () => {
  it('names Deployment pods <deployment>-<pod-template-hash>-<5 chars>, deterministically', () => {
    const web = deployment('web', 3);
    const hash = podTemplateHash((web['spec'] as { template: unknown }).template);
    const a = buildCluster(manifests(web)).cluster;
    const b = buildCluster(manifests(deployment('web', 3))).cluster;
    const pods = user(a.pods);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(p.owner).toEqual({ kind: 'ReplicaSet', name: `web-${hash}` });
    }
    expect(new Set(pods.map((p) => p.name)).size).toBe(3);
    expect(user(b.pods).map((p) => [p.name, p.node, p.ip])).toEqual(pods.map((p) => [p.name, p.node, p.ip]));
  });

  it('counts pasted pods of a pasted ReplicaSet towards its replicas', () => {
    const rs = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: 'web-5d59d67564', namespace: 'default', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', 'pod-template-hash': '5d59d67564' } }, spec: { containers: [{ name: 'main' }] } } },
    };
    const pod = (name: string, ip: string) => ({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: 'web', 'pod-template-hash': '5d59d67564' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d59d67564', controller: true }] },
      spec: { nodeName: 'k8s-w1', containers: [{ name: 'main' }] },
      status: { phase: 'Running', podIP: ip },
    });
    const { cluster } = buildCluster(manifests(deployment('web', 3), rs, pod('web-5d59d67564-x7k2p', '172.16.0.80'), pod('web-5d59d67564-q9z4w', '172.16.0.81')));
    const pods = user(cluster.pods);
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.name.startsWith('web-5d59d67564-'))).toBe(true);
    expect(pods.filter((p) => p.ip === '172.16.0.80' || p.ip === '172.16.0.81')).toHaveLength(2);
  });

  it('adopts the ReplicaSet name of pasted pods when only Deployment and pods are given', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'web-6b7f9c4d8-abcde', namespace: 'default', labels: { app: 'web', 'pod-template-hash': '6b7f9c4d8' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-6b7f9c4d8' }] },
      spec: { containers: [{ name: 'main' }] },
    };
    const pods = user(buildCluster(manifests(deployment('web', 2), pod)).cluster.pods);
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.owner?.name === 'web-6b7f9c4d8')).toBe(true);
  });

  it('names StatefulSet pods <name>-<ordinal> with hostname and subdomain', () => {
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'data' },
      spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg' }] } } },
    };
    const pods = user(buildCluster(manifests(sts)).cluster.pods);
    expect(pods.map((p) => [p.name, p.hostname, p.subdomain, p.labels['statefulset.kubernetes.io/pod-name']])).toEqual([
      ['db-0', 'db-0', 'db', 'db-0'], ['db-1', 'db-1', 'db', 'db-1'], ['db-2', 'db-2', 'db', 'db-2'],
    ]);
  });

  it('starts StatefulSet ordinals at spec.ordinals.start', () => {
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'default' },
      spec: { replicas: 2, ordinals: { start: 5 }, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg' }] } } },
    };
    expect(user(buildCluster(manifests(sts)).cluster.pods).map((p) => p.name)).toEqual(['db-5', 'db-6']);
  });

  it('gives no address to finished pods or pasted pods still Pending', () => {
    const pod = (name: string, phase: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'k8s-w1', containers: [] }, status: { phase } });
    const pods = user(buildCluster(manifests(pod('done', 'Succeeded'), pod('creating', 'Pending'), pod('up', 'Running'))).cluster.pods);
    // k8s-w1's block 172.16.0.64/26: .64 is tunl0, so the one running pod gets .65 (CoreDNS went to the emptier k8s-w2).
    expect(pods.map((p) => [p.name, p.ip])).toEqual([['done', ''], ['creating', ''], ['up', '172.16.0.65']]);
  });

  it('runs a DaemonSet pod on every node it tolerates', () => {
    const ds = (name: string, tolerations: unknown[]) => ({
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'default' },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { tolerations, containers: [{ name: 'a' }] } } },
    });
    const { cluster } = buildCluster(manifests(ds('agent', []), ds('everywhere', [{ operator: 'Exists' }])));
    const on = (n: string) => cluster.pods.filter((p) => p.labels['app'] === n).map((p) => p.node);
    expect(on('agent')).toEqual(['k8s-w1', 'k8s-w2']);
    expect(on('everywhere')).toEqual(['k8s-m', 'k8s-w1', 'k8s-w2']);
    expect(cluster.pods.filter((p) => p.labels['app'] === 'agent').every((p) => /^agent-[a-z0-9]{5}$/.test(p.name))).toBe(true);
  });

  it('creates parallelism pods for a Job', () => {
    const job = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default' },
      spec: { parallelism: 2, completions: 5, template: { spec: { containers: [{ name: 'pi' }], restartPolicy: 'Never' } } },
    };
    const pods = user(buildCluster(manifests(job)).cluster.pods);
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => /^pi-[a-z0-9]{5}$/.test(p.name) && p.labels['job-name'] === 'pi')).toBe(true);
  });

  it('caps absurd replica counts with a warning instead of hanging', () => {
    const { cluster, problems } = buildCluster(manifests(deployment('huge', 1e9)));
    expect(user(cluster.pods)).toHaveLength(10_000);
    expect(problems).toContainEqual(expect.objectContaining({ code: 'limit', doc: 0, path: 'spec.replicas' }));
  });

  it('gives hostNetwork pods their node address', () => {
    const d = deployment('hn', 1, { podSpec: { hostNetwork: true } });
    const pod = user(buildCluster(manifests(d)).cluster.pods)[0];
    expect(pod?.hostNetwork).toBe(true);
    expect(pod?.ip).toBe(pod?.node === 'k8s-w1' ? '192.168.10.101' : '192.168.10.102');
  });
});
