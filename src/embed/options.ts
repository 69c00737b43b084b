/**
 * The embed's options, read from its query string: `autoplay`, `loop`, `speed`, `step`, `theme`,
 * `controls`. Anything unreadable falls back to the default rather than failing the embed.
 */
export interface EmbedOptions {
  /** Start playing once the first frame is drawn (on unless `autoplay=0`). */
  autoplay: boolean;
  loop: boolean;
  /** Playback rate, 0.25 to 8. */
  speed: number;
  /** 1-based hop to show first; null keeps the hop saved in the link. */
  step: number | null;
  /** Null keeps the theme saved in the link. */
  theme: 'light' | 'dark' | null;
  /** Show the play/step buttons (the caption always shows). */
  controls: boolean;
}

const TRUE = new Set(['', '1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

function flag(q: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = q.get(name);
  if (v === null) return fallback;
  const s = v.toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : fallback;
}

export const MIN_SPEED = 0.25;
export const MAX_SPEED = 8;

export function parseEmbedOptions(search: string): EmbedOptions {
  const q = new URLSearchParams(search);
  const speed = Number(q.get('speed'));
  const step = Number(q.get('step'));
  const theme = q.get('theme');
  return {
    autoplay: flag(q, 'autoplay', true),
    loop: flag(q, 'loop', false),
    speed: q.has('speed') && Number.isFinite(speed) && speed >= MIN_SPEED && speed <= MAX_SPEED ? speed : 1,
    step: q.has('step') && Number.isInteger(step) && step >= 1 ? step : null,
    theme: theme === 'light' || theme === 'dark' ? theme : null,
    controls: flag(q, 'controls', true),
  };
}
