import { describe, expect, it } from 'vitest';
import { buildCluster } from './index';
import { manifests } from './test-manifests';

describe('NetworkPolicy, Ingress, IngressClass, Namespace', () => {
  const { cluster } = buildCluster(manifests(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'db', namespace: 'shop' }, spec: {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } }, namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] } },
        { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 5432 }, { protocol: 'UDP', port: 'dns', endPort: 60 }] }],
      egress: [{}],
    } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop', namespace: 'shop' }, spec: { defaultBackend: { service: { name: 'x', port: { number: 80 } } } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } },
  ));

  it('reads rules, peers and ports; policyTypes default as the API server sets them', () => {
    const [db, deny] = cluster.networkPolicies;
    expect(db?.policyTypes).toEqual(['Ingress', 'Egress']); // egress rules present
    expect(deny?.policyTypes).toEqual(['Ingress']);
    expect(deny?.podSelector).toEqual({ matchLabels: {}, matchExpressions: [] });
    expect(db?.ingress[0]?.peers).toEqual([
      { podSelector: { matchLabels: { app: 'api' }, matchExpressions: [] }, namespaceSelector: { matchLabels: {}, matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] } },
      { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
    ]);
    expect(db?.ingress[0]?.ports).toEqual([{ protocol: 'TCP', port: 5432 }, { protocol: 'UDP', port: 'dns', endPort: 60 }]);
    expect(db?.egress).toEqual([{ peers: [], ports: [] }]);
  });

  it('reads IngressClass and namespaces (labelled with their name, as the API server does)', () => {
    expect(cluster.ingressClasses).toEqual([{ name: 'nginx', controller: 'k8s.io/ingress-nginx', isDefault: true }]);
    // DefaultIngressClass admission: a class-less Ingress gets the one default class.
    expect(cluster.ingresses[0]).toMatchObject({ ingressClassName: 'nginx', defaultBackend: { service: 'x', port: 80 } });
    expect(cluster.namespaces.find((n) => n.name === 'shop')?.labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'shop' });
  });
});
