const utf8 = new TextEncoder();

/** FNV-1a, 32 bit, over the UTF-8 bytes (Go's `hash/fnv.New32a`, used for pod-template-hash). */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) {
      ascii = false;
      break;
    }
    h = Math.imul(h ^ c, 0x01000193) >>> 0;
  }
  if (ascii) return h;
  h = 0x811c9dc5;
  for (const b of utf8.encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}
