import { describe, expect, it } from 'vitest';
import { parseManifests } from './index';

/** [code, path, line, col] of each problem. */
const found = (text: string) => parseManifests(text).problems.map((p) => [p.code, p.path, p.line, p.col]);

const svc = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n${spec}\n`;

describe('field validation (Kubernetes kinds)', () => {
  it('bad-port: a port given as letters, or out of 1–65535; the object is dropped', () => {
    const text = svc('  ports:\n  - port: http\n  - port: 70000\n  - port: 0\n  - {port: 53, nodePort: "30053"}');
    // lines: 6 `  - port: http` (value at col 11), 7, 8; line 9 `  - {port: 53, nodePort: "30053"}`, the quote at col 26.
    expect(found(text)).toEqual([
      ['bad-port', 'spec.ports[0].port', 6, 11],
      ['bad-port', 'spec.ports[1].port', 7, 11],
      ['bad-port', 'spec.ports[2].port', 8, 11],
      ['bad-port', 'spec.ports[3].nodePort', 9, 26],
    ]);
    expect(parseManifests(text).objects).toEqual([]);
  });

  it('targetPort and NetworkPolicy ports accept numbers and IANA_SVC_NAME names only', () => {
    // Service defaulting turns targetPort 0 or "" into the port; nodePort 0 means "allocate one".
    const ok = svc('  ports:\n  - {port: 80, targetPort: http-alt}\n  - {port: 81, targetPort: 8081}\n  - {port: 82, targetPort: 0, nodePort: 0}\n  - {port: 83, targetPort: ""}');
    expect(found(ok)).toEqual([]);
    const bad = svc(
      [
        '  ports:',
        '  - {port: 80, targetPort: "8080"}', //      digits only: no letter
        '  - {port: 81, targetPort: Http}', //        upper case
        '  - {port: 82, targetPort: a-very-long-name1}', // 17 characters > 15
        '  - {port: 83, targetPort: -web}', //        leading hyphen
        '  - {port: 84, targetPort: we--b}', //       consecutive hyphens
        '  - {port: 85, targetPort: 65536}', //       number out of range
      ].join('\n'),
    );
    const r = parseManifests(bad).problems;
    expect(r.map((p) => [p.code, p.path])).toEqual([
      ['bad-port-name', 'spec.ports[0].targetPort'],
      ['bad-port-name', 'spec.ports[1].targetPort'],
      ['bad-port-name', 'spec.ports[2].targetPort'],
      ['bad-port-name', 'spec.ports[3].targetPort'],
      ['bad-port-name', 'spec.ports[4].targetPort'],
      ['bad-port', 'spec.ports[5].targetPort'],
    ]);
    expect(r.map((p) => p.message.split(': ').pop())).toEqual([
      'must contain at least one letter (a-z)',
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must be no more than 15 characters',
      'must not begin or end with a hyphen',
      'must not contain consecutive hyphens',
      'must be a port number between 1 and 65535 or a port name, got 65536',
    ]);
    const np = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Sideways]
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/33}}, {podSelector: {matchExpressions: [{key: a, operator: Maybe}]}}]
    ports: [{port: postgres}, {port: 5432, endPort: 70000, protocol: ICMP}, {port: "5432"}]
`;
    expect(parseManifests(np).problems.map((p) => [p.code, p.path])).toEqual([
      ['bad-enum', 'spec.policyTypes[1]'],
      ['bad-cidr', 'spec.ingress[0].from[0].ipBlock.cidr'],
      ['bad-enum', 'spec.ingress[0].from[1].podSelector.matchExpressions[0].operator'],
      ['bad-port', 'spec.ingress[0].ports[1].endPort'],
      ['bad-enum', 'spec.ingress[0].ports[1].protocol'],
      ['bad-port-name', 'spec.ingress[0].ports[2].port'],
    ]);
  });

  it('bad-enum: Service type, protocol, traffic policies, affinity, dnsPolicy', () => {
    const text = svc('  type: NodePorts\n  externalTrafficPolicy: Global\n  sessionAffinity: Sticky\n  ports: [{port: 53, protocol: udp}]');
    expect(found(text)).toEqual([
      ['bad-enum', 'spec.type', 5, 9],
      ['bad-enum', 'spec.externalTrafficPolicy', 6, 26],
      ['bad-enum', 'spec.sessionAffinity', 7, 20],
      // `  ports: [{port: 53, protocol: ` is 31 characters: `udp` starts at column 32.
      ['bad-enum', 'spec.ports[0].protocol', 8, 32],
    ]);
    expect(parseManifests(text).problems[0]!.message).toBe('type: unsupported value "NodePorts": must be one of ClusterIP, NodePort, LoadBalancer, ExternalName');
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  dnsPolicy: clusterFirst\n  containers: [{name: c}]\n';
    expect(found(pod)).toEqual([['bad-enum', 'spec.dnsPolicy', 5, 14]]);
  });

  it('bad-ip and bad-cidr: clusterIP (IP, None or empty), externalIPs, loadBalancerSourceRanges, status IPs', () => {
    expect(found(svc('  clusterIP: None\n  ports: [{port: 80}]'))).toEqual([]);
    expect(found(svc('  clusterIP: ""\n  type: ExternalName\n  externalName: example.com'))).toEqual([]);
    expect(found(svc('  clusterIP: fd00:10:96::1\n  ports: [{port: 80}]'))).toEqual([]);
    const text = svc('  clusterIP: 10.96.0.300\n  externalIPs: [1.2.3]\n  loadBalancerSourceRanges: [10.0.0.0/8, 10.0.0.0]\n  ports: [{port: 80}]');
    expect(found(text)).toEqual([
      ['bad-ip', 'spec.clusterIP', 5, 14],
      ['bad-ip', 'spec.externalIPs[0]', 6, 17],
      ['bad-cidr', 'spec.loadBalancerSourceRanges[1]', 7, 42],
    ]);
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nstatus: {podIP: 172.16.1.x, hostIP: 192.168.10.101}\n';
    expect(found(pod)).toEqual([['bad-ip', 'status.podIP', 4, 17]]);
  });

  it('bad-type: strings, booleans, integers, mappings and lists where the API wants them', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, version: 1.10, enabled: yes}
