/**
 * The preset list (`src/presets/index.ts`, one per DESIGN.md §5 scenario). Titles come with the
 * app; each manifest is its own small chunk, fetched at start in parallel. The demo stands in if a
 * file is missing.
 */
import { PRESETS } from '../presets';
import { DEMO_MANIFESTS, DEMO_SCENARIO } from './demo';
import type { Preset } from './store';

const files = import.meta.glob<string>('../presets/*.yaml', { query: '?raw', import: 'default' });

export const DEMO_PRESET: Preset = {
  id: 'demo',
  title: 'Demo: pod → ClusterIP across nodes',
  description: 'Calico IPIP, three nodes: a client pod reaches a two-replica Service on another node.',
  text: DEMO_MANIFESTS,
  scenario: { ...DEMO_SCENARIO },
};

export async function loadPresets(): Promise<Preset[]> {
  const loaded = await Promise.all(
    PRESETS.map(async (p): Promise<Preset | null> => {
      const load = files[`../presets/${p.file}`];
      if (!load) return null;
      try {
        const text = await load();
        const d = p.defaults;
        return { id: p.id, title: p.title, description: p.description, text, scenario: { from: d.from, to: d.to, proto: d.proto, port: d.port ?? null } };
      } catch {
        return null;
      }
    }),
  );
  const presets = loaded.filter((p): p is Preset => p !== null);
  return presets.length > 0 ? presets : [DEMO_PRESET];
}
