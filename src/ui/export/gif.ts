/** Animated GIF of the whole trace (gifenc: per-frame palette, loops forever). */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';
import { renderAnimation } from './animation';

/** GIF delays are in 1/100 s: 90 ms frames keep the app's 900 ms per hop exact. */
const PERIOD_MS = 90;

export async function exportGif(onProgress?: (done: number, total: number) => void): Promise<Blob> {
  const gif = GIFEncoder();
  await renderAnimation({ periodMs: PERIOD_MS, maxSide: 960, ...(onProgress ? { onProgress } : {}) }, ({ width, height }) => ({
    frame(canvas, spec, i) {
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const { data } = ctx.getImageData(0, 0, width, height);
      const palette = quantize(data, 256, { format: 'rgb444' });
      gif.writeFrame(applyPalette(data, palette, 'rgb444'), width, height, { palette, delay: Math.round(spec.ms), ...(i === 0 ? { repeat: 0 } : {}) });
    },
  }));
  gif.finish();
  return new Blob([gif.bytes() as Uint8Array<ArrayBuffer>], { type: 'image/gif' });
}
