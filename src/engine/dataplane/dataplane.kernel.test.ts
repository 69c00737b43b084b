/**
 * The view fixtures against the kernel: re-runs fixtures/make-fixtures.sh (real `ip` and `bridge`
 * in throwaway netns) and checks that this machine still prints exactly the stored text, which
 * views.test.ts in turn compares with our formatters. Needs root, iproute2, veth/bridge/vxlan.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('./fixtures/', import.meta.url));
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasIp = spawnSync('sh', ['-c', 'command -v ip && command -v bridge']).status === 0;

describe.skipIf(!isRoot || !hasIp)('dataplane view fixtures on the real kernel', () => {
  it('make-fixtures.sh prints the stored ip addr / ip route / ip neigh / bridge fdb / ip route get text', () => {
    const out = mkdtempSync(join(tmpdir(), 'pw-dataplane-'));
    try {
      const r = spawnSync('bash', [join(here, 'make-fixtures.sh'), out], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const stored = readdirSync(here).filter((f) => f.endsWith('.txt'));
      expect(stored.length).toBeGreaterThan(10);
      // `ip neigh` lists in the kernel's hash order, which varies from run to run: compared as sets.
      const norm = (f: string, t: string) => (f.includes('neigh') ? t.split('\n').sort().join('\n') : t);
      for (const f of stored) expect(norm(f, readFileSync(join(out, f), 'utf8')), f).toBe(norm(f, readFileSync(join(here, f), 'utf8')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
