/**
 * The jumps from the built-in chains into kube-proxy's chains. kube-proxy does not write these
 * through iptables-restore (that would replace every rule in PREROUTING etc.); on each full sync
 * it calls `iptables -I <chain>` (`EnsureRule(Prepend, …)`) for every missing entry of
 * `iptablesJumpChains`, then for kubelet's KUBE-FIREWALL jumps (`iptablesKubeletJumpChains`).
 */
import type { Cluster } from '../cluster/types';
import type { TableName } from '../netfilter/types';

export interface HookRule {
  table: TableName;
  /** The built-in chain the jump sits in. */
  chain: string;
  /** Restore syntax: `-A INPUT -m conntrack --ctstate NEW -m comment --comment "…" -j KUBE-…`. */
  rule: string;
}

interface JumpChain {
  table: TableName;
  dst: string;
  src: string;
  comment: string;
  extra: string;
}

const NEW = '-m conntrack --ctstate NEW';

/** proxier.go `iptablesJumpChains`, in the order kube-proxy ensures them. */
const KUBE_PROXY_JUMPS: JumpChain[] = [
  { table: 'filter', dst: 'KUBE-EXTERNAL-SERVICES', src: 'INPUT', comment: 'kubernetes externally-visible service portals', extra: NEW },
  { table: 'filter', dst: 'KUBE-EXTERNAL-SERVICES', src: 'FORWARD', comment: 'kubernetes externally-visible service portals', extra: NEW },
  { table: 'filter', dst: 'KUBE-NODEPORTS', src: 'INPUT', comment: 'kubernetes health check service ports', extra: '' },
  { table: 'filter', dst: 'KUBE-SERVICES', src: 'FORWARD', comment: 'kubernetes service portals', extra: NEW },
  { table: 'filter', dst: 'KUBE-SERVICES', src: 'OUTPUT', comment: 'kubernetes service portals', extra: NEW },
  { table: 'filter', dst: 'KUBE-FORWARD', src: 'FORWARD', comment: 'kubernetes forwarding rules', extra: '' },
  { table: 'filter', dst: 'KUBE-PROXY-FIREWALL', src: 'INPUT', comment: 'kubernetes load balancer firewall', extra: NEW },
  { table: 'filter', dst: 'KUBE-PROXY-FIREWALL', src: 'OUTPUT', comment: 'kubernetes load balancer firewall', extra: NEW },
  { table: 'filter', dst: 'KUBE-PROXY-FIREWALL', src: 'FORWARD', comment: 'kubernetes load balancer firewall', extra: NEW },
  { table: 'nat', dst: 'KUBE-SERVICES', src: 'OUTPUT', comment: 'kubernetes service portals', extra: '' },
  { table: 'nat', dst: 'KUBE-SERVICES', src: 'PREROUTING', comment: 'kubernetes service portals', extra: '' },
  { table: 'nat', dst: 'KUBE-POSTROUTING', src: 'POSTROUTING', comment: 'kubernetes postrouting rules', extra: '' },
];

/**
 * kubelet's own KUBE-FIREWALL jumps (pkg/kubelet/kubelet_network_linux.go), no comment. kubelet
 * starts before kube-proxy, so they are already there when kube-proxy prepends its jumps above
 * them, and kube-proxy's EnsureRule finds them and leaves them where they are.
 */
const KUBELET_JUMPS: JumpChain[] = [
  { table: 'filter', dst: 'KUBE-FIREWALL', src: 'INPUT', comment: '', extra: '' },
  { table: 'filter', dst: 'KUBE-FIREWALL', src: 'OUTPUT', comment: '', extra: '' },
];

function ruleText(j: JumpChain): string {
  const parts = [`-A ${j.src}`];
  if (j.extra) parts.push(j.extra);
  if (j.comment) parts.push(`-m comment --comment "${j.comment}"`);
  parts.push(`-j ${j.dst}`);
  return parts.join(' ');
}

const TABLE_ORDER: TableName[] = ['raw', 'mangle', 'nat', 'filter', 'security'];
const CHAIN_ORDER = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

/**
 * The jumps (the same on every node, whatever the cluster) as `iptables-save` lists them on a node where kubelet, then kube-proxy, started on
 * empty tables: per table and built-in chain (save order), each `-I` lands on top, so kube-proxy's
 * jumps read in reverse order of `iptablesJumpChains`, above kubelet's. CNI jumps (e.g. Calico's,
 * which it keeps at the top) are the dataplane's business.
 * Example, filter INPUT: KUBE-PROXY-FIREWALL, KUBE-NODEPORTS, KUBE-EXTERNAL-SERVICES, KUBE-FIREWALL.
 */
export function kubeProxyHookRules(_cluster: Cluster): HookRule[] {
  const perChain = new Map<string, JumpChain[]>();
  for (const j of [...KUBELET_JUMPS, ...KUBE_PROXY_JUMPS]) {
    const key = `${j.table} ${j.src}`;
    const list = perChain.get(key) ?? [];
    list.unshift(j); // iptables -I: the newest jump is the first rule
    perChain.set(key, list);
  }
  const out: HookRule[] = [];
  for (const table of TABLE_ORDER)
    for (const chain of CHAIN_ORDER)
      for (const j of perChain.get(`${table} ${chain}`) ?? []) out.push({ table, chain, rule: ruleText(j) });
  return out;
}

/**
 * Chains that exist on a kube-proxy node besides those of the restore text: the canaries
 * `iptables.Monitor` creates to notice a flush (kube-proxy's KUBE-PROXY-CANARY and kubelet's
 * KUBE-KUBELET-CANARY, in mangle, nat and filter), kubelet's KUBE-IPTABLES-HINT (mangle), and
 * kubelet's KUBE-FIREWALL (its rule: `kubeletFirewallRules`), which the hook jumps need even when
 * kube-proxy's own restore text leaves it out (localhostNodePorts off).
 */
export function kubeProxyCanaryChains(): { table: TableName; chain: string }[] {
  const out: { table: TableName; chain: string }[] = [{ table: 'mangle', chain: 'KUBE-IPTABLES-HINT' }];
  for (const table of ['mangle', 'nat', 'filter'] as const) {
    out.push({ table, chain: 'KUBE-KUBELET-CANARY' }, { table, chain: 'KUBE-PROXY-CANARY' });
  }
  out.push({ table: 'filter', chain: 'KUBE-FIREWALL' });
  return out;
}

/**
 * kubelet's martian-packet rule (pkg/kubelet/kubelet_network_linux.go, IPv4): the same rule as
 * kube-proxy writes with localhostNodePorts; kube-proxy's restore replaces the chain with an
 * identical copy, so KUBE-FIREWALL always holds exactly this one rule.
 */
export function kubeletFirewallRules(): HookRule[] {
  return [
    {
      table: 'filter',
      chain: 'KUBE-FIREWALL',
      rule: '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    },
  ];
}
