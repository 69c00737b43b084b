import { describe, expect, it } from 'vitest';
import { parseManifests } from '../parse';
import { buildCluster } from './index';

// Real exported state (`kubectl get nodes,pods,svc,endpointslices -A -o yaml`, trimmed) from a kubeadm
// + Calico IPIP cluster: every value present must win over allocation.
const EXPORT = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: k8s-m
    annotations:
      projectcalico.org/IPv4Address: 192.168.10.10/24
      projectcalico.org/IPv4IPIPTunnelAddr: 172.16.116.0
    labels:
      kubernetes.io/hostname: k8s-m
      node-role.kubernetes.io/control-plane: ""
  spec:
    podCIDR: 10.244.0.0/24
    taints:
    - effect: NoSchedule
      key: node-role.kubernetes.io/control-plane
  status:
    addresses:
    - address: 192.168.10.10
      type: InternalIP
    - address: k8s-m
      type: Hostname
- apiVersion: v1
  kind: Node
  metadata:
    name: k8s-w1
    annotations:
      projectcalico.org/IPv4Address: 192.168.10.101/24
      projectcalico.org/IPv4IPIPTunnelAddr: 172.16.158.0
  spec:
    podCIDR: 10.244.1.0/24
  status:
    addresses:
    - address: 192.168.10.101
      type: InternalIP
- apiVersion: v1
  kind: Pod
  metadata:
    name: coredns-55cb58b774-6vb7p
    namespace: kube-system
    labels:
      k8s-app: kube-dns
      pod-template-hash: 55cb58b774
    ownerReferences:
    - apiVersion: apps/v1
      controller: true
      kind: ReplicaSet
      name: coredns-55cb58b774
  spec:
    containers:
    - name: coredns
      ports:
      - containerPort: 53
        name: dns
        protocol: UDP
    dnsPolicy: Default
    nodeName: k8s-m
  status:
    phase: Running
    conditions:
    - status: "True"
      type: Ready
    hostIP: 192.168.10.10
    podIP: 172.16.116.1
- apiVersion: v1
  kind: Pod
  metadata:
    name: web
    namespace: default
    labels:
      app: web
  spec:
    containers:
    - name: nginx
      ports:
      - containerPort: 80
    nodeName: k8s-w1
  status:
    phase: Running
    podIP: 172.16.158.1
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-copy
    namespace: default
  spec:
    nodeName: k8s-w1
  status:
    podIP: 172.16.158.1
- apiVersion: v1
  kind: Service
  metadata:
    name: kube-dns
    namespace: kube-system
  spec:
    clusterIP: 10.96.0.10
    ports:
    - name: dns
      port: 53
      protocol: UDP
      targetPort: 53
    selector:
      k8s-app: kube-dns
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: default
  spec:
    clusterIP: 10.105.12.34
    type: NodePort
    ports:
    - nodePort: 30080
      port: 80
      protocol: TCP
      targetPort: 80
    selector:
      app: web
`;

describe('pasted kubectl export', () => {
  const parsed = parseManifests(EXPORT);
  const { cluster, problems } = buildCluster(parsed.objects);

  it('keeps node addresses, taints and Calico tunnel addresses; pins the blocks they sit in', () => {
    expect(cluster.nodes.map((n) => [n.name, n.ip, n.role, n.ipipTunnelAddr, n.calicoBlocks])).toEqual([
      ['k8s-m', '192.168.10.10', 'control-plane', '172.16.116.0', ['172.16.116.0/26']],
      ['k8s-w1', '192.168.10.101', 'worker', '172.16.158.0', ['172.16.158.0/26']],
    ]);
    expect(cluster.nodes[1]?.taints).toEqual([]);
  });

  it('keeps pod and service addresses and adds no second CoreDNS', () => {
    expect(cluster.pods.map((p) => [p.name, p.node, p.ip])).toEqual([
      ['coredns-55cb58b774-6vb7p', 'k8s-m', '172.16.116.1'],
      ['web', 'k8s-w1', '172.16.158.1'],
      ['web-copy', 'k8s-w1', '172.16.158.1'],
    ]);
    const web = cluster.services.find((s) => s.name === 'web');
    expect([web?.clusterIP, web?.ports[0]?.nodePort]).toEqual(['10.105.12.34', 30080]);
    expect(cluster.services.find((s) => s.name === 'kubernetes')?.clusterIP).toBe('10.96.0.1');
  });

  it('reports the duplicate pod IP at the line where it was typed', () => {
    const dup = problems.filter((p) => p.code === 'ip-conflict');
    const line = EXPORT.split('\n').findIndex((l, i) => l.includes('podIP: 172.16.158.1') && i > EXPORT.split('\n').indexOf('    name: web-copy')) + 1;
    expect(dup).toHaveLength(1);
    expect(dup[0]).toMatchObject({ severity: 'error', doc: 0, line, path: 'status.podIP' });
  });
});
