/**
 * The chains Felix (iptables dataplane, Kubernetes defaults) keeps in the filter and nat tables of a
 * node, rule for rule as felix/rules (static.go, dispatch.go, endpoints.go, nat.go) renders them.
 * Simplifications, on purpose: the raw table's cali chains are left out (host endpoints and the
 * `-m rpfilter` check for workloads, which we do not model); NetworkPolicy is not rendered as cali-po-/cali-pi-
 * chains (the walker evaluates policies itself); workloads use the namespace profile and the
 * `default` service account's profile.
 */
import type { CalicoPool, Cluster, ClusterNode, Pod } from '../../cluster/types';
import type { IpSet } from '../../netfilter/types';
import { calicoVethName } from '../interface-names';
import { podsWithNetns } from '../host';
import { felix, felixRestoreLines, lengthLimitedId, type FelixChain, type FelixRule } from './felix-rules';
import type { TableRules } from './table-rules';

/** Felix's mark bits with the default IptablesMarkMask 0xffff0000. */
const MARK_ACCEPT = 0x10000;
const MARK_PASS = 0x20000;
const ALL_CALICO_MARKS = 0xf0000;
const VXLAN_PORT = 4789;

export const IPSET_ALL_POOLS = 'cali40all-ipam-pools';
export const IPSET_MASQ_POOLS = 'cali40masq-ipam-pools';
export const IPSET_ALL_HOSTS = 'cali40all-hosts-net';
export const IPSET_ALL_VXLAN = 'cali40all-vxlan-net';

/** The pools in force: pasted IPPools, else the one the profile implies. */
export function effectivePools(cluster: Cluster): CalicoPool[] {
  const pools = cluster.calicoPools.filter((p) => !p.disabled);
  if (pools.length > 0) return pools;
  const s = cluster.settings.calico;
  return [
    {
      name: 'default-ipv4-ippool',
      cidr: cluster.settings.podCIDR,
      blockSize: s.blockSize,
      ipipMode: s.encapsulation === 'IPIP' ? 'Always' : 'Never',
      vxlanMode: s.encapsulation === 'VXLAN' ? 'Always' : 'Never',
      natOutgoing: s.natOutgoing,
      disabled: false,
    },
  ];
}

function dispatchEnd(): FelixRule[] {
  return [{ match: '', action: felix.drop, comments: ['Unknown interface'] }];
}

/** felix buildSingleDispatchChains: names sorted, split by the character after their common prefix. */
function dispatchChains(root: string, names: string[], match: (i: string) => string, targetPrefix: string): FelixChain[] {
  const sorted = [...new Set(names)].sort();
  let common = sorted[0] ?? '';
  for (const n of sorted) while (!n.startsWith(common)) common = common.slice(0, -1);
  const bins = new Map<string, string[]>();
  for (const n of sorted) {
    const p = n.length > common.length ? n.slice(0, common.length + 1) : common;
    bins.set(p, [...(bins.get(p) ?? []), n]);
  }
  const children: FelixChain[] = [];
  const rootRules: FelixRule[] = [];
  for (const [prefix, group] of bins) {
    if (group.length > 1) {
      const child = `${root}-${prefix.slice(common.length)}`;
      rootRules.push({ match: match(`${prefix}+`), action: felix.goto(child) });
      children.push({
        name: child,
        rules: [...group.map((n) => ({ match: match(n), action: felix.goto(lengthLimitedId(targetPrefix, n)) })), ...dispatchEnd()],
      });
    } else {
      const n = group[0]!;
      rootRules.push({ match: match(n), action: felix.goto(lengthLimitedId(targetPrefix, n)) });
    }
  }
  return [...children, { name: root, rules: [...rootRules, ...dispatchEnd()] }];
}

function profileIds(pod: Pod): string[] {
  return [`kns.${pod.namespace}`, `ksa.${pod.namespace}.default`];
}

