import type { ManifestObject } from '../parse/types';
import { NO_SOURCE, type SourceRef } from '../problems';
import { asText, at, labelsOf } from './manifest-fields';
import type { ClusterSettings, Namespace } from './types';

/** The namespaces every kubeadm cluster starts with. */
export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * kubeadm's CoreDNS Corefile (cmd/kubeadm/app/phases/addons/dns/manifests.go, Kubernetes 1.31,
 * the version DESIGN targets). Kubernetes 1.32 added a `cache 30 { disable success/denial <domain> }`
 * block (kubernetes#128359); a pasted ConfigMap with that text is honoured as is.
 */
export function kubeadmCorefile(domain: string): string {
  return `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${domain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;
}

export function corefileFrom(objects: ManifestObject[], settings: ClusterSettings): string {
  for (const o of objects) {
    if (o.kind === 'ConfigMap' && o.namespace === 'kube-system' && o.name === 'coredns') {
      const text = asText(at(o.body, 'data', 'Corefile'));
      if (text) return text;
    }
  }
  return kubeadmCorefile(settings.clusterDomain);
}

/** An object the cluster builder adds itself (no position in the user's text). */
export function builtIn(kind: string, apiVersion: string, namespace: string, name: string, body: Record<string, unknown>): ManifestObject {
  return {
    kind,
    apiVersion,
    name,
    namespace,
    body: { apiVersion, kind, ...body },
    source: NO_SOURCE,
    index: -1,
    locate: () => NO_SOURCE,
  };
}

export function isBuiltIn(o: ManifestObject): boolean {
  return o.index === -1;
}

/** Where an object sits in the user's text; undefined for objects the builder added. */
export function sourceOf(o: ManifestObject): SourceRef | undefined {
  return isBuiltIn(o) ? undefined : o.source;
}

const CONTROL_PLANE_TOLERATION = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/** kubeadm's CoreDNS Deployment (same manifests.go), trimmed to what networking needs. */
function corednsDeployment(): ManifestObject {
  const labels = { 'k8s-app': 'kube-dns' };
  return builtIn('Deployment', 'apps/v1', 'kube-system', 'coredns', {
    metadata: { name: 'coredns', namespace: 'kube-system', labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, CONTROL_PLANE_TOLERATION],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [{
            name: 'coredns',
            image: 'registry.k8s.io/coredns/coredns:v1.11.3',
            args: ['-conf', '/etc/coredns/Corefile'],
            ports: [
              { containerPort: 53, name: 'dns', protocol: 'UDP' },
              { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
              { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
            ],
          }],
          dnsPolicy: 'Default',
        },
      },
    },
  });
}

function kubeDnsService(settings: ClusterSettings): ManifestObject {
  return builtIn('Service', 'v1', 'kube-system', 'kube-dns', {
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    },
    spec: {
      clusterIP: settings.clusterDNS,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
      selector: { 'k8s-app': 'kube-dns' },
    },
  });
}

/** The service kube-apiserver maintains itself (no selector; endpoints are the control plane). */
function kubernetesService(): ManifestObject {
  return builtIn('Service', 'v1', 'default', 'kubernetes', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  });
}

/** What kubeadm creates that the input does not already contain, to put before the user's objects. */
export function kubeadmObjects(objects: ManifestObject[], settings: ClusterSettings): ManifestObject[] {
  let hasCoreDns = false;
  let hasKubeDns = false;
  let hasKubernetes = false;
  for (const o of objects) {
    const ns = o.namespace ?? 'default';
    if (o.kind === 'Service' && ns === 'kube-system' && o.name === 'kube-dns') hasKubeDns = true;
    if (o.kind === 'Service' && ns === 'default' && o.name === 'kubernetes') hasKubernetes = true;
    if (o.kind === 'Deployment' && ns === 'kube-system' && o.name === 'coredns') hasCoreDns = true;
    // CoreDNS pasted as its ReplicaSet or its pods (kubectl get pods -A) also counts.
    if ((o.kind === 'Pod' || o.kind === 'ReplicaSet') && ns === 'kube-system' && labelsOf(o.body)['k8s-app'] === 'kube-dns') hasCoreDns = true;
  }
  const out: ManifestObject[] = [];
  if (!hasKubernetes) out.push(kubernetesService());
  if (!hasKubeDns) out.push(kubeDnsService(settings));
  if (!hasCoreDns) out.push(corednsDeployment());
  return out;
}

export function buildNamespaces(objects: ManifestObject[]): Namespace[] {
  const byName = new Map<string, Namespace>();
  const add = (name: string, labels: Record<string, string> = {}) => {
    // The API server labels every namespace with its own name (since 1.21).
    const ns: Namespace = { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } };
    const prev = byName.get(name);
    byName.set(name, prev && Object.keys(labels).length === 0 ? prev : ns);
  };
  for (const n of DEFAULT_NAMESPACES) add(n);
  for (const o of objects) if (o.kind === 'Namespace' && o.name) add(o.name, labelsOf(o.body));
  for (const o of objects) if (o.namespace && !byName.has(o.namespace)) add(o.namespace);
  return [...byName.values()];
}
