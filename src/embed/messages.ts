/**
 * The postMessage API between an embed and the page that hosts it. Every message carries
 * `{ source: 'packetwalk', v: 1, type }`. Commands are accepted only from the parent window (the
 * caller checks `event.source`); this module reads their shape, so a hostile or sloppy host gets an
 * `error` event back instead of a broken embed.
 */
export const MESSAGE_SOURCE = 'packetwalk';
export const MESSAGE_VERSION = 1;

export type EmbedCommand =
  | { type: 'play' }
  | { type: 'pause' }
  /** Moves `delta` hops (default +1), pausing playback. */
  | { type: 'step'; delta: number }
  /** Goes to hop index `hop` (0-based, clamped to the trace). */
  | { type: 'seek'; hop: number }
  /** Replaces the state with a share-link fragment (`v1.…`, with or without `#`). */
  | { type: 'load'; fragment: string };

export interface EmbedStatus {
  hop: number;
  hops: number;
  playing: boolean;
  direction: 'request' | 'reply';
  verdict: string | null;
}

export type EmbedEvent =
  | ({ type: 'ready' } & EmbedStatus)
  | ({ type: 'state' } & EmbedStatus)
  | { type: 'resize'; width: number; height: number }
  | { type: 'error'; message: string };

export type Envelope<T> = T & { source: typeof MESSAGE_SOURCE; v: typeof MESSAGE_VERSION };

export function envelope<T extends object>(body: T): Envelope<T> {
  return { source: MESSAGE_SOURCE, v: MESSAGE_VERSION, ...body };
}

/** Fragments a host may send: as long as a link may be (see share/fragment.ts). */
const MAX_LOAD_CHARS = 2_000_000;

/**
 * Reads one incoming message. Null when it is not addressed to PacketWalk at all (other scripts on
 * the host page talk over postMessage too); an error when it is ours but unusable.
 */
export function readCommand(data: unknown): { ok: true; command: EmbedCommand } | { ok: false; message: string } | null {
  if (typeof data !== 'object' || data === null || (data as { source?: unknown }).source !== MESSAGE_SOURCE) return null;
  const m = data as Record<string, unknown>;
  if (m.v !== MESSAGE_VERSION) return { ok: false, message: `Unsupported message version ${JSON.stringify(m.v)}: this embed speaks v${MESSAGE_VERSION}.` };
  switch (m.type) {
    case 'play':
    case 'pause':
      return { ok: true, command: { type: m.type } };
    case 'step': {
      const delta = m.delta ?? 1;
      if (typeof delta !== 'number' || !Number.isInteger(delta) || Math.abs(delta) > 100_000) return { ok: false, message: '`step` needs an integer `delta` (default 1).' };
      return { ok: true, command: { type: 'step', delta } };
    }
    case 'seek': {
      const hop = m.hop;
      if (typeof hop !== 'number' || !Number.isInteger(hop) || hop < 0) return { ok: false, message: '`seek` needs `hop`, a hop index from 0.' };
      return { ok: true, command: { type: 'seek', hop } };
    }
    case 'load': {
      const f = m.fragment;
      if (typeof f !== 'string' || f.length > MAX_LOAD_CHARS) return { ok: false, message: '`load` needs `fragment`, the `v1.…` part of a share link.' };
      return { ok: true, command: { type: 'load', fragment: f } };
    }
    default:
      return { ok: false, message: `Unknown command ${JSON.stringify(m.type)}: use play, pause, step, seek or load.` };
  }
}
