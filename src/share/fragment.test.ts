import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeShareFragment, encodeShareFragment, inflateCapped, isShareFragment, MAX_FRAGMENT_CHARS, MAX_INFLATED_BYTES } from './fragment';
import { compactLayout, LIMITS, type ShareState } from './state';

const LAYOUT: NonNullable<ShareState['layout']> = {
  width: 640.25,
  height: 400,
  boxes: { 'node:a': { x: 0, y: 0, w: 300, h: 200 }, 'pod:default/web': { x: 16.04, y: 44, w: 156, h: 46 } },
  edges: [{ id: 'l1', from: 'pod:default/web', to: 'if:a/cali1', points: [[10, 20], [10, 40.66]] }],
  nodes: { 'node:a': { id: 'node:a', row: 0, uplink: 'if:a/eth0', drop: { x: 150, top: 200, busY: 234 } } },
  nodeOf: { 'pod:default/web': 'node:a' },
  buses: [{ row: 0, y: 234, x1: 0, x2: 640 }],
  trunkX: 620,
  externalAttach: { 'ext:1.1.1.1': [620, 234] },
  servicesBand: null,
};

const STATE: ShareState = {
  manifests: 'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: default }\n# ünïcode ✓\n',
  scenario: { from: 'pod/default/web', to: 'svc/default/backend:80', proto: 'tcp', port: 80, seed: 7, pick: '172.16.1.5' },
  direction: 'reply',
  hop: 3,
  theme: 'dark',
  layout: LAYOUT,
};

/** A fragment built with zlib (the reference deflate), not with our encoder. */
const zlibFragment = (payload: string | Buffer, version = 1) => `#v${version}.${deflateRawSync(payload).toString('base64url')}`;

async function failure(hash: string) {
  const r = await decodeShareFragment(hash);
  if (!r || r.ok) throw new Error(`expected a failure for ${hash.slice(0, 40)}`);
  return r;
}

