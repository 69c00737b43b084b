/**
 * The iptables rules the other CNIs keep on a node, as their sources write them:
 * flanneld (pkg/trafficmngr/iptables: FLANNEL-POSTRTG, FLANNEL-FWD), Weave Net (weave router's
 * WEAVE nat chain, weave-npc's WEAVE-NPC* filter chains) and the bridge plugin's per-container
 * `CNI-<hash>` ipMasq chain (plugins/pkg/ip/ipmasq_linux.go). Left out: weave-npc's NFLOG rule
 * (`-o weave -m state --state NEW -j NFLOG --nflog-group 86`), which only logs what the next rule drops.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Cluster, ClusterNode } from '../../cluster/types';
import type { IpSet } from '../../netfilter/types';
import { podsWithNetns } from '../host';
import { containerId } from '../interface-names';
import { nodeSubnet } from '../flannel';
import type { TableRules } from './table-rules';

/** kube-proxy's masquerade mark, which flanneld leaves alone (trafficmngr.KubeProxyMark). */
const KUBE_PROXY_MARK = '0x4000/0x4000';

export function flannelRules(cluster: Cluster, node: ClusterNode): { filter: TableRules; nat: TableRules } {
  const net = cluster.settings.podCIDR;
  const sub = nodeSubnet(cluster, node) ?? net;
  const masq = '-m comment --comment "flanneld masq"';
  const fwd = '-m comment --comment "flanneld forward"';
  return {
    nat: {
      chains: ['FLANNEL-POSTRTG'],
      prepend: {},
      append: { POSTROUTING: [`-A POSTROUTING ${masq} -j FLANNEL-POSTRTG`] },
      rules: [
        `-A FLANNEL-POSTRTG -m mark --mark ${KUBE_PROXY_MARK} ${masq} -j RETURN`,
        `-A FLANNEL-POSTRTG -s ${sub} -d ${net} ${masq} -j RETURN`,
        `-A FLANNEL-POSTRTG -s ${net} -d ${sub} ${masq} -j RETURN`,
        `-A FLANNEL-POSTRTG ! -s ${net} -d ${sub} ${masq} -j RETURN`,
        `-A FLANNEL-POSTRTG -s ${net} ! -d 224.0.0.0/4 ${masq} -j MASQUERADE --random-fully`,
        `-A FLANNEL-POSTRTG ! -s ${net} -d ${net} ${masq} -j MASQUERADE --random-fully`,
      ],
    },
    filter: {
      chains: ['FLANNEL-FWD'],
      prepend: {},
      append: { FORWARD: [`-A FORWARD ${fwd} -j FLANNEL-FWD`] },
      rules: [`-A FLANNEL-FWD -s ${net} ${fwd} -j ACCEPT`, `-A FLANNEL-FWD -d ${net} ${fwd} -j ACCEPT`],
    },
  };
}

/** The bridge plugin's network name in our generated CNI config. */
export const BRIDGE_NETWORK = 'cbr0';

/** utils.FormatChainName: `CNI-` + the first 24 hex chars of SHA-512(network name + container id). */
export function cniChainName(network: string, id: string): string {
  return `CNI-${bytesToHex(sha512(utf8ToBytes(network + id))).slice(0, 24)}`;
}

export function bridgeRules(cluster: Cluster, node: ClusterNode): { nat: TableRules } {
  const sub = node.podCIDR ?? nodeSubnet(cluster, node) ?? cluster.settings.podCIDR;
  const nat: TableRules = { chains: [], prepend: {}, append: { POSTROUTING: [] }, rules: [] };
  for (const pod of podsWithNetns(cluster.pods, node.name)) {
    const id = containerId(pod.namespace, pod.name);
    const chain = cniChainName(BRIDGE_NETWORK, id);
    const comment = `-m comment --comment "name: \\"${BRIDGE_NETWORK}\\" id: \\"${id}\\""`;
    nat.chains.push(chain);
    nat.append.POSTROUTING!.push(`-A POSTROUTING -s ${pod.ip}/32 ${comment} -j ${chain}`);
    nat.rules.push(`-A ${chain} -d ${sub} ${comment} -j ACCEPT`, `-A ${chain} ! -d 224.0.0.0/4 ${comment} -j MASQUERADE`);
  }
  return { nat };
}

/**
 * weave-npc's ipset names are `weave-` + a hash of what they hold; ours hash the same input with
 * SHA-256 into the same shape (printable, 31 characters at most).
 */
function weaveSetName(kind: string, key: string): string {
  return `weave-${bytesToHex(sha256(utf8ToBytes(`${kind}:${key}`))).slice(0, 20)}`;
}

