import { useEffect } from 'react';
import { selectHops, useAppStore } from '../state/store';

/** Base time per hop at 1× speed; the packet travels during the first part of it. */
export const HOP_MS = 900;

/** Advances the current hop while playing, on the animation clock (paused tabs do not run). */
export function usePlaybackClock(): void {
  const playing = useAppStore((s) => s.playing);
  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const { speed, advance } = useAppStore.getState();
      if (now - last >= HOP_MS / speed) {
        last = now;
        advance();
      }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing]);
}

const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || t.closest('input, textarea, select, .monaco-editor, [role="menu"]') !== null);

/** Space, ←, →, Home, End drive playback anywhere outside text fields and the editor. */
export function usePlaybackKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      const s = useAppStore.getState();
      if (selectHops(s).length === 0) return;
      const onButton = e.target instanceof HTMLButtonElement;
      switch (e.key) {
        case ' ':
          if (onButton) return; // a focused button already answers to space
          s.togglePlay();
          break;
        case 'ArrowRight':
          s.stepForward();
          break;
        case 'ArrowLeft':
          s.stepBack();
          break;
        case 'Home':
          s.first();
          break;
        case 'End':
          s.last();
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
