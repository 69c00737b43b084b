import { describe, expect, it } from 'vitest';
import { calicoCluster } from './fixtures/clusters';
import { underlayGateway } from './host';
import { buildDataplane } from './index';

describe('the underlay router', () => {
  it('is the first address of the node subnet', () => {
    const c = calicoCluster();
    expect(underlayGateway(c, c.nodes[1]!)).toBe('192.168.10.1');
  });

  it('is never a node: with nodes on .1, .2 and .3, every node routes via .4', () => {
    const c = calicoCluster();
    c.nodes = c.nodes.map((n, i) => ({ ...n, ip: `10.0.0.${i + 1}`, underlayPrefix: 24 }));
    const dp = buildDataplane(c);
    for (const n of c.nodes) {
      const def = dp.nodes[n.name]!.host.routes.find((r) => r.dst === 'default');
      expect(def?.via).toBe('10.0.0.4');
    }
  });
});
