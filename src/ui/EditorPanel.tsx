import { lazy, Suspense, useCallback, useRef } from 'react';
import type { Problem } from '../engine/problems';
import { useAppStore } from '../state/store';
import type { EditorHandle } from './editor/ManifestEditor';

// Monaco is big: it loads in its own chunk after the first paint (bundled, never from a CDN).
const ManifestEditor = lazy(() => import('./editor/ManifestEditor'));

function ProblemList({ onPick }: { onPick: (p: Problem) => void }) {
  const problems = useAppStore((s) => s.problems);
  const shown = problems.filter((p) => p.severity !== 'info' || p.code !== 'ignored-kind');
  if (shown.length === 0) return null;
  const errors = shown.filter((p) => p.severity === 'error').length;
  return (
    <section className="problems" aria-label="Problems">
      <h3>
        Problems ({errors} error{errors === 1 ? '' : 's'}, {shown.length - errors} other)
      </h3>
      <ul>
        {shown.map((p, i) => (
          <li key={`${p.line}:${p.col}:${p.code}:${i}`}>
            <button type="button" onClick={() => onPick(p)}>
              <span className={`sev-${p.severity}`} aria-label={p.severity}>
                {p.severity === 'error' ? '✕' : p.severity === 'warning' ? '!' : 'i'}
              </span>
              <span>
                {p.message} {p.doc >= 0 && <span className="where">line {p.line}, col {p.col}</span>}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function EditorPanel() {
  const open = useAppStore((s) => s.editorOpen);
  const toggle = useAppStore((s) => s.toggleEditor);
  const text = useAppStore((s) => s.text);
  const setText = useAppStore((s) => s.setText);
  const handle = useRef<EditorHandle | null>(null);
  const onPick = useCallback((p: Problem) => handle.current?.reveal(p.line, p.col), []);

  if (!open)
    return (
      <section className="area-editor panel editor-closed" aria-label="Editor (collapsed)">
        <button type="button" className="btn icon" aria-label="Show manifests editor" aria-expanded={false} onClick={toggle}>
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><path d="M5 2l5 5-5 5" fill="none" stroke="currentColor" strokeWidth="1.8" /></svg>
        </button>
        <span className="vertical" aria-hidden="true">Manifests</span>
      </section>
    );
  return (
    <section className="area-editor panel editor" aria-label="Editor">
      <div className="panel-head">
        <h2 id="manifests-heading">Manifests</h2>
        <button type="button" className="btn icon" aria-label="Hide manifests editor" aria-expanded={true} onClick={toggle}>
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><path d="M9 2 4 7l5 5" fill="none" stroke="currentColor" strokeWidth="1.8" /></svg>
        </button>
      </div>
      <div className="editor-body">
        <Suspense
          fallback={
            <textarea aria-label="Manifests" spellCheck={false} value={text} onChange={(e) => setText(e.target.value, (e.nativeEvent as InputEvent).inputType === 'insertFromPaste' ? 'paste' : 'type')} />
          }
        >
          <ManifestEditor handleRef={handle} />
        </Suspense>
      </div>
      <ProblemList onPick={onPick} />
    </section>
  );
}
