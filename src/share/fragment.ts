/**
 * The URL fragment of a share link: `#v1.<base64url(deflate-raw(JSON))>`. The fragment never
 * reaches a server. Decoding treats the text as hostile: the fragment length, the inflated size
 * and every field are capped, and each way it can fail gives a sentence a person can act on.
 * Compression is the browser's own (CompressionStream), so no inflate code ships.
 */
import { base64urlnopad } from '@scure/base';
import { checkShareState, type ShareState } from './state';

export const FRAGMENT_VERSION = 1;
const PREFIX = `v${FRAGMENT_VERSION}.`;

/** Chromium accepts URLs up to 2 MB; a fragment near that is not a link anyone made by hand. */
export const MAX_FRAGMENT_CHARS = 2_000_000;
/** The most JSON a link may inflate to (deflate can expand ~1000×: this stops bombs). */
export const MAX_INFLATED_BYTES = 4 * 1024 * 1024;
/** Input is fed to the inflater in slices, so one slice can never expand past the cap by much. */
const SLICE = 4 * 1024;

/** Why a link could not be opened; `message` is shown to the user as it is. */
export type ShareErrorKind = 'version' | 'too-long' | 'base64' | 'deflate' | 'too-large' | 'json' | 'schema';

export type DecodeResult = { ok: true; state: ShareState } | { ok: false; kind: ShareErrorKind; message: string };

const fail = (kind: ShareErrorKind, detail: string): DecodeResult => ({
  ok: false,
  kind,
  message: `This share link could not be opened: ${detail} Your previous work is still here.`,
});

/** True for fragments that claim to be a PacketWalk state (`v<digits>.`), whatever their version. */
export function isShareFragment(hash: string): boolean {
  return /^#?v\d+\./.test(hash);
}

async function drain(stream: ReadableStream<Uint8Array>, cap: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw new RangeError('inflated past the cap');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream('deflate-raw');
  const writer = cs.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close()).catch(() => {});
  return drain(cs.readable, Number.MAX_SAFE_INTEGER);
}

/** Inflates with a hard output cap; throws RangeError past the cap, TypeError on damaged data. */
export async function inflateCapped(bytes: Uint8Array, cap: number): Promise<Uint8Array> {
  const ds = new DecompressionStream('deflate-raw');
  const writer = ds.writable.getWriter();
  const feed = (async () => {
    for (let i = 0; i < bytes.length; i += SLICE) await writer.write(bytes.subarray(i, i + SLICE) as Uint8Array<ArrayBuffer>);
    await writer.close();
  })();
  // Errors surface on the readable side; the writer's copy of them is not news.
  feed.catch(() => {});
  try {
    return await drain(ds.readable, cap);
  } finally {
    await writer.abort().catch(() => {});
  }
}

/** The fragment for a state, without the leading `#`. */
export async function encodeShareFragment(state: ShareState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  return PREFIX + base64urlnopad.encode(await deflate(json));
}

/**
 * Decodes `#v1.…` (with or without `#`). Returns null for fragments that are not share links
 * at all (`#hop-3`), so the caller can leave those alone.
 */
export async function decodeShareFragment(hash: string): Promise<DecodeResult | null> {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const m = /^v(\d+)\./.exec(text);
  if (!m) return null;
  if (m[1] !== String(FRAGMENT_VERSION)) return fail('version', `it was made by a different version of PacketWalk (format v${m[1]}, this one reads v${FRAGMENT_VERSION}).`);
  if (text.length > MAX_FRAGMENT_CHARS) return fail('too-long', `it is ${text.length.toLocaleString('en')} characters long, more than the ${MAX_FRAGMENT_CHARS.toLocaleString('en')} allowed.`);
  const body = text.slice(m[0].length);
  let packed: Uint8Array;
  try {
    packed = base64urlnopad.decode(body);
  } catch {
    return fail('base64', 'it contains characters that do not belong in a link; it may have been cut or mangled when it was copied.');
  }
  if (packed.length === 0) return fail('deflate', 'it is empty after `#v1.`; it was probably cut off when it was copied.');
  let json: Uint8Array;
  try {
    json = await inflateCapped(packed, MAX_INFLATED_BYTES);
  } catch (e) {
    if (e instanceof RangeError) return fail('too-large', `it unpacks to more than ${MAX_INFLATED_BYTES / 1024 / 1024} MB, far more than any cluster a link can carry.`);
    return fail('deflate', 'it is damaged or incomplete; it was probably cut off when it was copied.');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    return fail('json', 'its contents are not valid data.');
  }
  const checked = checkShareState(value);
  if (!checked.ok) return fail('schema', `${checked.message}.`);
  return { ok: true, state: checked.value };
}
