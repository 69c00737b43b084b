/**
 * A node's whole rule set: the built-in chains of raw/mangle/nat/filter, kube-proxy's restore text
 * and hook jumps, and the CNI's chains, composed as one iptables-restore text and parsed once.
 * Order inside a built-in chain is what the programs' insert/append calls leave: the CNI's inserted
 * rules (Felix and weave-npc insert at the top and keep themselves there), then kube-proxy's jumps,
 * then appended rules (flanneld, the bridge plugin, Felix's FORWARD tail).
 */
import type { Cluster, ClusterNode } from '../../cluster/types';
import { kubeProxyCanaryChains, kubeProxyHookRules, kubeProxyRestoreText } from '../../kube-proxy';
import { BUILTIN_CHAINS, parseIptables } from '../../netfilter';
import type { IpSet, Ruleset, TableName } from '../../netfilter/types';
import type { Problem } from '../../problems';
import { felixRules } from './calico-felix';
import { bridgeRules, flannelRules, weaveRules } from './cni-rules';
import { emptyTableRules, type TableRules } from './table-rules';

const TABLES: TableName[] = ['raw', 'mangle', 'nat', 'filter'];

/** kube-proxy's restore text split per table into chain declarations and `-A` lines. */
function splitRestore(text: string): Map<TableName, TableRules> {
  const out = new Map<TableName, TableRules>();
  let cur: TableRules | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      cur = out.get(line.slice(1) as TableName) ?? emptyTableRules();
      out.set(line.slice(1) as TableName, cur);
    } else if (!cur || line === 'COMMIT' || line === '' || line.startsWith('#')) {
      continue;
    } else if (line.startsWith(':')) cur.chains.push(line.slice(1).split(' ')[0]!);
    else cur.rules.push(line);
  }
  return out;
}

function kubeProxyParts(cluster: Cluster, node: ClusterNode): Map<TableName, TableRules> {
  const parts = splitRestore(kubeProxyRestoreText(cluster, node.name));
  const get = (t: TableName) => {
    let p = parts.get(t);
    if (!p) parts.set(t, (p = emptyTableRules()));
    return p;
  };
  for (const h of kubeProxyHookRules(cluster)) {
    const p = get(h.table);
    (p.prepend[h.chain] ??= []).push(h.rule);
  }
  for (const c of kubeProxyCanaryChains()) get(c.table).chains.push(c.chain);
  return parts;
}

function cniParts(cluster: Cluster, node: ClusterNode): { tables: Map<TableName, TableRules>; ipsets: IpSet[] } {
  const tables = new Map<TableName, TableRules>();
  switch (cluster.settings.cni) {
    case 'calico': {
      const r = felixRules(cluster, node);
      tables.set('filter', r.filter).set('nat', r.nat).set('mangle', r.mangle);
      return { tables, ipsets: r.ipsets };
    }
    case 'flannel': {
      const r = flannelRules(cluster, node);
      tables.set('filter', r.filter).set('nat', r.nat);
      return { tables, ipsets: [] };
    }
    case 'weave': {
      const r = weaveRules(cluster, node);
      tables.set('filter', r.filter).set('nat', r.nat);
      return { tables, ipsets: r.ipsets };
    }
    case 'bridge':
      tables.set('nat', bridgeRules(cluster, node).nat);
      return { tables, ipsets: [] };
  }
}

/** The restore text for the node; `iptables-save` of it is what `packetwalk rules --format save` prints. */
/** `push(...xs)` passes every element as an argument: a node with thousands of pods overflows the stack. */
function append(to: string[], xs: readonly string[]): void {
  for (const x of xs) to.push(x);
}

export function nodeRestoreText(cluster: Cluster, node: ClusterNode): { text: string; ipsets: IpSet[] } {
  const kp = kubeProxyParts(cluster, node);
  const cni = cniParts(cluster, node);
  const lines: string[] = [];
  for (const table of TABLES) {
    const k = kp.get(table) ?? emptyTableRules();
    const c = cni.tables.get(table) ?? emptyTableRules();
    lines.push(`*${table}`);
    const builtins = BUILTIN_CHAINS[table];
    for (const b of builtins) lines.push(`:${b} ACCEPT [0:0]`);
    for (const name of new Set([...c.chains, ...k.chains])) if (!builtins.includes(name)) lines.push(`:${name} - [0:0]`);
    for (const b of builtins) {
      for (const part of [c.prepend[b], k.prepend[b], k.append[b], c.append[b]]) append(lines, part ?? []);
    }
    append(lines, c.rules);
    append(lines, k.rules);
    lines.push('COMMIT');
  }
  return { text: `${lines.join('\n')}\n`, ipsets: cni.ipsets };
}

export function nodeIptables(cluster: Cluster, node: ClusterNode): { ruleset: Ruleset; ipsets: IpSet[]; problems: Problem[] } {
  const { text, ipsets } = nodeRestoreText(cluster, node);
  const { ruleset, problems } = parseIptables(text);
  return { ruleset, ipsets, problems };
}