spec:
  replicas: three
  selector: {matchLabels: [app, web]}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostNetwork: "true"
      containers:
        name: web
`;
    const r = parseManifests(text).problems;
    expect(r.map((p) => [p.code, p.path, p.line, p.col])).toEqual([
      ['bad-type', 'metadata.labels.version', 5, 31],
      ['bad-type', 'metadata.labels.enabled', 5, 46],
      ['bad-type', 'spec.replicas', 7, 13],
      ['bad-type', 'spec.selector.matchLabels', 8, 27],
      ['bad-type', 'spec.template.spec.hostNetwork', 12, 20],
      // a block mapping where a list is needed: reported at its key
      ['bad-type', 'spec.template.spec.containers', 13, 7],
    ]);
    // YAML 1.1 reads `1.10` as the number 1.1 and `yes` as true: the message says to quote them.
    expect(r[0]!.message).toBe('version: must be a string, got the number 1.1 (quote it to keep it as text)');
    expect(r[1]!.message).toContain('got the boolean true (quote it');
  });

  it('missing-field and out-of-range', () => {
    const text = svc('  ports: [{name: http}]\n  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 86401}}');
    expect(found(text)).toEqual([
      // the missing port is reported at the port's mapping (a flow map: its value position)
      ['missing-field', 'spec.ports[0].port', 5, 11],
      ['out-of-range', 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', 7, 54],
    ]);
    const node = 'apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\nspec:\n  taints: [{key: a}]\n';
    // `  taints: [` is 11 characters: the taint's flow mapping opens at column 12.
    expect(found(node)).toEqual([['missing-field', 'spec.taints[0].effect', 5, 12]]);
    // YAML 1.1: a node named `n` is the boolean false, as kubectl would read it.
    const n = parseManifests(node.replace('node-a', 'n')).problems[0]!;
    expect([n.code, n.message]).toEqual(['missing-name', 'name: must be a non-empty string, got false (quote it to keep it as text)']);
  });

  it('accepts a ConfigMap only with string data (what the API server stores)', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n    .:53 {\n        forward . /etc/resolv.conf\n    }\n  retries: 3\n';
    expect(found(cm)).toEqual([['bad-type', 'data.retries', 9, 12]]);
  });

  it('EndpointSlice addresses follow addressType', () => {
    const text = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc12, namespace: shop, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints:
- addresses: [172.16.1.5, "fd00::5", web.example]
  conditions: {ready: true}
ports: [{name: http, port: 8080, protocol: TCP}]
`;
    expect(found(text)).toEqual([
      ['bad-ip', 'endpoints[0].addresses[1]', 6, 27],
      // `- addresses: [172.16.1.5, "fd00::5", ` is 37 characters.
      ['bad-ip', 'endpoints[0].addresses[2]', 6, 38],
    ]);
    expect(found(text.replace('addressType: IPv4', 'addressType: FQDN'))).toEqual([]);
    expect(found(text.replace('addressType: IPv4\n', ''))).toEqual([['missing-field', 'addressType', 1, 1]]);
  });

  it('Node: InternalIP addresses and Calico annotations', () => {
    const text = `apiVersion: v1
kind: Node
metadata:
  name: k8s-w1
  annotations:
    projectcalico.org/IPv4Address: 192.168.10.101/24
    projectcalico.org/IPv4IPIPTunnelAddr: 172.16.194.64
spec:
  podCIDR: 10.244.1.0/24
status:
  addresses:
  - {type: InternalIP, address: 192.168.10.101}
  - {type: Hostname, address: k8s-w1}
`;
    expect(found(text)).toEqual([]);
    const bad = text.replace('/24\n', '/40\n').replace('172.16.194.64', 'tunl0').replace('address: 192.168.10.101}', 'address: k8s-w1}');
    expect(found(bad)).toEqual([
      ['bad-ip', 'status.addresses[0].address', 12, 33],
      ['bad-cidr', 'metadata.annotations["projectcalico.org/IPv4Address"]', 6, 36],
      ['bad-ip', 'metadata.annotations["projectcalico.org/IPv4IPIPTunnelAddr"]', 7, 43],
    ]);
  });

  it('Ingress pathType and backend port', () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - host: shop.example
    http:
      paths:
      - {path: /, pathType: Glob, backend: {service: {name: web, port: {number: 0}}}}
`;
    expect(found(text).map((f) => f[0])).toEqual(['bad-enum', 'bad-port']);
  });
});

describe('field validation (Calico and the Cluster profile)', () => {
  for (const apiVersion of ['crd.projectcalico.org/v1', 'projectcalico.org/v3']) {
    it(`IPPool and BlockAffinity (${apiVersion})`, () => {
      const pool = `apiVersion: ${apiVersion}\nkind: IPPool\nmetadata: {name: default-ipv4-ippool}\nspec: {cidr: 172.16.0.0/16, blockSize: 26, ipipMode: Always, vxlanMode: Never, natOutgoing: true}\n`;
      expect(found(pool)).toEqual([]);
      // Calico allows IPv4 block sizes 20–32 only.
      // `spec: {cidr: 172.16.0.0/16, blockSize: ` is 39 characters.
      expect(found(pool.replace('blockSize: 26', 'blockSize: 16'))).toEqual([['out-of-range', 'spec.blockSize', 4, 40]]);
      // `spec: {cidr: 172.16.0.0/16, blockSize: 26, ipipMode: ` is 53 characters.
      expect(found(pool.replace('ipipMode: Always', 'ipipMode: always'))).toEqual([['bad-enum', 'spec.ipipMode', 4, 54]]);
      expect(found(pool.replace('172.16.0.0/16', '172.16.0/16'))).toEqual([['bad-cidr', 'spec.cidr', 4, 14]]);
      const aff = `apiVersion: ${apiVersion}\nkind: BlockAffinity\nmetadata: {name: k8s-w1-172-16-194-64-26}\nspec: {cidr: 172.16.194.64/26, node: k8s-w1, state: confirmed, deleted: "false"}\n`;
      expect(found(aff)).toEqual([]);
      expect(found(aff.replace(', node: k8s-w1', ''))).toEqual([['missing-field', 'spec.node', 4, 7]]);
    });
  }

  const profile = `apiVersion: packetwalk.dev/v1alpha1
kind: Cluster
metadata: { name: demo }
spec:
  cni: calico
  calico: { encapsulation: IPIP, blockSize: 26, natOutgoing: true }
  podCIDR: 172.16.0.0/16
  serviceCIDR: 10.96.0.0/12
  clusterDomain: cluster.local
  clusterDNS: 10.96.0.10
  upstreamDNS: [1.1.1.1]
  kubeProxy: { mode: iptables, clusterCIDR: 172.16.0.0/16, masqueradeBit: 14, localhostNodePorts: true,
               randomFully: true, nfacct: true }
  nodes:
    - { name: k8s-m,  ip: 192.168.10.10,  role: control-plane }
    - { name: k8s-w1, ip: 192.168.10.101 }
    - { name: k8s-w2, ip: 192.168.10.102 }
`;

  it('accepts the DESIGN.md §3 profile as written', () => {
    const { objects, problems } = parseManifests(profile);
    expect(problems).toEqual([]);
    expect(objects.map((o) => [o.kind, o.name, o.namespace])).toEqual([['Cluster', 'demo', undefined]]);
  });

  it('reports bad enums, addresses and ranges in the profile, and unknown fields as warnings', () => {
    const bad = profile
      .replace('cni: calico', 'cni: cilium')
      .replace('encapsulation: IPIP', 'encapsulation: ipip')
      .replace('clusterDNS: 10.96.0.10', 'clusterDNS: kube-dns')
      .replace('masqueradeBit: 14', 'masqueradeBit: 32')
      .replace('role: control-plane', 'role: master')
      .replace('serviceCIDR', 'serviceCidr');
    expect(found(bad)).toEqual([
      ['bad-enum', 'spec.cni', 5, 8],
      ['bad-enum', 'spec.calico.encapsulation', 6, 28],
      ['unknown-field', 'spec.serviceCidr', 8, 3],
      ['bad-ip', 'spec.clusterDNS', 10, 15],
      ['out-of-range', 'spec.kubeProxy.masqueradeBit', 12, 75],
      // `    - { name: k8s-m,  ip: 192.168.10.10,  role: ` is 48 characters.
      ['bad-enum', 'spec.nodes[0].role', 15, 49],
    ]);
    expect(parseManifests(bad).problems.find((p) => p.code === 'unknown-field')?.severity).toBe('warning');
  });
});
