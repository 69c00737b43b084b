import type { IPv4 } from '../net/ipv4';
import type { L4Proto } from '../walk/types';

/**
 * The drawable picture of a cluster, derived from `Cluster` + `Dataplane`. Plain data: it crosses
 * the worker boundary and the UI draws it without knowing any networking. Ids are stable across
 * rebuilds of the same manifests, so the UI can keep selection and zoom.
 */
export type ElementId = string;

/** Role of an interface in the host netns, which decides where the UI draws it. */
export type InterfaceRole = 'pod-veth' | 'bridge' | 'tunnel' | 'uplink' | 'other';

export interface TopoInterface {
  id: ElementId; // `if:<node>/<name>`
  node: string;
  name: string;
  /** Link kind as `ip -d link` would name it: veth, bridge, ipip, vxlan, ethernet, openvswitch. */
  linkKind: string;
  role: InterfaceRole;
  /** First address, without the prefix length. */
  ip?: IPv4;
  mtu: number;
  /** For tunnels: `IPIP`, `VXLAN 4789` ... shown as a badge. */
  badge?: string;
}

export interface TopoPod {
  id: ElementId; // `pod:<ns>/<name>`
  namespace: string;
  name: string;
  node: string;
  ip: IPv4;
  hostNetwork: boolean;
  ready: boolean;
  /** CoreDNS (or other cluster DNS server) pods get their own glyph. */
  dnsServer: boolean;
  /** Host-side end of the pod's veth, when there is one. */
  hostIface?: ElementId;
}

export interface TopoNode {
  id: ElementId; // `node:<name>`
  name: string;
  ip: IPv4;
  role: 'control-plane' | 'worker';
  /** The pod address ranges this node routes locally (podCIDR or Calico blocks). */
  podRanges: string[];
  /** The host netns routing + netfilter stack, drawn as one block inside the node. */
  stackId: ElementId; // `stack:<name>`
  interfaces: TopoInterface[];
  pods: ElementId[];
  /** Pods on this node left out of a big cluster's picture (see focus.ts). */
  hiddenPods?: number;
}

export interface TopoServicePort {
  name: string;
  port: number;
  protocol: string;
  nodePort?: number;
}

/** A Service is a virtual IP: it exists only in rules, so it is drawn apart and dashed. */
export interface TopoService {
  id: ElementId; // `svc:<ns>/<name>`
  namespace: string;
  name: string;
  type: string;
  clusterIP: string;
  ports: TopoServicePort[];
  loadBalancerIPs: IPv4[];
  externalIPs: IPv4[];
  /** Pod ids of ready endpoints. */
  endpoints: ElementId[];
}

export interface TopoExternal {
  id: ElementId; // `ext:<ip>`
  ip: IPv4;
  role: 'client' | 'upstream-dns' | 'internet';
  label: string;
}

/** A physical or virtual wire the UI draws between two elements. */
export interface TopoLink {
  id: string;
  from: ElementId;
  to: ElementId;
  kind: 'veth' | 'bridge-port' | 'stack' | 'carrier' | 'underlay';
}

export interface Topology {
  name: string;
  cni: string;
  /** `IPIP`, `VXLAN`, `None` for Calico; the CNI's own mode otherwise. */
  encapsulation: string;
  underlay: { id: ElementId; cidrs: string[] };
  nodes: TopoNode[];
  pods: TopoPod[];
  services: TopoService[];
  externals: TopoExternal[];
  links: TopoLink[];
  /** Services left out of a big cluster's picture (see focus.ts). */
  hiddenServices?: number;
}

/** One choice in the scenario pickers, in the CLI's endpoint syntax. */
export interface ScenarioEndpoint {
  spec: string;
  label: string;
  group: 'Pods' | 'Nodes' | 'Services' | 'Node ports' | 'Load balancers' | 'External' | 'DNS names';
  /** Usable as a source (pods, nodes, external clients). */
  source: boolean;
  /** Usable as a destination. */
  target: boolean;
  /** Default protocol and port when chosen as destination. */
  proto?: L4Proto;
  port?: number;
}

/** Where a hop happens in the picture, and which Service VIP the packet is addressed to there. */
export interface HopPlace {
  at: ElementId;
  /** The Service whose virtual IP is the packet's destination at this hop (before DNAT). */
  service?: ElementId;
}
