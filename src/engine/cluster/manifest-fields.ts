/**
 * Defensive readers for manifest bodies. The parse module reports type problems; the cluster
 * builder only takes what is usable and skips the rest, so none of these ever throw.
 */
export type Fields = Record<string, unknown>;

export function asRecord(v: unknown): Fields | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Strings as they are; numbers and booleans as YAML would have printed them (label values). */
export function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** A non-empty string only. */
export function asText(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function asInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

export function asBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** `at(body, 'spec', 'template', 'metadata')`: undefined as soon as a step is not an object. */
export function at(v: unknown, ...keys: string[]): unknown {
  let cur: unknown = v;
  for (const k of keys) {
    const r = asRecord(cur);
    if (!r) return undefined;
    cur = r[k];
  }
  return cur;
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const r = asRecord(v);
  if (!r) return out;
  for (const [k, val] of Object.entries(r)) {
    const s = asString(val);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** metadata.labels / metadata.annotations of a body or a pod template. */
export function labelsOf(v: unknown): Record<string, string> {
  return stringMap(at(v, 'metadata', 'labels'));
}

export function annotationsOf(v: unknown): Record<string, string> {
  return stringMap(at(v, 'metadata', 'annotations'));
}

/** metadata.ownerReferences → the controller owner (or the first owner). */
export function controllerOf(body: unknown): { kind: string; name: string } | undefined {
  const refs = asArray(at(body, 'metadata', 'ownerReferences'));
  let first: { kind: string; name: string } | undefined;
  for (const r of refs) {
    const kind = asText(at(r, 'kind'));
    const name = asText(at(r, 'name'));
    if (!kind || !name) continue;
    if (at(r, 'controller') === true) return { kind, name };
    first ??= { kind, name };
  }
  return first;
}

/** `['spec', 'ports', 0, 'port']` → `spec.ports[0].port`, the form problems print. */
export function pathText(path: readonly (string | number)[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${k}` : k;
  return out;
}
