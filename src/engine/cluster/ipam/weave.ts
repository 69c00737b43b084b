import { formatCidr, parseCidr, prefixContains, prefixSize } from '../../net/ipv4';
import { problem, type Problem } from '../../problems';
import type { ClusterNode, ClusterSettings } from '../types';
import type { PodDraft } from '../workloads';
import { AddressBook, AddressRange, needsAddress, reservePastedAddresses } from './address-book';

/**
 * Weave Net IPAM. Real weave splits its range (10.32.0.0/12 by default) between peers through a
 * CRDT as they ask for space, so the exact split depends on join order and timing. We choose the
 * deterministic equivalent: with n nodes the range is cut into 2^ceil(log2 n) equal parts and node
 * i (node order) owns part i (3 nodes: 10.32.0.0/14, 10.36.0.0/14, 10.40.0.0/14). Weave never hands
 * out the range's own network or broadcast address. The first usable address of each node's part is
 * the `weave` bridge's (`weave expose`); pods take the following ones. `node.podCIDR` carries the part.
 */
export function weaveIpam(settings: ClusterSettings, nodes: ClusterNode[], drafts: PodDraft[], problems: Problem[]): void {
  const range = parseCidr(settings.podCIDR);
  if (!range || nodes.length === 0) return;
  const bits = Math.ceil(Math.log2(nodes.length));
  const partLen = Math.min(32, range.len + bits);
  const first = range.net + 1;
  const last = range.net + prefixSize(range.len) - 1; // the broadcast address, excluded
  const book = new AddressBook();
  reservePastedAddresses(drafts, book, (a) => prefixContains(range, a), settings.podCIDR, problems);
  const ranges = new Map<string, AddressRange>();
  nodes.forEach((n, i) => {
    const net = (range.net + i * prefixSize(partLen)) >>> 0;
    n.podCIDR = formatCidr({ net, len: partLen });
    const start = Math.max(net, first);
    const end = Math.min(net + prefixSize(partLen), last);
    const r = new AddressRange(start, end);
    const bridge = r.next(book, `node ${n.name} weave`);
    if (bridge) n.bridgeAddr = bridge;
    ranges.set(n.name, r);
  });
  for (const d of drafts) {
    if (!needsAddress(d)) continue;
    const ip = ranges.get(d.pod.node)?.next(book, d.pod);
    if (ip) d.pod.ip = ip;
    else if (ranges.has(d.pod.node)) {
      problems.push(problem('error', 'ipam-exhausted', `weave range of node ${d.pod.node} is full (pod ${d.pod.namespace}/${d.pod.name})`, d.pod.source));
    }
  }
}
