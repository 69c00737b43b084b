import { Fragment, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Hop } from '../../engine/walk/types';
import { selectHops, useAppStore, type AppData } from '../../state/store';

const NAT_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT']);
const DROP_TARGETS = new Set(['DROP', 'REJECT']);

/** The walker lists the chains a hook walked as `chains: A → B → C`, then the rules that matched. */
function chainsOf(hop: Hop): string[] | null {
  const first = hop.detail.lines?.[0];
  if (!first?.startsWith('chains: ')) return hop.detail.chain ? [hop.detail.chain] : null;
  return first.slice('chains: '.length).split(' → ').filter(Boolean);
}

/** The netfilter hop whose ladder to show: this one, or the hook a NAT/conntrack hop just came from. */
function ladderHop(hops: Hop[], at: number): { hop: Hop; fromNat: boolean } | null {
  const here = hops[at];
  if (!here) return null;
  if (here.kind === 'netfilter' || here.kind === 'policy') return chainsOf(here) ? { hop: here, fromNat: false } : null;
  if (here.kind === 'nat') {
    for (let i = at - 1; i >= Math.max(0, at - 3); i--) {
      const h = hops[i]!;
      if (h.kind === 'netfilter' && h.node === here.node && h.detail.table === here.detail.table) return { hop: h, fromNat: true };
    }
    return here.detail.chain ? { hop: here, fromNat: true } : null;
  }
  return null;
}

const selectLadder = (s: AppData) => ({ hops: selectHops(s), hop: s.hop });

/** One hook's chain ladder (PREROUTING → KUBE-SERVICES → KUBE-SVC-… → KUBE-SEP-… → DNAT), matched rule lit. */
export function ChainLadder() {
  const { hops, hop } = useAppStore(useShallow(selectLadder));
  // Compact by default (the deciding rule only), so the ladder covers little of the picture.
  const [allRules, setAllRules] = useState(false);
  const found = ladderHop(hops, hop);
  if (!found) return null;
  const { hop: h, fromNat } = found;
  const chains = chainsOf(h) ?? [];
  const target = h.detail.target;
  const rules = (h.detail.lines ?? []).filter((l) => !l.startsWith('chains: '));
  const decided = h.detail.rule;
  const targetClass = target && NAT_TARGETS.has(target) ? 'nat' : target && DROP_TARGETS.has(target) ? 'drop' : '';
  return (
    <section className="ladder" aria-label="Chain ladder">
      <h3>
        {h.node ?? ''} · {h.detail.table ?? 'netfilter'} table{h.iface ? ` · ${h.iface}` : ''}
      </h3>
      <ol>
        {chains.map((c, i) => (
          <Fragment key={`${c}-${i}`}>
            {i > 0 && (
              <li className="sep" aria-hidden="true">
                →
              </li>
            )}
            <li className={!fromNat && i === chains.length - 1 ? 'lit' : undefined}>{c}</li>
          </Fragment>
        ))}
        {target && !chains.includes(target) && (
          <>
            <li className="sep" aria-hidden="true">
              →
            </li>
            <li className={`${targetClass}${fromNat ? ' lit' : ''}`} aria-current={fromNat ? 'step' : undefined}>
              {target}
            </li>
          </>
        )}
      </ol>
      {rules.length > 0 && (
        <ul className="rules" aria-label="Rules that matched">
          {(allRules || !decided || !rules.includes(decided) ? rules : [decided]).map((r, i) => (
            <li key={i} className={r === decided ? 'hit' : undefined} title={r}>
              {r}
            </li>
          ))}
        </ul>
      )}
      {rules.length > 1 && decided && rules.includes(decided) && (
        <button type="button" className="link" aria-expanded={allRules} onClick={() => setAllRules(!allRules)}>
          {allRules ? 'Only the deciding rule' : `All ${rules.length} rules that matched`}
        </button>
      )}
    </section>
  );
}
