/**
 * The rule set the walker evaluates on a node: the dataplane's full one (kube-proxy + CNI + base
 * chains). Adapter for a dataplane that has not filled it in yet: kube-proxy's restore text plus
 * its jumps from the built-in chains, parsed by the one netfilter parser (no CNI chains then).
 */
import type { Cluster } from '../cluster/types';
import type { NodeDataplane } from '../dataplane/types';
import { kubeProxyHookRules, kubeProxyRestoreText } from '../kube-proxy';
import { BUILTIN_CHAINS, parseIptables } from '../netfilter';
import type { Ruleset, TableName } from '../netfilter/types';

const fallback = new WeakMap<NodeDataplane, Ruleset>();

export function nodeRuleset(cluster: Cluster, dp: NodeDataplane): Ruleset {
  if (dp.iptables.tables.some((t) => t.chains.length > 0)) return dp.iptables;
  const cached = fallback.get(dp);
  if (cached) return cached;
  const restore = kubeProxyRestoreText(cluster, dp.node);
  const hooks = kubeProxyHookRules(cluster);
  const out: string[] = [];
  for (const block of restore.split(/^COMMIT$/m)) {
    const m = /^\*(\w+)$/m.exec(block);
    if (!m) continue;
    const table = m[1] as TableName;
    out.push(`*${table}`);
    for (const c of BUILTIN_CHAINS[table] ?? []) out.push(`:${c} ACCEPT [0:0]`);
    out.push(...block.slice(m.index + m[0].length).split('\n').filter((l) => l.trim() !== ''));
    out.push(...hooks.filter((h) => h.table === table).map((h) => h.rule));
    out.push('COMMIT');
  }
  const ruleset = parseIptables(out.join('\n') + '\n').ruleset;
  fallback.set(dp, ruleset);
  return ruleset;
}
