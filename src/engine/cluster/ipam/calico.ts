import { formatCidr, maskOf, parseCidr, parseIPv4, prefixContains, prefixSize, type Prefix } from '../../net/ipv4';
import type { ManifestObject } from '../../parse/types';
import { problem, type Problem } from '../../problems';
import type { CalicoBlock, CalicoPool, ClusterNode, ClusterSettings } from '../types';
import { asBool, asInt, asText, at } from '../manifest-fields';
import type { PodDraft } from '../workloads';
import { AddressBook, AddressRange, needsAddress, reservePastedAddresses, type AddressOwner } from './address-book';

const CALICO_API_VERSIONS = new Set(['crd.projectcalico.org/v1', 'projectcalico.org/v3']);

export function isCalicoKind(o: ManifestObject, kind: 'IPPool' | 'BlockAffinity'): boolean {
  return o.kind === kind && CALICO_API_VERSIONS.has(o.apiVersion);
}

function encapMode(v: unknown): CalicoPool['ipipMode'] {
  return v === 'Always' || v === 'CrossSubnet' ? v : 'Never';
}

/** IPPool objects (both API groups share the field names), else the pool calico-node creates. */
export function readPools(objects: ManifestObject[], settings: ClusterSettings, problems: Problem[]): CalicoPool[] {
  const pools: CalicoPool[] = [];
  for (const o of objects) {
    if (!isCalicoKind(o, 'IPPool')) continue;
    const cidrText = at(o.body, 'spec', 'cidr');
    const p = typeof cidrText === 'string' && cidrText.includes('/') ? parseCidr(cidrText) : null;
    if (!p) {
      problems.push(problem('error', 'bad-cidr', `IPPool ${o.name}: spec.cidr is not an IPv4 CIDR`, o.locate(['spec', 'cidr']), 'spec.cidr'));
      continue;
    }
    const blockSize = asInt(at(o.body, 'spec', 'blockSize')) ?? 26;
    if (blockSize < p.len || blockSize > 32) {
      problems.push(problem('error', 'bad-value', `IPPool ${o.name}: blockSize ${blockSize} does not fit ${formatCidr(p)}`,
        o.locate(['spec', 'blockSize']), 'spec.blockSize'));
      continue;
    }
    pools.push({
      name: o.name,
      cidr: formatCidr(p),
      blockSize,
      ipipMode: encapMode(at(o.body, 'spec', 'ipipMode')),
      vxlanMode: encapMode(at(o.body, 'spec', 'vxlanMode')),
      natOutgoing: asBool(at(o.body, 'spec', 'natOutgoing')) ?? false,
      disabled: asBool(at(o.body, 'spec', 'disabled')) ?? false,
    });
  }
  if (pools.length) return pools;
  const enc = settings.calico.encapsulation;
  return [{
    name: 'default-ipv4-ippool',
    cidr: settings.podCIDR,
    blockSize: Math.max(settings.calico.blockSize, parseCidr(settings.podCIDR)?.len ?? 0),
    ipipMode: enc === 'IPIP' ? 'Always' : 'Never',
    vxlanMode: enc === 'VXLAN' ? 'Always' : 'Never',
    natOutgoing: settings.calico.natOutgoing,
    disabled: false,
  }];
}

interface LivePool {
  pool: CalicoPool;
  prefix: Prefix;
  /** Next block index to try when a node needs a fresh block. */
  nextBlock: number;
}

/**
 * Calico IPAM: blocks of `blockSize` carved from the enabled pools, each affine to one node.
 * Pinned by BlockAffinity objects, then by pasted addresses (tunnel annotations, pod IPs), then
 * node i (node order) takes the next free block. The tunnel address (IPIP or VXLAN) is the
 * annotation or the first free address of the node's first block; pods follow in order, and a
 * node whose blocks are full claims another block, as calico-ipam does.
 */
