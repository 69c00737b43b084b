import { Fragment } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Hop } from '../../engine/walk/types';
import { selectHops, useAppStore, type AppData } from '../../state/store';

const NETFILTER_KINDS = new Set<Hop['kind']>(['netfilter', 'nat', 'policy', 'conntrack']);

/** The run of netfilter hops around the current one on the same node: one hook's chain ladder. */
function ladderOf(hops: Hop[], at: number): { start: number; rows: Hop[] } | null {
  const hop = hops[at];
  if (!hop || !NETFILTER_KINDS.has(hop.kind) || (!hop.detail.chain && !hop.detail.table)) return null;
  let start = at;
  while (start > 0 && NETFILTER_KINDS.has(hops[start - 1]!.kind) && hops[start - 1]!.node === hop.node && hops[start - 1]!.detail.table === hop.detail.table) start--;
  let end = at;
  while (end < hops.length - 1 && NETFILTER_KINDS.has(hops[end + 1]!.kind) && hops[end + 1]!.node === hop.node && hops[end + 1]!.detail.table === hop.detail.table) end++;
  return { start, rows: hops.slice(start, end + 1) };
}

const selectLadder = (s: AppData) => ({ hops: selectHops(s), hop: s.hop });

export function ChainLadder() {
  const { hops, hop } = useAppStore(useShallow(selectLadder));
  const ladder = ladderOf(hops, hop);
  if (!ladder) return null;
  const current = hops[hop]!;
  const hook = ladder.rows.find((h) => h.detail.lines?.[0])?.detail.lines?.[0]?.match(/^-A (\S+)/)?.[1];
  const steps = ladder.rows.map((h, i) => ({ label: h.detail.chain ?? h.detail.table ?? h.kind, target: h.detail.target, index: ladder.start + i, kind: h.kind }));
  const last = steps[steps.length - 1];
  return (
    <section className="ladder" aria-label="Chain ladder">
      <h3>
        {current.node ?? ''} · {current.detail.table ?? 'netfilter'} table{current.iface ? ` · in ${current.iface}` : ''}
      </h3>
      <ol>
        {hook && hook !== steps[0]?.label && (
          <>
            <li>{hook}</li>
            <li className="sep" aria-hidden="true">→</li>
          </>
        )}
        {steps.map((s, i) => (
          <Fragment key={s.index}>
            {i > 0 && <li className="sep" aria-hidden="true">→</li>}
            <li className={s.index === hop ? 'lit' : s.kind === 'nat' ? 'nat' : undefined} aria-current={s.index === hop ? 'step' : undefined}>
              {s.label}
            </li>
          </Fragment>
        ))}
        {last?.target && !/^(KUBE-|cali-)/.test(last.target) && last.target !== last.label && (
          <>
            <li className="sep" aria-hidden="true">→</li>
            <li className={last.target === 'DROP' || last.target === 'REJECT' ? 'drop' : last.target === 'DNAT' || last.target === 'SNAT' || last.target === 'MASQUERADE' ? 'nat' : undefined}>{last.target}</li>
          </>
        )}
      </ol>
      {current.detail.rule && <div className="rule">{current.detail.rule}</div>}
    </section>
  );
}