export function weaveRules(cluster: Cluster, node: ClusterNode): { filter: TableRules; nat: TableRules; ipsets: IpSet[] } {
  const range = cluster.settings.podCIDR;
  const namespaces = [...new Set(cluster.pods.filter((p) => !p.hostNetwork && p.ip).map((p) => p.namespace))].sort();
  const ipsets: IpSet[] = [{ name: 'weaver-no-masq-local', type: 'hash:net', members: podsWithNetns(cluster.pods, node.name).map((p) => `${p.ip}/32`) }];
  const npcDefault: string[] = [];
  const egressDefault: string[] = [];
  for (const ns of namespaces) {
    const members = cluster.pods.filter((p) => p.namespace === ns && !p.hostNetwork && p.ip).map((p) => p.ip);
    const ingress = weaveSetName('ingress', ns);
    const egress = weaveSetName('egress', ns);
    ipsets.push({ name: ingress, type: 'hash:ip', members }, { name: egress, type: 'hash:ip', members });
    npcDefault.push(`-A WEAVE-NPC-DEFAULT -m set --match-set ${ingress} dst -m comment --comment "DefaultAllow ingress isolation for namespace: ${ns}" -j ACCEPT`);
    egressDefault.push(
      `-A WEAVE-NPC-EGRESS-DEFAULT -m set --match-set ${egress} src -m comment --comment "DefaultAllow egress isolation for namespace: ${ns}" -j WEAVE-NPC-EGRESS-ACCEPT`,
      `-A WEAVE-NPC-EGRESS-DEFAULT -m set --match-set ${egress} src -m comment --comment "DefaultAllow egress isolation for namespace: ${ns}" -j RETURN`,
    );
  }
  const note = `-m comment --comment "NOTE: this must go before '-j KUBE-FORWARD'"`;
  return {
    ipsets,
    nat: {
      chains: ['WEAVE'],
      prepend: {},
      append: { POSTROUTING: ['-A POSTROUTING -j WEAVE'] },
      rules: [
        '-A WEAVE -m set --match-set weaver-no-masq-local dst -m comment --comment "Prevent SNAT to locally running containers" -j RETURN',
        `-A WEAVE -s ${range} -d 224.0.0.0/4 -j RETURN`,
        `-A WEAVE ! -s ${range} -d ${range} -j MASQUERADE`,
        `-A WEAVE -s ${range} ! -d ${range} -j MASQUERADE`,
      ],
    },
    filter: {
      chains: ['WEAVE-CANARY', 'WEAVE-NPC', 'WEAVE-NPC-DEFAULT', 'WEAVE-NPC-EGRESS', 'WEAVE-NPC-EGRESS-ACCEPT', 'WEAVE-NPC-EGRESS-CUSTOM', 'WEAVE-NPC-EGRESS-DEFAULT', 'WEAVE-NPC-INGRESS'],
      prepend: {
        INPUT: [
          '-A INPUT -d 127.0.0.1/32 -p tcp -m tcp --dport 6784 -m addrtype ! --src-type LOCAL -m conntrack ! --ctstate RELATED,ESTABLISHED -m comment --comment "Block non-local access to Weave Net control port" -j DROP',
          '-A INPUT -i weave -j WEAVE-NPC-EGRESS',
        ],
        FORWARD: [
          `-A FORWARD -i weave ${note} -j WEAVE-NPC-EGRESS`,
          `-A FORWARD -o weave ${note} -j WEAVE-NPC`,
          '-A FORWARD -o weave -j DROP',
          '-A FORWARD -i weave ! -o weave -j ACCEPT',
          '-A FORWARD -o weave -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        ],
      },
      append: {},
      rules: [
        '-A WEAVE-NPC -m state --state RELATED,ESTABLISHED -j ACCEPT',
        '-A WEAVE-NPC -d 224.0.0.0/4 -j ACCEPT',
        '-A WEAVE-NPC -m physdev --physdev-out vethwe-bridge --physdev-is-bridged -j ACCEPT',
        '-A WEAVE-NPC -m state --state NEW -j WEAVE-NPC-DEFAULT',
        '-A WEAVE-NPC -m state --state NEW -j WEAVE-NPC-INGRESS',
        ...npcDefault,
        '-A WEAVE-NPC-EGRESS -m state --state RELATED,ESTABLISHED -j ACCEPT',
        '-A WEAVE-NPC-EGRESS -m physdev --physdev-in vethwe-bridge --physdev-is-bridged -j RETURN',
        '-A WEAVE-NPC-EGRESS -m addrtype --dst-type LOCAL -j RETURN',
        '-A WEAVE-NPC-EGRESS -d 224.0.0.0/4 -j RETURN',
        '-A WEAVE-NPC-EGRESS -m state --state NEW -j WEAVE-NPC-EGRESS-DEFAULT',
        '-A WEAVE-NPC-EGRESS -m state --state NEW -m mark ! --mark 0x40000/0x40000 -j WEAVE-NPC-EGRESS-CUSTOM',
        '-A WEAVE-NPC-EGRESS-ACCEPT -j MARK --set-xmark 0x40000/0x40000',
        ...egressDefault,
      ],
    },
  };
}
