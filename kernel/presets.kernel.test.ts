/**
 * Every scenario preset (src/presets, DESIGN.md §5) built for real and its own trace compared with
 * the kernel. Presets on Calico IPIP cannot be checked on a kernel without the ipip module; each of
 * them is also checked as the same cluster on Calico VXLAN, where only the tunnel differs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/engine';
import { PRESETS } from '../src/presets';
import { ConformanceLab } from './conformance-lab';
import { labUnavailable, run } from './lab-runner';
import { EXTERNAL_IP } from './scenarios';

const why = labUnavailable();
if (why) console.log(`SKIPPED kernel preset tests: ${why}`);
const PRESET_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'presets');
const HAVE_IPIP = !why && run('sh', ['-c', 'ip netns add pw-ipip-probe && ip -n pw-ipip-probe link add t type ipip; r=$?; ip netns del pw-ipip-probe; exit $r']).status === 0;

interface Variant {
  id: string;
  text: string;
  notKernelChecked?: string;
}

function variants(file: string, id: string): Variant[] {
  const text = readFileSync(join(PRESET_DIR, file), 'utf8');
  if (/encapsulation:\s*IPIP/.test(text) && !HAVE_IPIP) {
    return [
      { id: `${id} (IPIP)`, text, notKernelChecked: 'no ipip module on this kernel' },
      { id: `${id} (as Calico VXLAN)`, text: text.replace(/encapsulation:\s*IPIP/g, 'encapsulation: VXLAN') },
    ];
  }
  if (/cni:\s*weave/.test(text)) return [{ id, text, notKernelChecked: 'Weave fastdp is built from a Linux bridge and a flooding VXLAN device (see docs/lab.md)' }];
  return [{ id, text }];
}

for (const preset of PRESETS) {
  for (const v of variants(preset.file, preset.id)) {
    if (v.notKernelChecked && !why) console.log(`NOT KERNEL-CHECKED preset ${v.id}: ${v.notKernelChecked}`);
    describe.skipIf(why !== null || v.notKernelChecked !== undefined)(`preset ${v.id}`, () => {
      const s = preset.defaults;
      const externalIp = s.from.startsWith('external/') ? s.from.slice('external/'.length) : EXTERNAL_IP;
      const model = buildModel(v.text);
      const lab = new ConformanceLab(`preset-${v.id.replace(/[^a-z0-9]+/gi, '-')}`, model, externalIp);
      const dnsName = s.to.startsWith('dns:') ? s.to.slice(4) : undefined;
      const outsidePort = /^[\d.]+:(\d+)$/.exec(s.to)?.[1];

      beforeAll(async () => {
        expect(model.problems.filter((p) => p.severity === 'error')).toEqual([]);
        const outside = outsidePort ? [{ proto: s.proto === 'udp' ? ('udp' as const) : ('tcp' as const), port: Number(outsidePort) }] : [];
        await lab.start(dnsName ? [dnsName] : [], outside);
      });

      afterAll(() => {
        expect(lab.stop()).toBe(0);
      });

      it.skipIf(s.proto === 'icmp' && lab.py === null)(`${s.from} → ${s.to} (${s.proto}${s.port ? ` ${s.port}` : ''})`, async () => {
        const probe = { id: `${v.id}: ${s.from} → ${s.to}`, from: s.from, to: s.to, proto: s.proto, ...(s.port !== undefined ? { port: s.port } : {}) };
        expect(await lab.probe(probe), probe.id).toEqual([]);
      });
    });
  }
}
