/**
 * Renders a whole trace frame by frame on the virtual clock (timeline.ts): the off-screen renderer
 * is put at each instant with `seekFrame`, serialized, and drawn onto one canvas. One fixed crop for
 * every frame, so the picture does not jump when the packet's label moves.
 */
import { openStage, rasterize, svgSize, union, type Box } from './frame';
import { animationFrames, type FrameSpec } from './timeline';

export interface AnimationSink {
  /** Called once per frame with the canvas holding it. */
  frame(canvas: HTMLCanvasElement, spec: FrameSpec, index: number): Promise<void> | void;
}

export interface AnimationOptions {
  periodMs: number;
  /** Longest side in pixels. */
  maxSide: number;
  /** Video codecs want even dimensions. */
  even?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface AnimationSize {
  width: number;
  height: number;
  frames: number;
}

export async function renderAnimation(options: AnimationOptions, start: (size: AnimationSize) => AnimationSink): Promise<AnimationSize> {
  const stage = openStage();
  try {
    if (stage.hopCount === 0) throw new Error('There is no trace to animate.');
    let box: Box = stage.bounds();
    for (let i = 0; i < stage.hopCount; i++) {
      stage.renderer.seekFrame(i, 1);
      box = union(box, stage.bounds());
    }
    const natural = svgSize(stage.svg(box));
    const scale = Math.min(1, options.maxSide / Math.max(natural.width, natural.height));
    const round = (n: number) => (options.even ? Math.max(2, 2 * Math.round((n * scale) / 2)) : Math.max(1, Math.round(n * scale)));
    const size = { width: round(natural.width), height: round(natural.height) };
    const frames = animationFrames(stage.hopCount, options.periodMs);
    const sink = start({ ...size, frames: frames.length });
    const canvas = document.createElement('canvas');
    for (let i = 0; i < frames.length; i++) {
      const spec = frames[i]!;
      stage.renderer.seekFrame(spec.hop, spec.t);
      await rasterize(stage.svg(box), scale, canvas, size);
      await sink.frame(canvas, spec, i);
      options.onProgress?.(i + 1, frames.length);
    }
    return { ...size, frames: frames.length };
  } finally {
    stage.dispose();
  }
}
