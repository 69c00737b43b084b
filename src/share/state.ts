/**
 * What a share link carries, and the check every decoded link goes through before it reaches the
 * app. A link is untrusted input: every field is type-checked and size-capped, unknown fields are
 * dropped, and the result is a fresh object (nothing from the parsed JSON is passed on by
 * reference). Framework-free: used by the app, the embed and the tests.
 */
import type { TopologyLayout } from '../worker/layout';

export type SharedProto = 'tcp' | 'udp' | 'icmp';

export interface SharedScenario {
  from: string;
  to: string;
  proto: SharedProto;
  /** Null lets the engine use the destination's own port. */
  port: number | null;
  /** The walker's PRNG seed (the engine's default is 1). */
  seed?: number;
  /** Forces kube-proxy's endpoint choice to this IP (`trace --pick`). */
  pick?: string;
}

export interface ShareState {
  manifests: string;
  scenario: SharedScenario;
  direction: 'request' | 'reply';
  /** Index of the current hop in the current direction. */
  hop: number;
  theme: 'light' | 'dark';
  /** The laid-out picture, so a viewer (the embed) needs no layout engine. */
  layout: TopologyLayout | null;
}

/** Caps on decoded data: far above any real cluster dump, far below what would hurt a tab. */
export const LIMITS = {
  manifestsChars: 2_000_000,
  shortString: 1_024,
  hop: 100_000,
  elements: 50_000,
  pointsPerEdge: 2_000,
  coordinate: 10_000_000,
} as const;

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** A failed check, carrying the JSON path of the offending field. */
class Invalid {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {}
}

type Obj = Record<string, unknown>;

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(path, 'must be an object');
  return v as Obj;
}

function arr(v: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(v)) throw new Invalid(path, 'must be a list');
  if (v.length > max) throw new Invalid(path, `has ${v.length} entries, more than the ${max} allowed`);
  return v;
}

function str(v: unknown, path: string, max: number = LIMITS.shortString): string {
  if (typeof v !== 'string') throw new Invalid(path, 'must be text');
  if (v.length > max) throw new Invalid(path, `is ${v.length} characters long, more than the ${max} allowed`);
  return v;
}

