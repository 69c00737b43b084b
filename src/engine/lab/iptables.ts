/**
 * Loads a node's modelled rule set into its netns: ipsets first (rules refer to them), nfacct
 * objects, then `iptables-restore` of exactly what `packetwalk rules --format save` prints.
 */
import type { NodeDataplane } from '../dataplane/types';
import { printIptablesSave } from '../netfilter';
import type { Ruleset } from '../netfilter/types';
import { ScriptLines, sh } from './shell';

/** Names used by `-m nfacct --nfacct-name NAME` (kube-proxy's localhost NodePort counters). */
export function nfacctNames(ruleset: Ruleset): string[] {
  const names = new Set<string>();
  for (const t of ruleset.tables)
    for (const c of t.chains)
      for (const r of c.rules)
        for (const m of r.matches)
          if (m.module === 'nfacct') for (const o of m.options) if (o.name === 'nfacct-name') o.values.forEach((v) => names.add(v));
  return [...names].sort();
}

/** The same rule set without its `-m nfacct` matches, which only count and never decide. */
export function withoutNfacct(ruleset: Ruleset): Ruleset {
  return {
    tables: ruleset.tables.map((t) => ({
      ...t,
      chains: t.chains.map((c) => ({ ...c, rules: c.rules.map((r) => ({ ...r, matches: r.matches.filter((m) => m.module !== 'nfacct') })) })),
    })),
  };
}

export function iptablesState(netns: string, nd: NodeDataplane, notes: string[]): ScriptLines {
  const out = new ScriptLines();
  if (nd.ipsets.length > 0) {
    out.add('pw_need ipset "apt-get install ipset"');
    const lines: string[] = [];
    for (const s of nd.ipsets) {
      lines.push(`create ${s.name} ${s.type} family inet`);
      for (const m of s.members) lines.push(`add ${s.name} ${m}`);
    }
    out.heredoc(`ip netns exec ${netns} ipset restore -exist`, lines.join('\n'));
  }
  if (nd.iptables.tables.length === 0) return out;
  const saveText = printIptablesSave(nd.iptables);
  const acct = nfacctNames(nd.iptables);
  if (acct.length === 0) {
    out.heredoc(`ip netns exec ${netns} iptables-restore`, saveText);
    return out;
  }
  notes.push(`${nd.node}: nfacct counters ${acct.join(', ')} need the nfacct tool; without it the rules load without their -m nfacct matches`);
  out.add('if command -v nfacct >/dev/null 2>&1; then');
  for (const a of acct) out.add(`  ip netns exec ${netns} nfacct add ${sh(a)} >/dev/null`);
  out.heredoc(`  ip netns exec ${netns} iptables-restore`, saveText);
  out.add('else');
  out.add(`  pw_note "${nd.node}: no nfacct tool (apt-get install nfacct): loading the rules without their -m nfacct matches (they only count)"`);
  out.heredoc(`  ip netns exec ${netns} iptables-restore`, printIptablesSave(withoutNfacct(nd.iptables)));
  out.add('fi');
  return out;
}
