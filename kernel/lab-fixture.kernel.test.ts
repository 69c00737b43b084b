/**
 * The lab generator against the real kernel, on the hand-built two-node Calico VXLAN fixture: the
 * script builds, real packets cross the VXLAN tunnel and the underlay, the kernel holds exactly the
 * modelled rules, and `down` leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labLayout, labScript } from '../src/engine/lab';
import { calicoVxlanFixture } from '../src/engine/lab/fixtures/calico-vxlan';
import { printIptablesSave } from '../src/engine/netfilter';
import { hostTraces, LabRunner, labUnavailable, python, readRecords, run } from './lab-runner';
import { kernelSaveText, movedRules, snapshot } from './rule-counters';

const why = labUnavailable();
if (why) console.log(`SKIPPED kernel lab tests: ${why}`);

interface Peer {
  peer: string;
  peerPort: number;
}

describe.skipIf(why !== null)('lab on the Calico VXLAN fixture', () => {
  const { cluster, dataplane } = calicoVxlanFixture();
  const layout = labLayout(cluster, dataplane);
  const lab = new LabRunner(labScript(cluster, dataplane));
  const ns = (pod: string) => layout.pods.find((p) => p.pod === pod)!.netns;
  let before: ReturnType<typeof hostTraces>;

  beforeAll(() => {
    before = hostTraces();
    const r = lab.up();
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.status).toBe(0);
  });

  afterAll(() => {
    lab.down();
    lab.dispose();
  });

  it('holds exactly the modelled rule set in each node netns', () => {
    for (const n of layout.nodes) {
      const model = printIptablesSave(dataplane.nodes[n.node]!.iptables)
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .join('\n');
      expect(kernelSaveText(lab, n.netns)).toBe(model);
    }
  });

  it('delivers TCP pod → pod across nodes over vxlan.calico, with the pod IP as the peer', async () => {
    const out = await lab.listen(ns('default/web'), 'tcp', 8080);
    const snap = snapshot(lab, layout.nodes);
    const probe = lab.exec(ns('default/client'), [process.execPath, lab.agentPath('probe.mjs'), 'tcp', '172.16.0.66', '8080', '3000']);
    expect(JSON.parse(probe.stdout)).toMatchObject({ result: 'connected', local: { address: '172.16.0.2' } });
    expect(readRecords<Peer>(out)[0]?.peer).toBe('172.16.0.2');
    const moved = movedRules(snap, snapshot(lab, layout.nodes)).map((r) => `${r.node} ${r.text}`);
    // Forwarded out of a cali veth on k8s-a, into a cali veth on k8s-b.
    expect(moved).toContain('k8s-a -A cali-FORWARD -i cali+ -m comment --comment "cali:from-wl" -j ACCEPT');
    expect(moved).toContain('k8s-b -A cali-FORWARD -o cali+ -m comment --comment "cali:to-wl" -j ACCEPT');
    // The pod → pod packet stays inside the pool, so natOutgoing does not touch it.
    expect(moved.filter((m) => m.includes('MASQUERADE'))).toEqual([]);
  });

  it('masquerades pod → upstream resolver traffic to the node IP (natOutgoing), over the underlay gateway', async () => {
    const out = await lab.listen(layout.upstream!.netns, 'udp', 53);
    const snap = snapshot(lab, layout.nodes);
    const probe = lab.exec(ns('default/client'), [process.execPath, lab.agentPath('probe.mjs'), 'udp', '1.1.1.1', '53', '3000']);
    expect(JSON.parse(probe.stdout)).toMatchObject({ result: 'replied', from: '1.1.1.1' });
    expect(readRecords<Peer>(out)[0]?.peer).toBe('192.168.10.11');
    const moved = movedRules(snap, snapshot(lab, layout.nodes)).map((r) => `${r.node} ${r.text}`);
    expect(moved.some((m) => m.startsWith('k8s-a -A cali-nat-outgoing') && m.includes('MASQUERADE'))).toBe(true);
  });

  it.skipIf(python() === null)('answers ICMP echo from the external client to a node IP', () => {
    const r = lab.exec(layout.external.netns, [python()!, lab.agentPath('ping.py'), '192.168.10.12', '3000']);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'reply', from: '192.168.10.12' });
  });

  it('never reaches anything outside the lab: the internet is pw-upstream, private ranges are unreachable', () => {
    const r = lab.exec(layout.nodes[0]!.netns, ['ip', 'route', 'get', '8.8.8.8']);
    // The only way out is the lab's own gateway on pw-wire, whose default route is the upstream netns.
    expect(r.stdout).toMatch(/via 192\.168\.10\.1 dev eth0/);
    expect(run('ip', ['-n', 'pw-wire', 'route', 'show', 'default']).stdout.trim()).toBe('default dev upstream scope link');
    expect(run('ip', ['-n', 'pw-wire', 'route', 'get', '10.1.2.3']).stderr).toMatch(/No route to host|Network is unreachable/);
  });

  it('down removes every namespace, link, rule and file it made, and is idempotent', () => {
    expect(lab.down().status).toBe(0);
    expect(lab.down().status).toBe(0);
    const after = hostTraces();
    expect(after.netns.filter((n) => layout.allNetns.includes(n))).toEqual([]);
    expect(after).toEqual(before);
  });
});
