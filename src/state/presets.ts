/**
 * Reads the preset list (`src/presets/index.ts`, one per scenario) without depending on its exact
 * shape at compile time: the glob is empty until that module exists, and each entry is checked
 * field by field. The demo cluster stands in when there is no list.
 */
import type { L4Proto } from '../engine/walk/types';
import { DEMO_MANIFESTS, DEMO_SCENARIO } from './demo';
import type { Preset, Scenario } from './store';

const modules = import.meta.glob<Record<string, unknown>>('../presets/index.ts');

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function scenarioOf(v: unknown): Scenario | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const from = str(o.from);
  const to = str(o.to);
  if (!from || !to) return null;
  const proto = str(o.proto);
  return { from, to, proto: proto === 'udp' || proto === 'icmp' ? (proto as L4Proto) : 'tcp', port: num(o.port) ?? null };
}

function presetOf(v: unknown, i: number): Preset | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const text = str(o.manifests) ?? str(o.text) ?? str(o.yaml);
  if (!text) return null;
  const id = str(o.id) ?? str(o.name) ?? `preset-${i + 1}`;
  const trace = o.trace ?? o.scenario ?? o.request;
  return { id, title: str(o.title) ?? str(o.name) ?? id, description: str(o.description) ?? '', text, scenario: scenarioOf(trace) };
}

export const DEMO_PRESET: Preset = {
  id: 'demo',
  title: 'Demo: pod → ClusterIP across nodes',
  description: 'Calico IPIP, three nodes: a client pod reaches a two-replica Service on another node.',
  text: DEMO_MANIFESTS,
  scenario: { ...DEMO_SCENARIO },
};

export async function loadPresets(): Promise<Preset[]> {
  const load = modules['../presets/index.ts'];
  if (!load) return [DEMO_PRESET];
  try {
    const mod = await load();
    const list = Object.values(mod).find((v) => Array.isArray(v)) as unknown[] | undefined;
    const presets = (list ?? []).map(presetOf).filter((p): p is Preset => p !== null);
    return presets.length > 0 ? presets : [DEMO_PRESET];
  } catch {
    return [DEMO_PRESET];
  }
}