export function calicoIpam(
  objects: ManifestObject[],
  settings: ClusterSettings,
  nodes: ClusterNode[],
  drafts: PodDraft[],
  problems: Problem[],
): { pools: CalicoPool[]; blocks: CalicoBlock[] } {
  const pools = readPools(objects, settings, problems);
  const live: LivePool[] = [];
  for (const pool of pools) {
    const prefix = parseCidr(pool.cidr);
    if (prefix && !pool.disabled) live.push({ pool, prefix, nextBlock: 0 });
  }
  const blockOwner = new Map<number, string>(); // block network address → node
  const blockLen = new Map<number, number>();
  const ranges = new Map<string, AddressRange[]>();
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const book = new AddressBook();

  const poolOf = (addr: number) => live.find((l) => prefixContains(l.prefix, addr));
  const pin = (net: number, len: number, node: string) => {
    blockOwner.set(net, node);
    blockLen.set(net, len);
    const n = nodeByName.get(node);
    if (!n) return;
    n.calicoBlocks.push(formatCidr({ net, len }));
    const list = ranges.get(node) ?? [];
    list.push(new AddressRange(net, net + prefixSize(len)));
    ranges.set(node, list);
  };
  const pinAddress = (addr: number, node: string) => {
    const l = poolOf(addr);
    if (!l) return;
    const net = (addr & maskOf(l.pool.blockSize)) >>> 0;
    if (!blockOwner.has(net)) pin(net, l.pool.blockSize, node);
  };
  const claimBlock = (node: string): boolean => {
    for (const l of live) {
      const count = prefixSize(l.pool.blockSize) === 0 ? 0 : 2 ** (l.pool.blockSize - l.prefix.len);
      while (l.nextBlock < count) {
        const net = (l.prefix.net + l.nextBlock * prefixSize(l.pool.blockSize)) >>> 0;
        l.nextBlock++;
        if (!blockOwner.has(net)) {
          pin(net, l.pool.blockSize, node);
          return true;
        }
      }
    }
    return false;
  };

  for (const o of objects) {
    if (!isCalicoKind(o, 'BlockAffinity')) continue;
    const state = at(o.body, 'spec', 'state');
    if (state !== undefined && state !== 'confirmed') continue;
    const cidr = asText(at(o.body, 'spec', 'cidr'));
    const node = asText(at(o.body, 'spec', 'node'));
    const p = cidr ? parseCidr(cidr) : null;
    if (!p || !node) {
      problems.push(problem('error', 'bad-value', `BlockAffinity ${o.name} needs spec.cidr and spec.node`, o.source));
      continue;
    }
    if (!nodeByName.has(node)) {
      problems.push(problem('warning', 'dangling-ref', `BlockAffinity ${o.name} names unknown node ${node}`, o.locate(['spec', 'node']), 'spec.node'));
      continue;
    }
    if (blockOwner.has(p.net)) {
      problems.push(problem('error', 'block-conflict', `block ${formatCidr(p)} is affine to ${blockOwner.get(p.net)} already`, o.locate(['spec', 'cidr']), 'spec.cidr'));
      continue;
    }
    pin(p.net, p.len, node);
  }

  // Addresses already handed out from a pool that is now disabled stay valid.
  const allPrefixes = pools.flatMap((p) => parseCidr(p.cidr) ?? []);
  const inPools = (a: number) => allPrefixes.some((p) => prefixContains(p, a));
  reservePastedAddresses(drafts, book, inPools, pools.map((p) => p.cidr).join(', '), problems);
  const ipip = live.some((l) => l.pool.ipipMode !== 'Never');
  const vxlan = live.some((l) => l.pool.vxlanMode !== 'Never');
  for (const n of nodes) {
    for (const t of [ipip ? n.ipipTunnelAddr : undefined, vxlan ? n.vxlanTunnelAddr : undefined]) {
      const a = t ? parseIPv4(t) : null;
      if (a === null) continue;
      book.take(a, `node ${n.name} tunnel`);
      pinAddress(a, n.name);
    }
  }
  for (const d of drafts) {
    if (d.pod.ip && !d.pod.hostNetwork && d.pod.node) pinAddress(parseIPv4(d.pod.ip) ?? 0, d.pod.node);
  }
  for (const n of nodes) if (!ranges.has(n.name)) claimBlock(n.name);

  const allocate = (node: string, owner: AddressOwner): string | undefined => {
    for (;;) {
      for (const r of ranges.get(node) ?? []) {
        const ip = r.next(book, owner);
        if (ip) return ip;
      }
      if (!claimBlock(node)) return undefined;
    }
  };
  for (const n of nodes) {
    if (ipip && !n.ipipTunnelAddr) n.ipipTunnelAddr = allocate(n.name, `node ${n.name} tunl0`);
    if (vxlan && !n.vxlanTunnelAddr) n.vxlanTunnelAddr = allocate(n.name, `node ${n.name} vxlan.calico`);
  }
  for (const d of drafts) {
    if (!needsAddress(d) || !nodeByName.has(d.pod.node)) continue;
    const ip = allocate(d.pod.node, d.pod);
    if (ip) d.pod.ip = ip;
    else problems.push(problem('error', 'ipam-exhausted', `no free address in the Calico pools for pod ${d.pod.namespace}/${d.pod.name}`, d.pod.source));
  }

  const blocks: CalicoBlock[] = [...blockOwner.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([net, node]) => ({ cidr: formatCidr({ net, len: blockLen.get(net) ?? 32 }), node }));
  return { pools, blocks };
}

