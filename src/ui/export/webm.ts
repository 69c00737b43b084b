/**
 * WebM video of the whole trace: frames from the virtual clock, encoded with WebCodecs (VP8) and
 * muxed by webm-muxer. Each frame carries its own duration, so held frames cost nothing.
 */
import { ArrayBufferTarget, Muxer } from 'webm-muxer';
import { renderAnimation } from './animation';

const PERIOD_MS = 1000 / 15;
const CODEC = 'vp8';

/** Whether this browser can encode the video (the menu hides the option otherwise). */
export async function webmSupported(): Promise<boolean> {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') return false;
  try {
    const r = await VideoEncoder.isConfigSupported({ codec: CODEC, width: 640, height: 360 });
    return r.supported === true;
  } catch {
    return false;
  }
}

export async function exportWebm(onProgress?: (done: number, total: number) => void): Promise<Blob> {
  let muxer: Muxer<ArrayBufferTarget> | null = null;
  let encoder: VideoEncoder | null = null;
  let failure: unknown = null;
  let micros = 0;
  let lastCanvas: HTMLCanvasElement | null = null;
  try {
    await renderAnimation({ periodMs: PERIOD_MS, maxSide: 1280, even: true, ...(onProgress ? { onProgress } : {}) }, ({ width, height }) => {
      const m = new Muxer({ target: new ArrayBufferTarget(), video: { codec: 'V_VP8', width, height, frameRate: 15 } });
      muxer = m;
      const e = new VideoEncoder({ output: (chunk, meta) => m.addVideoChunk(chunk, meta), error: (err) => (failure = err) });
      e.configure({ codec: CODEC, width, height, bitrate: 2_500_000, framerate: 15 });
      encoder = e;
      return {
        async frame(canvas, spec, i) {
          if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
          const duration = spec.ms * 1000;
          const vf = new VideoFrame(canvas, { timestamp: Math.round(micros), duration: Math.round(duration) });
          e.encode(vf, { keyFrame: i % 30 === 0 });
          vf.close();
          micros += duration;
          lastCanvas = canvas;
          while (e.encodeQueueSize > 4) await new Promise((r) => setTimeout(r, 4));
        },
      };
    });
    const e = encoder as VideoEncoder | null;
    const m = muxer as Muxer<ArrayBufferTarget> | null;
    if (!e || !m) throw new Error('Nothing was encoded.');
    // A WebM ends at its last frame's timestamp: repeat the last picture one period before the end,
    // so the final hold is played too.
    const last = lastCanvas as HTMLCanvasElement | null;
    if (last) {
      const vf = new VideoFrame(last, { timestamp: Math.round(micros - PERIOD_MS * 1000), duration: Math.round(PERIOD_MS * 1000) });
      e.encode(vf);
      vf.close();
    }
    await e.flush();
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    m.finalize();
    return new Blob([m.target.buffer], { type: 'video/webm' });
  } finally {
    const e = encoder as VideoEncoder | null;
    if (e && e.state !== 'closed') e.close();
  }
}
