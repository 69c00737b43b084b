import type { IPv4 } from '../net/ipv4';
import type { Ruleset, IpSet } from '../netfilter/types';
import type { Problem } from '../problems';

/** Linux state per network namespace, as `ip addr`, `ip route`, `ip neigh` and `bridge fdb` show it. */
export type LinkKind = 'loopback' | 'ethernet' | 'veth' | 'bridge' | 'ipip' | 'vxlan' | 'dummy' | 'openvswitch';

export interface Address {
  ip: IPv4;
  prefixLen: number;
  scope: 'host' | 'link' | 'global';
  /** `brd` as ip addr prints it. */
  broadcast?: IPv4;
  /** A further address in an already covered subnet (`secondary` in ip addr). */
  secondary?: boolean;
}

export interface Interface {
  /** ifindex inside its netns (lo is 1). */
  index: number;
  name: string;
  kind: LinkKind;
  mtu: number;
  /** `00:00:00:00:00:00` for lo / ipip devices. */
  mac: string;
  up: boolean;
  addresses: Address[];
  /** veth: the other end (`eth0@if7` / `cali1234@if3`). */
  peer?: { netns: string; iface: string; index: number };
  /** Bridge port: the bridge this interface is enslaved to. */
  master?: string;
  vxlan?: { vni: number; dstPort: number; local?: IPv4; dev?: string; learning: boolean };
  ipip?: { local?: IPv4; remote?: IPv4 };
  /** Per-interface sysctls that decide behaviour: proxy_arp, rp_filter, forwarding. */
  sysctls: Record<string, string>;
  /** `link-netns` as ip link shows it for the host end of a pod veth. */
  linkNetns?: string;
  /** `link-netnsid N`, printed when the peer netns has no name (a pod's view of the root netns). */
  linkNetnsId?: number;
  /** Queueing discipline `ip addr` prints (`noqueue` unless set). */
  qdisc?: string;
  /** IFF_NOARP (tunnels): ip prints `NOARP` and the neighbour layer is skipped. */
  noArp?: boolean;
}

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'blackhole' | 'unreachable' | 'prohibit';

export interface Route {
  table: 'main' | 'local';
  type: RouteType;
  /** `default` or `a.b.c.d/len` (a /32 prints without the length, as ip route does). */
  dst: string;
  via?: IPv4;
  dev?: string;
  proto?: 'kernel' | 'boot' | 'static' | 'bird' | 'dhcp';
  /** A routing protocol number without a name in rt_protos (Felix's `proto 80`); used when `proto` is absent. */
  protoId?: number;
  scope?: 'host' | 'link' | 'global';
  src?: IPv4;
  onlink?: boolean;
  metric?: number;
}

export interface Neighbour {
  ip: IPv4;
  dev: string;
  lladdr: string;
  state: 'PERMANENT' | 'REACHABLE' | 'STALE' | 'NOARP';
}

export interface FdbEntry {
  mac: string;
  dev: string;
  /** Remote VTEP for vxlan devices. */
  dst?: IPv4;
  master?: string;
  permanent: boolean;
  self: boolean;
}

export interface ResolvConf {
  nameservers: IPv4[];
  search: string[];
  options: string[];
}

export interface Netns {
  /** `host` for a node's root netns, `pod:<ns>/<name>` for a pod. */
  id: string;
  node: string;
  interfaces: Interface[];
  routes: Route[];
  neighbours: Neighbour[];
  fdb: FdbEntry[];
  /** Global sysctls: net.ipv4.ip_forward, net.ipv4.conf.all.rp_filter, ... */
  sysctls: Record<string, string>;
  resolvConf?: ResolvConf;
}

export interface NodeDataplane {
  node: string;
  host: Netns;
  /** Pod netns keyed by `<ns>/<name>`; hostNetwork pods share `host` and are absent here. */
  pods: Record<string, Netns>;
  /** The node's full rule set: kube-proxy + CNI + base chains, as iptables-save would show it. */
  iptables: Ruleset;
  ipsets: IpSet[];
  /** /etc/resolv.conf of the hostNetwork pods on this node (they share `host`), keyed `<ns>/<name>`. */
  hostNetworkResolvConf?: Record<string, ResolvConf>;
  /** Problems parsing the composed rule set (a bug on our side if ever non-empty). */
  iptablesProblems?: Problem[];
}

export interface Dataplane {
  nodes: Record<string, NodeDataplane>;
}