function endpointChain(iface: string, pod: Pod, direction: 'to' | 'from'): FelixChain {
  const rules: FelixRule[] = [
    { match: felix.ctstate('RELATED,ESTABLISHED'), action: felix.accept },
    { match: felix.ctstate('INVALID'), action: felix.drop },
    { match: '', action: felix.clearMark(MARK_ACCEPT | MARK_PASS) },
  ];
  if (direction === 'from') {
    rules.push(
      { match: `-p 17 -m multiport --destination-ports ${VXLAN_PORT}`, action: felix.drop, comments: ['Drop VXLAN encapped packets originating in workloads'] },
      { match: '-p 4', action: felix.drop, comments: ['Drop IPinIP encapped packets originating in workloads'] },
    );
  }
  const profilePrefix = direction === 'to' ? 'cali-pri-' : 'cali-pro-';
  for (const id of profileIds(pod)) {
    rules.push(
      { match: '', action: felix.jump(lengthLimitedId(profilePrefix, id)) },
      { match: felix.markSet(MARK_ACCEPT), action: felix.ret, comments: ['Return if profile accepted'] },
    );
  }
  rules.push({ match: '', action: felix.drop, comments: ['Drop if no profiles matched'] });
  return { name: lengthLimitedId(direction === 'to' ? 'cali-tw-' : 'cali-fw-', iface), rules };
}

