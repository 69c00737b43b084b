import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Hop } from '../engine/walk/types';
import { selectCurrentHop, useAppStore, type AppData } from '../state/store';
import { TERMINAL_VIEWS, type TerminalViewName } from '../worker/protocol';

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The text the current hop used, to find its line in a terminal view. */
function needles(hop: Hop | null, view: TerminalViewName): string[] {
  if (!hop) return [];
  const d = hop.detail;
  // A conntrack entry is found by its original tuple: the listing shows it as it stands after the
  // reply (ESTABLISHED), the hop as it was then (SYN_SENT, UNREPLIED).
  const tuple = d.conntrack ? /src=\S+ dst=\S+ (?:sport=\d+ dport=\d+|type=\d+ code=\d+ id=\d+)/.exec(d.conntrack)?.[0] : undefined;
  // The resolver's query goes to a nameserver of resolv.conf.
  const nameserver = hop.packet.dport === 53 && hop.packet.proto === 'udp' ? `nameserver ${hop.packet.dst}` : undefined;
  const out: (string | undefined)[] =
    view === 'route' ? [d.route] : view === 'iptables' ? [d.rule, ...(d.lines ?? [])] : view === 'neigh' ? [d.neighbour] : view === 'conntrack' ? [tuple] : view === 'resolv' ? [nameserver] : [];
  return out.filter((s): s is string => Boolean(s)).map(squash);
}

const netnsOf = (hop: Hop | null): { node: string; netns: string } | null => {
  if (!hop || !hop.node) return null;
  return { node: hop.node, netns: hop.netns.startsWith('pod:') ? hop.netns : 'host' };
};

const selectTerminal = (s: AppData) => ({ terminal: s.terminal, views: s.views, hop: selectCurrentHop(s), topology: s.topology });

export function TerminalView() {
  const { terminal, views, hop, topology } = useAppStore(useShallow(selectTerminal));
  const setTerminal = useAppStore((s) => s.setTerminal);
  const [follow, setFollow] = useState(true);
  const pre = useRef<HTMLPreElement>(null);

  // Follow the current hop's namespace unless the user picked one.
  const here = netnsOf(hop);
  useEffect(() => {
    if (!here) return;
    const view = terminal?.view ?? 'route';
    if (follow || !terminal) {
      if (terminal?.node !== here.node || terminal.netns !== here.netns) setTerminal({ ...here, view });
    }
  }, [follow, here?.node, here?.netns]); // eslint-disable-line react-hooks/exhaustive-deps

  const options = useMemo(() => {
    if (!topology) return [];
    return topology.nodes.flatMap((n) => [
      { value: `${n.name}|host`, label: `${n.name} (host)` },
      ...topology.pods.filter((p) => p.node === n.name && !p.hostNetwork).map((p) => ({ value: `${n.name}|pod:${p.namespace}/${p.name}`, label: `  ${p.namespace}/${p.name}` })),
    ]);
  }, [topology]);

  const view = terminal?.view ?? 'route';
  const text = views?.[view] ?? null;
  const marks = needles(hop, view);
  const lines = text === null ? [] : text.replace(/\n$/, '').split('\n');
  // iptables-save: the same rule text can stand in several tables (Felix's jumps do); only the hop's table counts.
  let section = '';
  const table = view === 'iptables' ? hop?.detail.table : undefined;
  const hits = lines.map((l) => {
    if (l.startsWith('*')) section = l.slice(1);
    if (table && section !== table) return false;
    return marks.some((m) => squash(l) === m || (m.length > 12 && squash(l).includes(m)));
  });

  useEffect(() => {
    pre.current?.querySelector('.hit')?.scrollIntoView({ block: 'center' });
  }, [text, hop]);

  if (!topology) return <p className="empty-note">No cluster yet.</p>;
  const command = TERMINAL_VIEWS.find((v) => v.name === view)?.command ?? '';
  const prompt = terminal?.netns.startsWith('pod:') ? `${terminal.netns.slice(4)} $` : `root@${terminal?.node ?? 'node'}:~#`;
  return (
    <div>
      <div className="terminal-pick">
        <label className="visually-hidden" htmlFor="term-netns">
          Network namespace
        </label>
        <select
          id="term-netns"
          value={terminal ? `${terminal.node}|${terminal.netns}` : ''}
          onChange={(e) => {
            const [node = '', netns = 'host'] = e.target.value.split('|');
            setFollow(false);
            setTerminal({ node, netns, view });
          }}
        >
          {!terminal && <option value="">—</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <button type="button" className="btn" aria-pressed={follow} onClick={() => setFollow(!follow)} title="Show the namespace of the current hop">
          Follow hop
        </button>
      </div>
      <div className="views" role="group" aria-label="Views">
        {TERMINAL_VIEWS.map((v) => (
          <button key={v.name} type="button" className="btn" aria-pressed={view === v.name} onClick={() => terminal && setTerminal({ ...terminal, view: v.name })}>
            {v.command}
          </button>
        ))}
      </div>
      <pre className="term" ref={pre} aria-label={`${command} output`} tabIndex={0}>
        <span className="line">
          <span className="prompt">{prompt}</span> {command}
        </span>
        {text === null ? (
          <span className="line">{views ? '(not available in this namespace)' : 'Loading…'}</span>
        ) : (
          lines.map((l, i) => (
            <span key={i} className={hits[i] ? 'line hit' : 'line'}>
              {l}
            </span>
          ))
        )}
      </pre>
    </div>
  );
}