function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > LIMITS.coordinate) throw new Invalid(path, 'must be a finite number');
  return v;
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Invalid(path, `must be a whole number from ${min} to ${max}`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new Invalid(path, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** A string-keyed map checked entry by entry; `Object.fromEntries` defines keys, so `__proto__` stays data. */
function record<T>(v: unknown, path: string, each: (x: unknown, p: string) => T): Record<string, T> {
  const o = obj(v, path);
  const keys = Object.keys(o);
  if (keys.length > LIMITS.elements) throw new Invalid(path, `has ${keys.length} entries, more than the ${LIMITS.elements} allowed`);
  return Object.fromEntries(keys.map((k) => [str(k, `${path} key`), each(o[k], `${path}.${k}`)]));
}

function point(v: unknown, path: string): [number, number] {
  const a = arr(v, path, 2);
  if (a.length !== 2) throw new Invalid(path, 'must be an [x, y] pair');
  return [num(a[0], `${path}[0]`), num(a[1], `${path}[1]`)];
}

function box(v: unknown, path: string) {
  const o = obj(v, path);
  return { x: num(o.x, `${path}.x`), y: num(o.y, `${path}.y`), w: num(o.w, `${path}.w`), h: num(o.h, `${path}.h`) };
}

function layout(v: unknown, path: string): TopologyLayout {
  const o = obj(v, path);
  return {
    width: num(o.width, `${path}.width`),
    height: num(o.height, `${path}.height`),
    boxes: record(o.boxes, `${path}.boxes`, box),
    edges: arr(o.edges, `${path}.edges`, LIMITS.elements).map((e, i) => {
      const p = `${path}.edges[${i}]`;
      const eo = obj(e, p);
      return { id: str(eo.id, `${p}.id`), from: str(eo.from, `${p}.from`), to: str(eo.to, `${p}.to`), points: arr(eo.points, `${p}.points`, LIMITS.pointsPerEdge).map((q, j) => point(q, `${p}.points[${j}]`)) };
    }),
    nodes: record(o.nodes, `${path}.nodes`, (n, p) => {
      const no = obj(n, p);
      const drop = obj(no.drop, `${p}.drop`);
      return {
        id: str(no.id, `${p}.id`),
        row: int(no.row, `${p}.row`, 0, LIMITS.elements),
        ...(no.uplink !== undefined ? { uplink: str(no.uplink, `${p}.uplink`) } : {}),
        drop: { x: num(drop.x, `${p}.drop.x`), top: num(drop.top, `${p}.drop.top`), busY: num(drop.busY, `${p}.drop.busY`) },
      };
    }),
    nodeOf: record(o.nodeOf, `${path}.nodeOf`, (x, p) => str(x, p)),
    buses: arr(o.buses, `${path}.buses`, LIMITS.elements).map((b, i) => {
      const p = `${path}.buses[${i}]`;
      const bo = obj(b, p);
      return { row: int(bo.row, `${p}.row`, 0, LIMITS.elements), y: num(bo.y, `${p}.y`), x1: num(bo.x1, `${p}.x1`), x2: num(bo.x2, `${p}.x2`) };
    }),
    trunkX: num(o.trunkX, `${path}.trunkX`),
    externalAttach: record(o.externalAttach, `${path}.externalAttach`, point),
    servicesBand: o.servicesBand === null || o.servicesBand === undefined ? null : box(o.servicesBand, `${path}.servicesBand`),
  };
}

function scenario(v: unknown, path: string): SharedScenario {
  const o = obj(v, path);
  return {
    from: str(o.from, `${path}.from`),
    to: str(o.to, `${path}.to`),
    proto: oneOf(o.proto, `${path}.proto`, ['tcp', 'udp', 'icmp'] as const),
    port: o.port === null || o.port === undefined ? null : int(o.port, `${path}.port`, 1, 65535),
    ...(o.seed !== undefined ? { seed: int(o.seed, `${path}.seed`, 0, 0xffffffff) } : {}),
    ...(o.pick !== undefined ? { pick: str(o.pick, `${path}.pick`, 64) } : {}),
  };
}

/** Checks a decoded value against the v1 schema; the message names the first bad field. */
export function checkShareState(value: unknown): Checked<ShareState> {
  try {
    const o = obj(value, 'the link');
    return {
      ok: true,
      value: {
        manifests: str(o.manifests, 'manifests', LIMITS.manifestsChars),
        scenario: scenario(o.scenario, 'scenario'),
        direction: o.direction === undefined ? 'request' : oneOf(o.direction, 'direction', ['request', 'reply'] as const),
        hop: o.hop === undefined ? 0 : int(o.hop, 'hop', 0, LIMITS.hop),
        theme: o.theme === undefined ? 'light' : oneOf(o.theme, 'theme', ['light', 'dark'] as const),
        layout: o.layout === undefined || o.layout === null ? null : layout(o.layout, 'layout'),
      },
    };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, message: `${e.path} ${e.why}` };
    throw e;
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The layout with coordinates to a tenth of a pixel: invisible on screen, a third off the link. */
export function compactLayout(L: TopologyLayout): TopologyLayout {
  const b = (x: { x: number; y: number; w: number; h: number }) => ({ x: round1(x.x), y: round1(x.y), w: round1(x.w), h: round1(x.h) });
  const p = (q: [number, number]): [number, number] => [round1(q[0]), round1(q[1])];
  const map = <T, U>(r: Record<string, T>, f: (t: T) => U) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, f(v)]));
  return {
    width: round1(L.width),
    height: round1(L.height),
    boxes: map(L.boxes, b),
    edges: L.edges.map((e) => ({ ...e, points: e.points.map(p) })),
    nodes: map(L.nodes, (n) => ({ ...n, drop: { x: round1(n.drop.x), top: round1(n.drop.top), busY: round1(n.drop.busY) } })),
    nodeOf: L.nodeOf,
    buses: L.buses.map((x) => ({ row: x.row, y: round1(x.y), x1: round1(x.x1), x2: round1(x.x2) })),
    trunkX: round1(L.trunkX),
    externalAttach: map(L.externalAttach, p),
    servicesBand: L.servicesBand ? b(L.servicesBand) : null,
  };
}
