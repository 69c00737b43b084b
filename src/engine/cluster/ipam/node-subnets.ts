import { formatCidr, formatIPv4, parseCidr, prefixContains, prefixSize, type Prefix } from '../../net/ipv4';
import { problem, type Problem } from '../../problems';
import type { ClusterNode, ClusterSettings } from '../types';
import type { PodDraft } from '../workloads';
import { AddressBook, AddressRange, needsAddress, reservePastedAddresses } from './address-book';

const overlaps = (a: Prefix, b: Prefix) => prefixContains(a, b.net) || prefixContains(b, a.net);

/**
 * One subnet per node, as kube-controller-manager's node IPAM hands them out (`--allocate-node-cidrs`,
 * /24 by default): a node keeps its spec.podCIDR; the others take, in node order, the lowest /24
 * of the cluster pod CIDR not already in use.
 */
function assignNodeSubnets(settings: ClusterSettings, nodes: ClusterNode[], problems: Problem[]): void {
  const cluster = parseCidr(settings.podCIDR);
  if (!cluster) return;
  const subLen = Math.max(24, cluster.len);
  const used: Prefix[] = [];
  for (const n of nodes) {
    const p = n.podCIDR ? parseCidr(n.podCIDR) : null;
    if (p) used.push(p);
  }
  let i = 0;
  const count = 2 ** (subLen - cluster.len);
  for (const n of nodes) {
    if (n.podCIDR && parseCidr(n.podCIDR)) continue;
    while (i < count) {
      const cand: Prefix = { net: (cluster.net + i * prefixSize(subLen)) >>> 0, len: subLen };
      i++;
      if (!used.some((u) => overlaps(u, cand))) {
        used.push(cand);
        n.podCIDR = formatCidr(cand);
        break;
      }
    }
    if (!n.podCIDR) problems.push(problem('error', 'ipam-exhausted', `no free /${subLen} left in ${settings.podCIDR} for node ${n.name}`, n.source));
  }
}

/**
 * Flannel (host-local IPAM over the node's /24: `.0` is flannel.1, `.1` is cni0, pods from `.2`) and
 * the bridge plugin (host-local: `.1` is the cni0 gateway, pods from `.2`).
 */
export function nodeSubnetIpam(settings: ClusterSettings, nodes: ClusterNode[], drafts: PodDraft[], problems: Problem[]): void {
  assignNodeSubnets(settings, nodes, problems);
  const book = new AddressBook();
  const subnets = nodes.flatMap((n) => {
    const p = n.podCIDR ? parseCidr(n.podCIDR) : null;
    return p ? [p] : [];
  });
  const cluster = parseCidr(settings.podCIDR);
  const inNetwork = (a: number) => (cluster ? prefixContains(cluster, a) : false) || subnets.some((s) => prefixContains(s, a));
  reservePastedAddresses(drafts, book, inNetwork, settings.podCIDR, problems);
  const ranges = new Map<string, AddressRange>();
  for (const n of nodes) {
    const p = n.podCIDR ? parseCidr(n.podCIDR) : null;
    if (!p) continue;
    if (settings.cni === 'flannel') {
      n.flannelAddr = formatIPv4(p.net);
      book.take(p.net, `node ${n.name} flannel.1`);
    }
    n.bridgeAddr = formatIPv4(p.net + 1);
    book.take(p.net + 1, `node ${n.name} cni0`);
    // host-local hands out .2 .. broadcast-1.
    ranges.set(n.name, new AddressRange(p.net + 2, p.net + prefixSize(p.len) - 1));
  }
  for (const d of drafts) {
    if (!needsAddress(d)) continue;
    const r = ranges.get(d.pod.node);
    if (!r) continue;
    const ip = r.next(book, d.pod);
    if (ip) d.pod.ip = ip;
    else problems.push(problem('error', 'ipam-exhausted', `node ${d.pod.node}'s pod subnet is full (pod ${d.pod.namespace}/${d.pod.name})`, d.pod.source));
  }
}