describe('share fragment', () => {
  it('round-trips the full state', async () => {
    const frag = await encodeShareFragment(STATE);
    expect(frag.startsWith('v1.')).toBe(true);
    expect(frag).toMatch(/^v1\.[A-Za-z0-9_-]+$/); // base64url without padding: safe in any URL
    const r = await decodeShareFragment(`#${frag}`);
    expect(r).toEqual({ ok: true, state: STATE });
  });

  it('writes raw DEFLATE (RFC 1951) in base64url (RFC 4648 §5), as zlib reads it', async () => {
    const frag = await encodeShareFragment(STATE);
    const json = inflateRawSync(Buffer.from(frag.slice(3), 'base64url')).toString('utf8');
    expect(JSON.parse(json)).toEqual(STATE);
  });

  it('reads a fragment that zlib deflated', async () => {
    const r = await decodeShareFragment(zlibFragment(JSON.stringify(STATE)));
    expect(r).toEqual({ ok: true, state: STATE });
  });

  it('fills optional fields with the defaults and drops unknown ones', async () => {
    const r = await decodeShareFragment(zlibFragment(JSON.stringify({ manifests: 'x', scenario: { from: 'a', to: 'b', proto: 'udp' }, extra: { evil: true } })));
    expect(r).toEqual({ ok: true, state: { manifests: 'x', scenario: { from: 'a', to: 'b', proto: 'udp', port: null }, direction: 'request', hop: 0, theme: 'light', layout: null } });
  });

  it('ignores fragments that are not share links', async () => {
    expect(await decodeShareFragment('')).toBeNull();
    expect(await decodeShareFragment('#hop-3')).toBeNull();
    expect(await decodeShareFragment('#version1.abc')).toBeNull();
    expect(isShareFragment('#v1.abc')).toBe(true);
    expect(isShareFragment('#v12.abc')).toBe(true);
    expect(isShareFragment('#hop')).toBe(false);
  });

  it('names a link from another format version', async () => {
    const r = await failure(zlibFragment(JSON.stringify(STATE), 2));
    expect(r.kind).toBe('version');
    expect(r.message).toContain('format v2');
  });

  it('rejects characters outside base64url', async () => {
    expect((await failure('#v1.abc*def')).kind).toBe('base64');
    expect((await failure('#v1.ab+/cd')).kind).toBe('base64'); // plain base64, not base64url
    expect((await failure('#v1.a')).kind).toBe('base64'); // 6 bits cannot be a byte
  });

  it('rejects an empty body', async () => {
    expect((await failure('#v1.')).kind).toBe('deflate');
  });

  it('rejects a truncated link', async () => {
    const frag = await encodeShareFragment(STATE);
    // Cut at a multiple of 4 characters, so the base64 itself stays valid and the inflater sees the cut.
    const cut = frag.slice(0, 3 + Math.floor((frag.length - 3) / 8) * 4);
    const r = await failure(`#${cut}`);
    expect(r.kind).toBe('deflate');
    expect(r.message).toMatch(/damaged or incomplete/);
  });

  it('rejects data that is not DEFLATE', async () => {
    // First byte 0b111: final block of type 3, which RFC 1951 §3.2.3 reserves (an error).
    expect((await failure(`#v1.${Buffer.from([7, 1, 2, 3]).toString('base64url')}`)).kind).toBe('deflate');
    // A stored block (BTYPE 00) whose LEN and NLEN are not complements (RFC 1951 §3.2.4).
    expect((await failure(`#v1.${Buffer.from([1, 5, 0, 5, 0, 65, 65, 65, 65, 65]).toString('base64url')}`)).kind).toBe('deflate');
  });

  it('stops a decompression bomb at the cap', async () => {
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024, 0x20)); // 64 MiB of spaces in ~64 KiB
    const r = await failure(`#v1.${bomb.toString('base64url')}`);
    expect(r.kind).toBe('too-large');
    await expect(inflateCapped(deflateRawSync(Buffer.alloc(MAX_INFLATED_BYTES + 1)), MAX_INFLATED_BYTES)).rejects.toBeInstanceOf(RangeError);
    expect((await inflateCapped(deflateRawSync(Buffer.alloc(1000, 1)), 1000)).length).toBe(1000);
  });

  it('rejects a fragment longer than any URL a browser keeps', async () => {
    expect((await failure(`#v1.${'A'.repeat(MAX_FRAGMENT_CHARS)}`)).kind).toBe('too-long');
  });

  it('rejects contents that are not JSON or not UTF-8', async () => {
    expect((await failure(zlibFragment('{"manifests": '))).kind).toBe('json');
    expect((await failure(zlibFragment(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))).kind).toBe('json');
  });

  it('names the field with the wrong type', async () => {
    const bad = (patch: object) => zlibFragment(JSON.stringify({ ...STATE, ...patch }));
    expect((await failure(zlibFragment('[1,2,3]'))).message).toContain('the link must be an object');
    expect((await failure(bad({ manifests: 42 }))).message).toContain('manifests must be text');
    expect((await failure(bad({ scenario: { ...STATE.scenario, port: '80' } }))).message).toContain('scenario.port must be a whole number from 1 to 65535');
    expect((await failure(bad({ scenario: { ...STATE.scenario, port: 70000 } }))).kind).toBe('schema');
    expect((await failure(bad({ scenario: { ...STATE.scenario, proto: 'sctp' } }))).message).toContain('scenario.proto must be one of tcp, udp, icmp');
    expect((await failure(bad({ hop: -1 }))).message).toContain('hop must be a whole number');
    expect((await failure(bad({ hop: 1.5 }))).kind).toBe('schema');
    expect((await failure(bad({ theme: 'neon' }))).message).toContain('theme must be one of light, dark');
    expect((await failure(bad({ layout: { ...LAYOUT, trunkX: 'far' } }))).message).toContain('layout.trunkX must be a finite number');
    expect((await failure(bad({ layout: { ...LAYOUT, edges: [{ id: 'e', from: 'a', to: 'b', points: [[1, 2, 3]] }] } }))).message).toContain('layout.edges[0].points[0]');
    expect((await failure(bad({ layout: { ...LAYOUT, boxes: { a: { x: 1e300, y: 0, w: 1, h: 1 } } } }))).message).toContain('layout.boxes.a.x');
  });

  it('caps huge strings and lists', async () => {
    const bad = (patch: object) => zlibFragment(JSON.stringify({ ...STATE, ...patch }));
    const long = await failure(bad({ scenario: { ...STATE.scenario, from: 'p'.repeat(LIMITS.shortString + 1) } }));
    expect(long.message).toContain(`scenario.from is ${LIMITS.shortString + 1} characters long`);
    expect((await failure(bad({ manifests: 'x'.repeat(LIMITS.manifestsChars + 1) }))).message).toContain('manifests is');
    const many = Array.from({ length: LIMITS.elements + 1 }, () => ({ row: 0, y: 0, x1: 0, x2: 1 }));
    expect((await failure(bad({ layout: { ...LAYOUT, buses: many } }))).message).toContain('layout.buses has');
  });

  it('keeps `__proto__` keys as data', async () => {
    const json = JSON.stringify({ ...STATE, layout: LAYOUT }).replace('"node:a":{"x"', '"__proto__":{"x":1,"y":1,"w":1,"h":1},"node:a":{"x"');
    const r = await decodeShareFragment(zlibFragment(json));
    if (!r?.ok) throw new Error('expected success');
    const boxes = r.state.layout!.boxes;
    expect(Object.getPrototypeOf(boxes)).toBe(Object.prototype);
    expect(Object.hasOwn(boxes, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('compacts coordinates to a tenth of a pixel', () => {
    const c = compactLayout(LAYOUT);
    expect(c.width).toBe(640.3);
    expect(c.boxes['pod:default/web']).toEqual({ x: 16, y: 44, w: 156, h: 46 });
    expect(c.edges[0]!.points[1]).toEqual([10, 40.7]);
    expect(c.nodeOf).toEqual(LAYOUT.nodeOf);
  });
});
