/**
 * The virtual clock of an animated export: which hop, how far the packet has travelled, and for
 * how long each frame stays. It follows the app's own playback (900 ms per hop at 1×, the packet
 * travelling for the first 70% of it), so a GIF or a video shows what the app plays, frame for
 * frame, however long each frame takes to render.
 */
export const HOP_MS = 900;
export const TRAVEL = 0.7;
/** The last hop stays a little longer before the animation starts over. */
export const END_HOLD_MS = 1_500;

export interface FrameSpec {
  hop: number;
  /** Travel fraction from the previous hop, 0..1 (1: arrived, new headers shown). */
  t: number;
  /** How long this frame stays on screen (fractional: encoders round at their own resolution). */
  ms: number;
}

/**
 * Frames every `periodMs` of the virtual clock; consecutive identical frames (a packet at rest)
 * are merged into one longer frame.
 */
export function animationFrames(hopCount: number, periodMs: number, speed = 1): FrameSpec[] {
  const hop = HOP_MS / speed;
  const travel = hop * TRAVEL;
  const out: FrameSpec[] = [];
  const push = (f: FrameSpec) => {
    const prev = out[out.length - 1];
    if (prev && prev.hop === f.hop && prev.t === f.t) prev.ms += f.ms;
    else out.push(f);
  };
  for (let i = 0; i < hopCount; i++) {
    const steps = Math.max(1, Math.round(hop / periodMs));
    for (let k = 1; k <= steps; k++) {
      const tau = (k * hop) / steps;
      push({ hop: i, t: i === 0 ? 1 : Math.min(1, tau / travel), ms: hop / steps });
    }
  }
  const last = out[out.length - 1];
  if (last) last.ms += END_HOLD_MS;
  return out;
}
