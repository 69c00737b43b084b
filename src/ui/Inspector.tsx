import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Hop, PacketHeaders } from '../engine/walk/types';
import { selectCurrentHop, selectHops, selectPreviousHop, useAppStore, type AppData } from '../state/store';
import { changedFields, fieldText, HEADER_FIELDS, icmpLine, KIND_LABEL, outerLine, toneOf, whereOf } from './hop-format';

function HeadersTable({ before, after }: { before: PacketHeaders | null; after: PacketHeaders }) {
  const changed = changedFields(before, after);
  const outerBefore = before ? outerLine(before) : null;
  const outerAfter = outerLine(after);
  const icmpBefore = before ? icmpLine(before) : null;
  const icmpAfter = icmpLine(after);
  return (
    <table className="headers" aria-label="Headers before and after this hop">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {HEADER_FIELDS.map((f) => (
          <tr key={f}>
            <th scope="row">{f}</th>
            <td>{fieldText(before ?? after, f)}</td>
            <td className={changed.has(f) ? 'changed' : undefined}>
              {fieldText(after, f)}
              {changed.has(f) && <span className="visually-hidden"> (changed)</span>}
            </td>
          </tr>
        ))}
        {(outerBefore || outerAfter) && (
          <tr className="outer">
            <th scope="row">outer</th>
            <td>{outerBefore ?? '—'}</td>
            <td className={outerBefore !== outerAfter ? 'changed' : undefined}>{outerAfter ?? '— (removed)'}</td>
          </tr>
        )}
        {icmpAfter && (
          <tr className="outer">
            <th scope="row">icmp</th>
            <td>{icmpBefore ?? icmpAfter}</td>
            <td className={icmpBefore !== null && icmpBefore !== icmpAfter ? 'changed' : undefined}>{icmpAfter}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function Decision({ hop }: { hop: Hop }) {
  const d = hop.detail;
  const rows: [string, string][] = [];
  if (d.table || d.chain) rows.push(['Table / chain', `${d.table ?? ''} ${d.chain ?? ''}`.trim()]);
  if (d.rule) rows.push(['Rule', d.rule]);
  if (d.target) rows.push(['Target', d.target]);
  if (d.route) rows.push(['Route', d.route]);
  if (d.conntrack) rows.push(['Conntrack entry', d.conntrack]);
  if (d.neighbour) rows.push(['Neighbour / FDB', d.neighbour]);
  if (d.policy) rows.push(['Policy', d.policy]);
  if (d.query) rows.push(['Query', d.query]);
  if (d.answer) rows.push(['Answer', d.answer]);
  if (rows.length === 0 && !d.lines?.length) return null;
  return (
    <>
      <h3>Decision</h3>
      {rows.map(([label, text]) => (
        <pre className="decision" key={label}>
          <span className="label">{label}</span>
          {text}
        </pre>
      ))}
      {d.lines && d.lines.length > 0 && (
        <pre className="decision">
          <span className="label">Also evaluated</span>
          {d.lines.join('\n')}
        </pre>
      )}
    </>
  );
}

function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="btn copy"
      aria-label={`Copy command: ${text}`}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1200);
        });
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

const selectInspector = (s: AppData) => ({ hop: selectCurrentHop(s), prev: selectPreviousHop(s), index: s.hop, count: selectHops(s).length, verdict: s.trace?.verdict, delivered: s.direction === 'reply' ? s.trace?.reply?.delivered : s.trace?.delivered });

export function Inspector() {
  const { hop, prev, index, count, verdict, delivered } = useAppStore(useShallow(selectInspector));
  if (!hop) return <p className="empty-note">No hop selected.</p>;
  const tone = toneOf(hop, index === count - 1, verdict);
  return (
    <>
      <div className="hop-title">
        <span className={`kind ${tone}`}>{KIND_LABEL[hop.kind]}</span>
        <span className="where">
          Hop {hop.seq} · {whereOf(hop)}
        </span>
      </div>
      <p className="explain">{hop.explain}</p>
      <h3>Headers</h3>
      <HeadersTable before={prev?.packet ?? null} after={hop.packet} />
      <Decision hop={hop} />
      {index === count - 1 && delivered && (
        <>
          <h3>Delivered</h3>
          <pre className="decision">
            {`${delivered.pod ?? delivered.ip}${delivered.port !== null ? ` port ${delivered.port}` : ''}\nthe socket sees the peer as ${delivered.observedSource}`}
          </pre>
        </>
      )}
      {hop.commands && hop.commands.length > 0 && (
        <>
          <h3>See it on a real node</h3>
          <ul className="commands">
            {hop.commands.map((c) => (
              <li key={c}>
                <code>{c}</code>
                <CopyButton text={c} />
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
