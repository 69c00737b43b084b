/**
 * Small clusters written by hand for the kube-proxy tests (the cluster builder is not involved,
 * so these tests pin kube-proxy's algorithm alone). Only the fields kube-proxy reads matter.
 */
import type { Cluster, ClusterNode, Endpoint, KubeProxyConfig, Service, ServicePort } from '../cluster/types';

export function node(name: string, ip: string): ClusterNode {
  return {
    name,
    ip,
    underlayPrefix: 24,
    role: 'worker',
    labels: {},
    taints: [],
    calicoBlocks: [],
    mtu: 1500,
    searchDomains: [],
    source: undefined,
  };
}

/** A ready endpoint; `nodeName` undefined means kube-proxy treats it as remote everywhere. */
export function ep(ip: string, port: number, nodeName?: string, extra: Partial<Endpoint> = {}): Endpoint {
  return { ip, port, nodeName, ready: true, serving: true, terminating: false, ...extra };
}

export function port(name: string, portNumber: number, endpoints: Endpoint[], extra: Partial<ServicePort> = {}): ServicePort {
  return { name, protocol: 'TCP', port: portNumber, targetPort: portNumber, endpoints, ...extra };
}

export function service(namespace: string, name: string, clusterIP: string, ports: ServicePort[], extra: Partial<Service> = {}): Service {
  return {
    namespace,
    name,
    type: 'ClusterIP',
    clusterIP,
    ports,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    sessionAffinity: 'None',
    sessionAffinityTimeoutSeconds: 10800,
    publishNotReadyAddresses: false,
    source: undefined,
    ...extra,
  };
}

export function cluster(nodes: ClusterNode[], services: Service[], kubeProxy: Partial<KubeProxyConfig> = {}): Cluster {
  return {
    settings: {
      name: 'test',
      cni: 'calico',
      calico: { encapsulation: 'IPIP', blockSize: 26, natOutgoing: true },
      podCIDR: '10.0.0.0/8',
      serviceCIDR: '172.30.0.0/16',
      clusterDomain: 'cluster.local',
      clusterDNS: '172.30.0.10',
      upstreamDNS: [],
      kubeProxy: {
        mode: 'iptables',
        clusterCIDR: '10.0.0.0/8',
        masqueradeBit: 14,
        localhostNodePorts: true,
        randomFully: false,
        nfacct: true,
        ...kubeProxy,
      },
    },
    nodes,
    namespaces: [],
    pods: [],
    services,
    networkPolicies: [],
    ingresses: [],
    ingressClasses: [],
    calicoPools: [],
    calicoBlocks: [],
    corefile: '',
    dnsRecords: [],
    ignored: [],
  };
}

/**
 * The services of kube-proxy's TestOverallIPTablesRules (pkg/proxy/iptables/proxier_test.go),
 * on its FakeProxier's node `test-node` (192.168.0.2) with pod CIDR 10.0.0.0/8, localhost
 * NodePorts and both nfacct counters on, and no --random-fully.
 */
export function overallRulesCluster(): Cluster {
  const testNode = 'test-node';
  return cluster(
    [node(testNode, '192.168.0.2')],
    [
      service('ns1', 'svc1', '172.30.0.41', [port('p80', 80, [ep('10.180.0.1', 80)])]),
      service('ns2', 'svc2', '172.30.0.42', [port('p80', 80, [ep('10.180.0.2', 80)], { nodePort: 3001 })], {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        loadBalancerIPs: ['1.2.3.4'],
        externalIPs: ['192.168.99.22'],
        healthCheckNodePort: 30000,
      }),
      service('ns3', 'svc3', '172.30.0.43', [port('p80', 80, [ep('10.180.0.3', 80)], { nodePort: 3003 })], { type: 'NodePort' }),
      service('ns4', 'svc4', '172.30.0.44', [port('p80', 80, [ep('10.180.0.4', 80), ep('10.180.0.5', 80, testNode)])], {
        type: 'NodePort',
        externalIPs: ['192.168.99.33'],
      }),
      service('ns5', 'svc5', '172.30.0.45', [port('p80', 80, [ep('10.180.0.3', 80)], { nodePort: 3002 })], {
        type: 'LoadBalancer',
        loadBalancerIPs: ['5.6.7.8'],
        healthCheckNodePort: 30000,
        // The test's value has a leading blank, which kube-proxy trims.
        loadBalancerSourceRanges: [' 203.0.113.0/25'],
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: 10800,
      }),
      service('ns6', 'svc6', '172.30.0.46', [port('p80', 80, [])]),
    ],
  );
}

/**
 * A small cluster on three nodes with the DESIGN §3 kube-proxy profile (clusterCIDR
 * 172.16.0.0/16, masqueradeBit 14, localhostNodePorts, randomFully, nfacct): a ClusterIP service
 * with three endpoints, a NodePort with externalTrafficPolicy Local, a service without endpoints,
 * one with ClientIP affinity, and a headless one.
 */
export function goldenCluster(): Cluster {
  const W1 = 'k8s-w1';
  const W2 = 'k8s-w2';
  return cluster(
    [node('k8s-m', '192.168.10.10'), node(W1, '192.168.10.101'), node(W2, '192.168.10.102')],
    [
      // ClusterIP, unnamed port, three endpoints given out of order.
      service('default', 'web', '10.96.100.10', [
        port('', 80, [ep('172.16.2.5', 8080, W2), ep('172.16.1.9', 8080, W1), ep('172.16.1.10', 8080, W1)], { targetPort: 8080 }),
      ]),
      // NodePort with externalTrafficPolicy: Local, one endpoint on each worker.
      service(
        'default',
        'echo',
        '10.96.100.20',
        [port('http', 80, [ep('172.16.2.20', 5678, W2), ep('172.16.1.20', 5678, W1)], { nodePort: 30080, targetPort: 5678 })],
        { type: 'NodePort', externalTrafficPolicy: 'Local' },
      ),
      // No endpoints at all.
      service('default', 'empty', '10.96.100.30', [port('https', 443, [])]),
      // ClientIP session affinity, default timeout.
      service('default', 'sticky', '10.96.100.40', [port('', 80, [ep('172.16.1.30', 80, W1), ep('172.16.2.30', 80, W2)])], {
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: 10800,
      }),
      // Headless: kube-proxy skips it entirely.
      service('default', 'headless', 'None', [port('', 80, [ep('172.16.1.40', 80, W1)])]),
    ],
    { clusterCIDR: '172.16.0.0/16', masqueradeBit: 14, localhostNodePorts: true, randomFully: true, nfacct: true },
  );
}
