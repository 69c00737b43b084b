import { useEffect, useId, useRef, useState } from 'react';
import { useAppStore } from '../../state/store';
import { downloadBlob, exportName } from './download';
import { exportPng, exportSvg } from './frame';
import { traceJson, traceMarkdown } from './trace-text';
import './export.css';

type Kind = 'svg' | 'png' | 'gif' | 'webm' | 'json' | 'md';

const ITEMS: { kind: Kind; label: string; hint: string }[] = [
  { kind: 'svg', label: 'SVG image', hint: 'This hop, as a vector picture' },
  { kind: 'png', label: 'PNG image (2×)', hint: 'This hop, at twice the screen size' },
  { kind: 'gif', label: 'Animated GIF', hint: 'The whole trace, looping' },
  { kind: 'webm', label: 'WebM video', hint: 'The whole trace, for slides and videos' },
  { kind: 'json', label: 'Trace as JSON', hint: 'As `packetwalk trace --json` prints it' },
  { kind: 'md', label: 'Trace as Markdown', hint: 'A hop table for tickets and docs' },
];

async function make(kind: Kind, progress: (text: string) => void): Promise<Blob> {
  const s = useAppStore.getState();
  const pct = (label: string) => (done: number, total: number) => progress(`${label} ${Math.floor((100 * done) / total)}%`);
  switch (kind) {
    case 'svg':
      return exportSvg();
    case 'png':
      return exportPng(2);
    case 'gif':
      return (await import('./gif')).exportGif(pct('Rendering GIF'));
    case 'webm':
      return (await import('./webm')).exportWebm(pct('Encoding video'));
    case 'json':
      if (!s.trace) throw new Error('There is no trace yet.');
      return new Blob([traceJson(s.trace)], { type: 'application/json' });
    case 'md':
      if (!s.trace) throw new Error('There is no trace yet.');
      return new Blob([traceMarkdown(s.trace, s.scenario)], { type: 'text/markdown' });
  }
}

/** The Export menu: pictures of this hop, the animated trace, and the trace as data. */
export function ExportMenu() {
  const ready = useAppStore((s) => s.layout !== null && s.trace !== null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState('');
  const [video, setVideo] = useState(false);
  const menuId = useId();
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    void import('./webm').then((m) => m.webmSupported()).then(setVideo);
  }, []);

  useEffect(() => {
    if (!open) return;
    wrap.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const run = async (kind: Kind) => {
    setOpen(false);
    button.current?.focus();
    const s = useAppStore.getState();
    setBusy('Exporting…');
    try {
      const blob = await make(kind, setBusy);
      downloadBlob(blob, exportName(s.scenario.from, s.scenario.to, kind));
    } catch (e) {
      useAppStore.getState().notify('error', `The export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy('');
    }
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const items = [...(wrap.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      setOpen(false);
      button.current?.focus();
    } else if (e.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
    else return;
    e.preventDefault();
  };

  return (
    <div className="menu-wrap" ref={wrap} onKeyDown={onKeyDown}>
      <button ref={button} type="button" className="btn" aria-haspopup="menu" aria-expanded={open} aria-controls={menuId} disabled={!ready || busy !== ''} onClick={() => setOpen(!open)}>
        Export
        <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
          <path d="M1 3l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
      </button>
      <span role="status" className="export-status">
        {busy}
      </span>
      {open && (
        <ul className="menu" role="menu" id={menuId} aria-label="Export">
          {ITEMS.filter((it) => it.kind !== 'webm' || video).map((it) => (
            <li key={it.kind} role="none">
              <button type="button" role="menuitem" onClick={() => void run(it.kind)}>
                <span className="title">{it.label}</span>
                <span className="desc">{it.hint}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
