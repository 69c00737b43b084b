import { useEffect, useRef, type RefObject } from 'react';
import { useAppStore } from '../../state/store';

export interface EditorHandle {
  reveal(line: number, col: number): void;
}

/** Placeholder until Monaco is wired: a plain text area with the same contract. */
export default function ManifestEditor({ handleRef }: { handleRef: RefObject<EditorHandle | null> }) {
  const text = useAppStore((s) => s.text);
  const setText = useAppStore((s) => s.setText);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    handleRef.current = {
      reveal(line) {
        const el = area.current;
        if (!el) return;
        const idx = el.value.split('\n').slice(0, line - 1).join('\n').length;
        el.focus();
        el.setSelectionRange(idx, idx);
      },
    };
  }, [handleRef]);
  return <textarea ref={area} aria-label="Manifests" spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />;
}
