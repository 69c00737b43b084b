/**
 * Kernel conformance: for each CNI the kernel can build, the lab goes up, every probe of
 * scenarios.ts is sent for real from its source netns, and the result is compared with the trace
 * the engine gives for the same request (verdict, endpoint, observed source, counted rules, DNS).
 * Disagreements the walker still has are listed in known-disagreements.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/engine';
import { ConformanceLab } from './conformance-lab';
import { knownDisagreement } from './known-disagreements';
import { hostTraces, labUnavailable } from './lab-runner';
import { CNI_CASES, DNS_PROBES, EXTERNAL_IP, manifests, PROBES } from './scenarios';

const why = labUnavailable();
if (why) console.log(`SKIPPED kernel conformance tests: ${why}`);
const hostBefore = why ? null : hostTraces();

for (const c of CNI_CASES) {
  if (c.notKernelChecked && !why) console.log(`NOT KERNEL-CHECKED ${c.id}: ${c.notKernelChecked}`);
  describe.skipIf(why !== null || c.notKernelChecked !== undefined)(`conformance: ${c.id}`, () => {
    const model = buildModel(manifests(c));
    const lab = new ConformanceLab(c.id, model, EXTERNAL_IP);

    beforeAll(async () => {
      expect(model.problems.filter((p) => p.severity === 'error')).toEqual([]);
      await lab.start(DNS_PROBES.map((d) => d.name), [], c.cni === 'weave');
    });

    afterAll(() => {
      expect(lab.stop()).toBe(0);
    });

    it('the kernel holds the modelled rule set, as iptables-save prints it back', () => {
      const diff = lab.rulesetDiff();
      // Known: the kernel's text differs from ours only in spacing (the nfacct quirk).
      if (diff.length && knownDisagreement(c.id, 'ruleset', 'ruleset')) expect(lab.rulesetDiff(true)).toEqual([]);
      else expect(diff).toEqual([]);
    });

    for (const p of PROBES) {
      it.skipIf(p.proto === 'icmp' && lab.py === null)(p.id, async () => {
        expect(await lab.probe(p), `${c.id} ${p.id}`).toEqual([]);
      });
    }

    for (const d of DNS_PROBES) {
      it(d.id, async () => {
        expect(await lab.probe({ id: d.id, from: d.from, to: `dns:${d.name}`, proto: 'tcp', port: 80 }), `${c.id} ${d.id}`).toEqual([]);
      });
    }
  });
}

describe.skipIf(why !== null)('after every lab is down', () => {
  it('no namespace, link, rule or resolv.conf the labs made is left behind', () => {
    expect(hostTraces()).toEqual(hostBefore);
  });
});
