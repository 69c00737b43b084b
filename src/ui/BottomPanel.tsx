import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectHops, SPEEDS, useAppStore, type AppData } from '../state/store';
import { KIND_LABEL, toneOf, VERDICT_TEXT, whereOf } from './hop-format';

const selectControls = (s: AppData) => ({
  hop: s.hop,
  count: selectHops(s).length,
  playing: s.playing,
  speed: s.speed,
  loop: s.loop,
  direction: s.direction,
  hasReply: Boolean(s.trace?.reply),
  verdict: s.direction === 'reply' ? s.trace?.reply?.verdict : s.trace?.verdict,
  // The reply of a refused or unroutable packet is the ICMP error that answers it.
  replyIsError: s.direction === 'reply' && Boolean(s.trace?.reply?.hops[0]?.packet.icmp),
});

function Controls() {
  const c = useAppStore(useShallow(selectControls));
  const a = useAppStore.getState();
  const none = c.count === 0;
  return (
    <div className="controls" role="toolbar" aria-label="Playback">
      <button type="button" className="btn icon" aria-label="Step back" onClick={() => a.stepBack()} disabled={none || c.hop === 0}>
        <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><path d="M3 2v10M12 2 5 7l7 5z" fill="currentColor" stroke="currentColor" strokeWidth="1.5" /></svg>
      </button>
      <button type="button" className="btn icon primary" aria-label={c.playing ? 'Pause' : 'Play'} onClick={() => a.togglePlay()} disabled={none}>
        {c.playing ? (
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><path d="M3 2h3v10H3zM8 2h3v10H8z" fill="currentColor" /></svg>
        ) : (
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><path d="M3 1.5v11l9.5-5.5z" fill="currentColor" /></svg>
        )}
      </button>
      <button type="button" className="btn icon" aria-label="Step forward" onClick={() => a.stepForward()} disabled={none || c.hop >= c.count - 1}>
        <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><path d="M11 2v10M2 2l7 5-7 5z" fill="currentColor" stroke="currentColor" strokeWidth="1.5" /></svg>
      </button>
      <span className="count" aria-live="off">
        {none ? '0 / 0' : `${c.hop + 1} / ${c.count}`}
      </span>
      <input
        className="scrub"
        type="range"
        min={0}
        max={Math.max(0, c.count - 1)}
        value={c.hop}
        disabled={none}
        aria-label="Scrub hops"
        aria-valuetext={none ? 'no hops' : `hop ${c.hop + 1} of ${c.count}`}
        onChange={(e) => a.seek(Number(e.target.value))}
      />
      <label>
        <span className="visually-hidden">Speed</span>
        <select value={c.speed} onChange={(e) => a.setSpeed(Number(e.target.value))} aria-label="Speed">
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="btn" aria-pressed={c.loop} onClick={() => a.toggleLoop()}>
        Loop
      </button>
      <button type="button" className="btn" aria-pressed={c.direction === 'reply'} disabled={!c.hasReply} onClick={() => a.setDirection(c.direction === 'reply' ? 'request' : 'reply')}>
        Reply path
      </button>
      {c.verdict && (
        <span className={`verdict ${c.verdict === 'delivered' && !c.replyIsError ? 'delivered' : 'bad'}`}>
          {c.replyIsError && c.verdict === 'delivered' ? 'ICMP error returned' : VERDICT_TEXT[c.verdict]}
        </span>
      )}
    </div>
  );
}

const selectList = (s: AppData) => ({ hops: selectHops(s), hop: s.hop, verdict: s.direction === 'reply' ? s.trace?.reply?.verdict : s.trace?.verdict, error: s.traceError, tracing: s.tracing, hasTopology: s.topology !== null });

function HopList() {
  const { hops, hop, verdict, error, tracing, hasTopology } = useAppStore(useShallow(selectList));
  const seek = useAppStore((s) => s.seek);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.querySelector('[aria-current="step"]')?.scrollIntoView({ block: 'nearest' });
  }, [hop, hops]);
  if (error) return <p className="error-note" role="alert">{error}</p>;
  return (
    <>
    {hops.length === 0 && <p className="empty-note">{hasTopology ? (tracing ? 'Tracing…' : 'Pick a source and a destination.') : 'Loading the cluster…'}</p>}
    <ol className="hops" aria-label="Hops" ref={list} aria-busy={tracing}>
      {hops.map((h, i) => {
        const tone = toneOf(h, i === hops.length - 1, verdict);
        return (
          <li key={h.seq} aria-current={i === hop ? 'step' : undefined}>
            <button type="button" onClick={() => seek(i)}>
              <span className="seq">{h.seq}</span>
              <span className={`kind ${tone}`}>{KIND_LABEL[h.kind]}</span>
              <span className="where">{whereOf(h)}</span>
              <span className="what">{h.explain}</span>
            </button>
          </li>
        );
      })}
    </ol>
    </>
  );
}

export function BottomPanel() {
  return (
    <section className="area-bottom panel bottom" aria-label="Timeline">
      <Controls />
      <HopList />
    </section>
  );
}