/** A profile with an allow-all rule (the namespace profiles) or none (service-account profiles). */
function profileChains(pods: Pod[]): FelixChain[] {
  const out = new Map<string, FelixChain>();
  for (const pod of pods) {
    for (const id of profileIds(pod)) {
      for (const prefix of ['cali-pri-', 'cali-pro-']) {
        const name = lengthLimitedId(prefix, id);
        const allowAll = id.startsWith('kns.');
        out.set(name, {
          name,
          rules: allowAll ? [{ match: '', action: felix.setMark(MARK_ACCEPT) }, { match: felix.markSet(MARK_ACCEPT), action: felix.ret }] : [],
        });
      }
    }
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function felixRules(cluster: Cluster, node: ClusterNode): { filter: TableRules; nat: TableRules; mangle: TableRules; ipsets: IpSet[] } {
  const pools = effectivePools(cluster);
  const ipip = pools.some((p) => p.ipipMode !== 'Never');
  const vxlan = pools.some((p) => p.vxlanMode !== 'Never');
  const natOutgoing = pools.some((p) => p.natOutgoing);
  const pods = podsWithNetns(cluster.pods, node.name);
  const ifaces = pods.map((p) => calicoVethName(p.namespace, p.name));
  const byIface = new Map(pods.map((p, i) => [ifaces[i]!, p]));
  const vxlanPorts = `-p 17 -m multiport --destination-ports ${VXLAN_PORT}`;

  const input: FelixRule[] = [];
  if (ipip) {
    input.push(
      { match: `-p 4 ${felix.srcSet(IPSET_ALL_HOSTS)} -m addrtype --dst-type LOCAL`, action: felix.accept, comments: ['Allow IPIP packets from Calico hosts'] },
      { match: '-p 4', action: felix.drop, comments: ['Drop IPIP packets from non-Calico hosts'] },
    );
  }
  if (vxlan) {
    input.push(
      { match: `${vxlanPorts} ${felix.srcSet(IPSET_ALL_VXLAN)} -m addrtype --dst-type LOCAL`, action: felix.accept, comments: ['Allow IPv4 VXLAN packets from allowed hosts'] },
      { match: `${vxlanPorts} -m addrtype --dst-type LOCAL`, action: felix.drop, comments: ['Drop IPv4 VXLAN packets from non-allowed hosts'] },
    );
  }
  input.push(
    { match: felix.inIface('cali+'), action: felix.goto('cali-wl-to-host') },
    { match: felix.markSet(MARK_ACCEPT), action: felix.accept },
    { match: '', action: felix.clearMark(ALL_CALICO_MARKS) },
    { match: '', action: felix.jump('cali-from-host-endpoint') },
    { match: felix.markSet(MARK_ACCEPT), action: felix.accept, comments: ['Host endpoint policy accepted packet.'] },
  );

  const output: FelixRule[] = [
    { match: felix.markSet(MARK_ACCEPT), action: felix.accept },
    { match: felix.outIface('cali+'), action: felix.ret },
  ];
  if (ipip) output.push({ match: `-p 4 ${felix.dstSet(IPSET_ALL_HOSTS)} -m addrtype --src-type LOCAL`, action: felix.accept, comments: ['Allow IPIP packets to other Calico hosts'] });
  if (vxlan) {
    output.push({ match: `${vxlanPorts} -m addrtype --src-type LOCAL ${felix.dstSet(IPSET_ALL_VXLAN)}`, action: felix.accept, comments: ['Allow IPv4 VXLAN packets to other allowed hosts'] });
  }
  output.push(
    { match: '', action: felix.clearMark(ALL_CALICO_MARKS) },
    { match: felix.notCtstate('DNAT'), action: felix.jump('cali-to-host-endpoint') },
    { match: felix.markSet(MARK_ACCEPT), action: felix.accept, comments: ['Host endpoint policy accepted packet.'] },
  );

  const filterChains: FelixChain[] = [
    {
      name: 'cali-FORWARD',
      rules: [
        { match: '', action: felix.clearMark(ALL_CALICO_MARKS & ~MARK_ACCEPT) },
        { match: felix.markClear(MARK_ACCEPT), action: felix.jump('cali-from-hep-forward') },
        { match: felix.inIface('cali+'), action: felix.jump('cali-from-wl-dispatch') },
        { match: felix.outIface('cali+'), action: felix.jump('cali-to-wl-dispatch') },
        { match: '', action: felix.jump('cali-to-hep-forward') },
        { match: '', action: felix.jump('cali-cidr-block') },
      ],
    },
    { name: 'cali-INPUT', rules: input },
    { name: 'cali-OUTPUT', rules: output },
    { name: 'cali-wl-to-host', rules: [{ match: '', action: felix.jump('cali-from-wl-dispatch') }, { match: '', action: felix.accept, comments: ['Configured DefaultEndpointToHostAction'] }] },
    { name: 'cali-cidr-block', rules: [] },
    { name: 'cali-from-hep-forward', rules: [] },
    { name: 'cali-to-hep-forward', rules: [] },
    { name: 'cali-from-host-endpoint', rules: [] },
    { name: 'cali-to-host-endpoint', rules: [] },
    ...dispatchChains('cali-from-wl-dispatch', ifaces, felix.inIface, 'cali-fw-'),
    ...dispatchChains('cali-to-wl-dispatch', ifaces, felix.outIface, 'cali-tw-'),
    ...[...byIface].flatMap(([iface, pod]) => [endpointChain(iface, pod, 'to'), endpointChain(iface, pod, 'from')]),
    ...profileChains(pods),
  ];

  const postrouting: FelixRule[] = [
    { match: '', action: felix.jump('cali-fip-snat') },
    { match: '', action: felix.jump('cali-nat-outgoing') },
  ];
  const tunnelMasq = '-m addrtype ! --src-type LOCAL --limit-iface-out -m addrtype --src-type LOCAL';
  if (ipip && (node.ipipTunnelAddr ?? node.calicoBlocks[0])) postrouting.push({ match: `${felix.outIface('tunl0')} ${tunnelMasq}`, action: felix.masq });
  if (vxlan && (node.vxlanTunnelAddr ?? node.calicoBlocks[0])) postrouting.push({ match: `${felix.outIface('vxlan.calico')} ${tunnelMasq}`, action: felix.masq });
  const natChains: FelixChain[] = [
    { name: 'cali-PREROUTING', rules: [{ match: '', action: felix.jump('cali-fip-dnat') }] },
    { name: 'cali-POSTROUTING', rules: postrouting },
    { name: 'cali-OUTPUT', rules: [{ match: '', action: felix.jump('cali-fip-dnat') }] },
    { name: 'cali-fip-dnat', rules: [] },
    { name: 'cali-fip-snat', rules: [] },
    {
      name: 'cali-nat-outgoing',
      rules: natOutgoing ? [{ match: `${felix.srcSet(IPSET_MASQ_POOLS)} ${felix.notDstSet(IPSET_ALL_POOLS)}`, action: felix.masq }] : [],
    },
  ];

  // mangle (StaticManglePreroutingChain / StaticManglePostroutingChain; IptablesMangleAllowAction ACCEPT).
  const mangleChains: FelixChain[] = [
    {
      name: 'cali-PREROUTING',
      rules: [
        { match: felix.ctstate('RELATED,ESTABLISHED'), action: felix.accept },
        { match: felix.markSet(MARK_ACCEPT), action: felix.accept },
        { match: '', action: felix.jump('cali-from-host-endpoint') },
        { match: felix.markSet(MARK_ACCEPT), action: felix.accept, comments: ['Host endpoint policy accepted packet.'] },
      ],
    },
    {
      name: 'cali-POSTROUTING',
      rules: [
        { match: felix.markSet(MARK_ACCEPT), action: felix.ret },
        { match: '', action: felix.clearMark(ALL_CALICO_MARKS) },
        { match: felix.ctstate('DNAT'), action: felix.jump('cali-to-host-endpoint') },
        { match: felix.markSet(MARK_ACCEPT), action: felix.ret, comments: ['Host endpoint policy accepted packet.'] },
      ],
    },
    { name: 'cali-from-host-endpoint', rules: [] },
    { name: 'cali-to-host-endpoint', rules: [] },
  ];

  const hook = (chain: string, target: string) => felixRestoreLines(chain, [{ match: '', action: felix.jump(target) }]);
  const filter: TableRules = {
    chains: filterChains.map((c) => c.name),
    prepend: { INPUT: hook('INPUT', 'cali-INPUT'), FORWARD: hook('FORWARD', 'cali-FORWARD'), OUTPUT: hook('OUTPUT', 'cali-OUTPUT') },
    append: {
      // Felix's FORWARD appends. These two hashes are the ones real nodes show; our derivation of
      // append-rule hashes does not reproduce them, so they are taken as observed.
      FORWARD: [
        '-A FORWARD -m comment --comment "cali:S93hcgKJrXEqnTfs" -m comment --comment "Policy explicitly accepted packet." -m mark --mark 0x10000/0x10000 --jump ACCEPT',
        '-A FORWARD -m comment --comment "cali:mp77cMpurHhyjLrM" --jump MARK --set-mark 0x10000/0x10000',
      ],
    },
    rules: filterChains.flatMap((c) => felixRestoreLines(c.name, c.rules)),
  };
  const nat: TableRules = {
    chains: natChains.map((c) => c.name),
    prepend: { PREROUTING: hook('PREROUTING', 'cali-PREROUTING'), OUTPUT: hook('OUTPUT', 'cali-OUTPUT'), POSTROUTING: hook('POSTROUTING', 'cali-POSTROUTING') },
    append: {},
    rules: natChains.flatMap((c) => felixRestoreLines(c.name, c.rules)),
  };

  const mangle: TableRules = {
    chains: mangleChains.map((c) => c.name),
    prepend: { PREROUTING: hook('PREROUTING', 'cali-PREROUTING'), POSTROUTING: hook('POSTROUTING', 'cali-POSTROUTING') },
    append: {},
    rules: mangleChains.flatMap((c) => felixRestoreLines(c.name, c.rules)),
  };

  const nodeIps = cluster.nodes.map((n) => `${n.ip}/32`);
  const ipsets: IpSet[] = [
    { name: IPSET_ALL_POOLS, type: 'hash:net', members: pools.map((p) => p.cidr) },
    { name: IPSET_MASQ_POOLS, type: 'hash:net', members: pools.filter((p) => p.natOutgoing).map((p) => p.cidr) },
  ];
  if (ipip) ipsets.push({ name: IPSET_ALL_HOSTS, type: 'hash:net', members: nodeIps });
  if (vxlan) ipsets.push({ name: IPSET_ALL_VXLAN, type: 'hash:net', members: nodeIps });
  return { filter, nat, mangle, ipsets };
}
