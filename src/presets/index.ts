/**
 * Scenario presets: one small manifest per DESIGN.md §5 scenario, with the trace it is made for.
 * Pure data: the app imports each `file` with Vite's `?raw`, the CLI and the tests read it from
 * this folder. The first preset is the default the app and `packetwalk trace` (no files) open.
 */
import type { CniName } from '../engine/cluster/types';
import type { L4Proto } from '../engine/walk/types';

export interface PresetScenario {
  from: string;
  to: string;
  proto: L4Proto;
  /** Absent for ICMP, or when the `to` endpoint carries its own port. */
  port?: number;
}

export interface Preset {
  id: string;
  title: string;
  description: string;
  cni: CniName;
  /** The YAML file next to this module. */
  file: string;
  /** DESIGN.md §5 scenario number. */
  scenario: number;
  defaults: PresetScenario;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'demo',
    title: 'Demo: pod → ClusterIP across nodes',
    description: 'A 3-node kubeadm cluster on Calico IPIP; frontend on k8s-w1 calls the backend Service, whose pods run on k8s-w2.',
    cni: 'calico',
    file: 'demo.yaml',
    scenario: 4,
    defaults: { from: 'pod/default/frontend', to: 'svc/default/backend:http', proto: 'tcp', port: 80 },
  },
  {
    id: 'localhost',
    title: 'Containers in one pod over localhost',
    description: 'The metrics sidecar scrapes nginx on 127.0.0.1: both containers share the pod network namespace, so the packet never leaves lo.',
    cni: 'calico',
    file: 'localhost.yaml',
    scenario: 1,
    defaults: { from: 'pod/default/web', to: '127.0.0.1:80', proto: 'tcp', port: 80 },
  },
  {
    id: 'same-node-calico',
    title: 'Pod → pod, same node (Calico)',
    description: 'The client reaches 169.254.1.1 by proxy ARP, the host routes to the server’s cali interface.',
    cni: 'calico',
    file: 'same-node-calico.yaml',
    scenario: 2,
    defaults: { from: 'pod/default/client', to: 'pod/default/server', proto: 'tcp', port: 80 },
  },
  {
    id: 'same-node-flannel',
    title: 'Pod → pod, same node (Flannel)',
    description: 'Both pods are ports of cni0: the bridge forwards the frame between them (with br_netfilter’s FORWARD pass).',
    cni: 'flannel',
    file: 'same-node-flannel.yaml',
    scenario: 2,
    defaults: { from: 'pod/default/client', to: 'pod/default/server', proto: 'tcp', port: 80 },
  },
  {
    id: 'cross-node-calico-ipip',
    title: 'Pod → pod across nodes (Calico IPIP)',
    description: 'tunl0 wraps the packet in an outer IP header (protocol 4) from node to node.',
    cni: 'calico',
    file: 'cross-node-calico-ipip.yaml',
    scenario: 3,
    defaults: { from: 'pod/default/client', to: 'pod/default/server', proto: 'tcp', port: 80 },
  },
  {
    id: 'cross-node-calico-vxlan',
    title: 'Pod → pod across nodes (Calico VXLAN)',
    description: 'vxlan.calico wraps the frame in UDP 4789, VNI 4096, to the other node’s VTEP.',
    cni: 'calico',
    file: 'cross-node-calico-vxlan.yaml',
    scenario: 3,
    defaults: { from: 'pod/default/client', to: 'pod/default/server', proto: 'tcp', port: 80 },
  },
  {
    id: 'cross-node-calico-none',
    title: 'Pod → pod across nodes (Calico, no encapsulation)',
    description: 'BGP routes send the packet straight to the other node on the underlay; no outer header.',
    cni: 'calico',
    file: 'cross-node-calico-none.yaml',
    scenario: 3,
    defaults: { from: 'pod/default/client', to: 'pod/default/server', proto: 'tcp', port: 80 },
  },
  {
    id: 'cross-node-flannel',
    title: 'Pod → pod across nodes (Flannel VXLAN)',
    description: 'cni0 → flannel.1, whose permanent neighbour and FDB entries name the remote VTEP; UDP 8472, VNI 1.',
    cni: 'flannel',
    file: 'cross-node-flannel.yaml',
    scenario: 3,
    defaults: { from: 'pod/default/client', to: 'pod/default/server', proto: 'tcp', port: 80 },
  },
  {
    id: 'cross-node-weave',
    title: 'Pod → pod across nodes (Weave)',
    description: 'The weave bridge hands the frame to the fast datapath, which sends it in VXLAN on UDP 6784.',
    cni: 'weave',
    file: 'cross-node-weave.yaml',
    scenario: 3,
    defaults: { from: 'pod/default/client', to: 'pod/default/server', proto: 'tcp', port: 80 },
  },
  {
    id: 'nodeport',
    title: 'External → NodePort on a node without the endpoint',
    description: 'k8s-w1 DNATs to a pod on k8s-w2 and MASQUERADEs to its tunl0 address; the reply comes back through k8s-w1.',
    cni: 'calico',
    file: 'nodeport.yaml',
    scenario: 5,
    defaults: { from: 'external/203.0.113.50', to: '192.168.10.101:30080', proto: 'tcp', port: 30080 },
  },
  {
    id: 'nodeport-local',
    title: 'External → NodePort with externalTrafficPolicy: Local',
    description: 'Only k8s-w2 has endpoints: it DNATs without masquerading, so the pod sees the real client address.',
    cni: 'calico',
    file: 'nodeport-local.yaml',
    scenario: 5,
    defaults: { from: 'external/203.0.113.50', to: '192.168.10.102:30080', proto: 'tcp', port: 30080 },
  },
  {
    id: 'loadbalancer',
    title: 'LoadBalancer IP → node → pod',
    description: 'The load-balancer address 192.168.10.240 lands on a node; KUBE-SERVICES matches it and sends it through KUBE-EXT.',
    cni: 'calico',
    file: 'loadbalancer.yaml',
    scenario: 6,
    defaults: { from: 'external/203.0.113.50', to: '192.168.10.240:80', proto: 'tcp', port: 80 },
  },
  {
    id: 'dns',
    title: 'DNS lookup, then connect',
    description: 'The client resolves "web" through its search list (ndots:5) at 10.96.0.10, DNATed to a CoreDNS pod, then connects to the answer.',
    cni: 'calico',
    file: 'dns.yaml',
    scenario: 7,
    defaults: { from: 'pod/default/client', to: 'dns:web', proto: 'tcp', port: 80 },
  },
  {
    id: 'dns-external',
    title: 'DNS for an outside name (CoreDNS forwards)',
    description: 'example.com misses every search domain; CoreDNS forwards it from its own pod to the node’s resolver, MASQUERADEd on the way out.',
    cni: 'calico',
    file: 'dns-external.yaml',
    scenario: 7,
    defaults: { from: 'pod/default/client', to: 'dns:example.com', proto: 'tcp', port: 443 },
  },
  {
    id: 'egress',
    title: 'Pod → outside the cluster',
    description: 'Calico’s natOutgoing MASQUERADEs the pod address to the node address as the packet leaves for the internet.',
    cni: 'calico',
    file: 'egress.yaml',
    scenario: 8,
    defaults: { from: 'pod/default/client', to: '198.51.100.7:443', proto: 'tcp', port: 443 },
  },
  {
    id: 'no-endpoints',
    title: 'Failure: Service without endpoints',
    description: 'No pod matches the selector: kube-proxy’s filter rule REJECTs the cluster IP, connect() says "Connection refused".',
    cni: 'calico',
    file: 'no-endpoints.yaml',
    scenario: 11,
    defaults: { from: 'pod/default/client', to: 'svc/default/orders', proto: 'tcp', port: 80 },
  },
  {
    id: 'unroutable',
    title: 'Failure: no route',
    description: 'An address in the pod pool that no node owns: it leaves by the default route and the underlay router drops it.',
    cni: 'calico',
    file: 'unroutable.yaml',
    scenario: 11,
    defaults: { from: 'pod/default/client', to: '172.16.200.9:80', proto: 'tcp', port: 80 },
  },
  {
    id: 'coredns-down',
    title: 'Failure: CoreDNS without endpoints',
    description: 'CoreDNS is scaled to zero: the query to 10.96.0.10 is rejected by kube-proxy and the lookup fails.',
    cni: 'calico',
    file: 'coredns-down.yaml',
    scenario: 11,
    defaults: { from: 'pod/default/client', to: 'dns:web', proto: 'tcp', port: 80 },
  },
  {
    id: 'wrong-targetport',
    title: 'Failure: wrong targetPort',
    description: 'The Service sends port 80 to 8080, where nothing listens: the pod’s kernel answers the SYN with a RST.',
    cni: 'calico',
    file: 'wrong-targetport.yaml',
    scenario: 11,
    defaults: { from: 'pod/default/client', to: 'svc/default/web', proto: 'tcp', port: 80 },
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
