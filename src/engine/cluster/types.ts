import type { Cidr, IPv4 } from '../net/ipv4';
import type { Problem, SourceRef } from '../problems';

export type CniName = 'calico' | 'flannel' | 'weave' | 'bridge';
export type CalicoEncapsulation = 'IPIP' | 'VXLAN' | 'None';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface KubeProxyConfig {
  mode: 'iptables';
  /** Local-traffic detector: traffic from outside it is marked for masquerade. */
  clusterCIDR: Cidr;
  masqueradeBit: number;
  localhostNodePorts: boolean;
  randomFully: boolean;
  nfacct: boolean;
}

export interface CalicoPool {
  name: string;
  cidr: Cidr;
  blockSize: number;
  ipipMode: 'Always' | 'CrossSubnet' | 'Never';
  vxlanMode: 'Always' | 'CrossSubnet' | 'Never';
  natOutgoing: boolean;
  disabled: boolean;
}

/** One Calico IPAM block and the node that holds its affinity. */
export interface CalicoBlock {
  cidr: Cidr;
  node: string;
}

export interface ClusterSettings {
  name: string;
  cni: CniName;
  calico: { encapsulation: CalicoEncapsulation; blockSize: number; natOutgoing: boolean };
  podCIDR: Cidr;
  serviceCIDR: Cidr;
  clusterDomain: string;
  clusterDNS: IPv4;
  upstreamDNS: IPv4[];
  kubeProxy: KubeProxyConfig;
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
}

export interface ClusterNode {
  name: string;
  /** InternalIP: the underlay address on the node's `eth0`. */
  ip: IPv4;
  /** Prefix length of the underlay network (default 24). */
  underlayPrefix: number;
  role: 'control-plane' | 'worker';
  labels: Record<string, string>;
  taints: Taint[];
  /** Flannel/bridge/host-local subnet of this node (spec.podCIDR). */
  podCIDR?: Cidr;
  /** Calico: the blocks with affinity to this node, and its tunnel addresses. */
  calicoBlocks: Cidr[];
  ipipTunnelAddr?: IPv4;
  vxlanTunnelAddr?: IPv4;
  /**
   * Address of the node's pod bridge when the CNI has one: `cni0` for flannel and bridge (`.1` of
   * podCIDR), the `weave` bridge's exposed address (first address of the node's weave range).
   */
  bridgeAddr?: IPv4;
  /** Flannel: the `flannel.1` VTEP address, `<node subnet>.0`. */
  flannelAddr?: IPv4;
  /** MTU of eth0 (1500 unless told otherwise). */
  mtu: number;
  /** Search domains from the node's own /etc/resolv.conf (for dnsPolicy Default). */
  searchDomains: string[];
  source: SourceRef | undefined;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: Protocol;
  hostPort?: number;
}

export interface Container {
  name: string;
  image: string;
  ports: ContainerPort[];
}

export type DnsPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';

export interface PodDnsConfig {
  nameservers: IPv4[];
  searches: string[];
  options: { name: string; value?: string }[];
}

export interface Pod {
  namespace: string;
  name: string;
  node: string;
  ip: IPv4;
  hostNetwork: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: Container[];
  ready: boolean;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  dnsPolicy: DnsPolicy;
  dnsConfig?: PodDnsConfig;
  hostname?: string;
  subdomain?: string;
  /** metadata.deletionTimestamp is set: the pod is shutting down (endpoints show it terminating). */
  terminating?: boolean;
  /** The controller that made the pod, e.g. `{ kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }`. */
  owner?: { kind: string; name: string };
  source: SourceRef | undefined;
}

export interface Endpoint {
  ip: IPv4;
  port: number;
  nodeName?: string;
  pod?: { namespace: string; name: string };
  hostname?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface ServicePort {
  /** '' when the port is unnamed. */
  name: string;
  protocol: Protocol;
  port: number;
  targetPort: number | string;
  nodePort?: number;
  /** Endpoints for this port (resolved targetPort), in the order the source listed them. */
  endpoints: Endpoint[];
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface Service {
  namespace: string;
  name: string;
  type: ServiceType;
  /** `'None'` for headless services; `''` for ExternalName. */
  clusterIP: IPv4 | 'None' | '';
  ports: ServicePort[];
  selector?: Record<string, string>;
  externalIPs: IPv4[];
  /** status.loadBalancer.ingress[].ip */
  loadBalancerIPs: IPv4[];
  loadBalancerSourceRanges: Cidr[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  internalTrafficPolicy: 'Cluster' | 'Local';
  sessionAffinity: 'None' | 'ClientIP';
  sessionAffinityTimeoutSeconds: number;
  healthCheckNodePort?: number;
  externalName?: string;
  publishNotReadyAddresses: boolean;
  source: SourceRef | undefined;
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values: string[] }[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: Cidr; except: Cidr[] };
}

export interface NetworkPolicyPort {
  protocol: Protocol;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyRule {
  /** `from` for ingress rules, `to` for egress rules; empty means "all peers". */
  peers: NetworkPolicyPeer[];
  /** Empty means "all ports". */
  ports: NetworkPolicyPort[];
}

export interface NetworkPolicy {
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: NetworkPolicyRule[];
  egress: NetworkPolicyRule[];
  source: SourceRef | undefined;
}

export interface IngressBackend {
  service: string;
  port: number | string;
}

export interface IngressPath {
  path: string;
  pathType: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  backend: IngressBackend;
}

export interface Ingress {
  namespace: string;
  name: string;
  ingressClassName?: string;
  annotations: Record<string, string>;
  rules: { host?: string; paths: IngressPath[] }[];
  defaultBackend?: IngressBackend;
  tlsHosts: string[];
  source: SourceRef | undefined;
}

export interface Namespace {
  name: string;
  labels: Record<string, string>;
}

/** A DNS record the cluster's CoreDNS `kubernetes` plugin would serve. */
export interface DnsRecord {
  name: string; // fully qualified, no trailing dot
  type: 'A' | 'SRV' | 'PTR' | 'CNAME';
  /** A: an address; CNAME: a name; SRV: `priority weight port target`; PTR: a name. */
  value: string;
}

/** The whole cluster after controllers, scheduling, IPAM and endpoint resolution. */
export interface Cluster {
  settings: ClusterSettings;
  nodes: ClusterNode[];
  namespaces: Namespace[];
  pods: Pod[];
  services: Service[];
  networkPolicies: NetworkPolicy[];
  ingresses: Ingress[];
  ingressClasses: { name: string; controller: string; isDefault: boolean }[];
  calicoPools: CalicoPool[];
  calicoBlocks: CalicoBlock[];
  /** The CoreDNS Corefile in force (from a pasted `coredns` ConfigMap, else kubeadm's default). */
  corefile: string;
  dnsRecords: DnsRecord[];
  /** Kinds that were present but not modelled (reported as ignored). */
  ignored: { kind: string; name: string }[];
}

export interface ClusterBuildResult {
  cluster: Cluster;
  problems: Problem[];
}
