/**
 * `ip link` commands that recreate a node's interfaces and the veth pairs into its pods. Device
 * kinds this kernel may lack get their nearest equivalent, decided at run time by the script.
 */
import type { Interface, NodeDataplane } from '../dataplane/types';
import { WIRE_NETNS, labIfName, type LabLayout, type LabNode } from './layout';
import { isSettableMac, ScriptLines, sh } from './shell';

/** The other end of a veth, resolved to a lab netns. */
interface VethEnd {
  netns: string;
  iface: Interface | undefined;
  name: string;
}

export interface NodeLinks {
  /** Creates every device of the node netns and of its pods (before addresses and routes). */
  create: ScriptLines;
  /** Enslaves bridge ports (after all devices exist). */
  masters: ScriptLines;
  /** Names of the modelled interfaces that exist only conditionally (ipip when the kernel has it). */
  ipipDevices: string[];
}

function linkOpts(i: Interface | undefined): string {
  if (!i) return '';
  const parts: string[] = [];
  if (isSettableMac(i.mac)) parts.push(`address ${i.mac}`);
  if (i.mtu > 0 && i.kind !== 'loopback') parts.push(`mtu ${i.mtu}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

function podKeyOf(nd: NodeDataplane, netnsRef: string, peerIface: string | undefined, selfName: string): string | undefined {
  const bare = netnsRef.startsWith('pod:') ? netnsRef.slice(4) : netnsRef;
  if (nd.pods[bare]) return bare;
  for (const [key, ns] of Object.entries(nd.pods)) {
    if (ns.id === netnsRef) return key;
    if (ns.interfaces.some((i) => i.name === peerIface && (i.peer?.iface === selfName || !i.peer))) return key;
  }
  return undefined;
}

function isSameNetns(nd: NodeDataplane, ref: string): boolean {
  return ref === 'host' || ref === nd.host.id || ref === nd.node;
}

/** Resolves the peer of a host veth: a pod netns, the host netns itself, or nothing known. */
function hostVethPeer(nd: NodeDataplane, layout: LabLayout, ln: LabNode, i: Interface): VethEnd | undefined {
  const podNetns = (key: string) => layout.pods.find((p) => p.pod === key && p.node === nd.node)?.netns;
  if (i.peer) {
    if (isSameNetns(nd, i.peer.netns)) {
      return { netns: ln.netns, iface: nd.host.interfaces.find((x) => x.name === i.peer!.iface), name: i.peer.iface };
    }
    const key = podKeyOf(nd, i.peer.netns, i.peer.iface, i.name);
    const lab = key ? podNetns(key) : undefined;
    if (key && lab) {
      return { netns: lab, iface: nd.pods[key]!.interfaces.find((x) => x.name === i.peer!.iface), name: i.peer.iface };
    }
  }
  for (const [key, ns] of Object.entries(nd.pods)) {
    const end = ns.interfaces.find((x) => x.kind === 'veth' && x.peer?.iface === i.name);
    const lab = podNetns(key);
    if (end && lab) return { netns: lab, iface: end, name: end.name };
  }
  return undefined;
}

function vxlanCommand(netns: string, i: Interface, devices: Set<string>): string {
  const v = i.vxlan!;
  let cmd = `ip -n ${netns} link add ${sh(labIfName(i.name))}${linkOpts(i)} type vxlan id ${v.vni} dstport ${v.dstPort}`;
  if (v.local) cmd += ` local ${v.local}`;
  if (v.dev && devices.has(v.dev)) cmd += ` dev ${sh(labIfName(v.dev))}`;
  if (!v.learning) cmd += ' nolearning';
  return cmd;
}

export function nodeLinks(nd: NodeDataplane, layout: LabLayout, ln: LabNode, notes: string[]): NodeLinks {
  const create = new ScriptLines();
  const masters = new ScriptLines();
  const ipipDevices: string[] = [];
  const ns = ln.netns;
  const hostNames = new Set(nd.host.interfaces.map((i) => i.name));
  const made = new Set<string>(); // `${netns}/${iface}` already created (veth peers, lo)

  create.add(`ip -n ${ns} link set lo up`);
  // Underlay first: vxlan devices name it as their `dev`.
  let wireIndex = 0;
  for (const i of nd.host.interfaces.filter((x) => x.kind === 'ethernet')) {
    const port = wireIndex === 0 ? ln.wirePort : `${ln.wirePort}e${wireIndex}`;
    wireIndex++;
    create.add(
      `ip -n ${ns} link add ${sh(labIfName(i.name))}${linkOpts(i)} type veth peer name ${port}${i.mtu > 0 ? ` mtu ${i.mtu}` : ''} netns ${WIRE_NETNS}`,
      `ip -n ${WIRE_NETNS} link set ${port} master ${layout.wire.bridge} up`,
    );
    made.add(`${ns}/${i.name}`);
  }
  for (const i of nd.host.interfaces) {
    const name = sh(labIfName(i.name));
    if (made.has(`${ns}/${i.name}`) || i.kind === 'loopback' || i.kind === 'ethernet') continue;
    switch (i.kind) {
      case 'bridge':
        create.add(`ip -n ${ns} link add ${name}${linkOpts(i)} type bridge`);
        break;
      case 'openvswitch':
        // The Open vSwitch datapath needs ovs-vswitchd to program flows; a Linux bridge switches the
        // same frames between the same ports.
        notes.push(`${nd.node}: ${i.name} is an Open vSwitch datapath in the model; the lab builds a Linux bridge instead`);
        create.add(`ip -n ${ns} link add ${name}${linkOpts(i)} type bridge  # Open vSwitch datapath in the model`);
        break;
      case 'vxlan': {
        const ovs = nd.host.interfaces.find((x) => x.name === i.master && x.kind === 'openvswitch');
        if (ovs && !nd.host.fdb.some((f) => f.dev === i.name && f.dst)) {
          // Weave fastdp programs the datapath's flows per peer; a Linux VXLAN port that floods to
          // every other node and learns remote MACs carries the same frames over the same UDP port.
          notes.push(`${nd.node}: ${i.name} is a flow-based vport of the Open vSwitch datapath in the model; the lab builds a learning VXLAN device that floods to every other node`);
          create.add(vxlanCommand(ns, { ...i, vxlan: { ...i.vxlan!, learning: true } }, hostNames));
          for (const other of layout.nodes.filter((n) => n.node !== nd.node)) {
            masters.add(`ip netns exec ${ns} bridge fdb append 00:00:00:00:00:00 dev ${sh(labIfName(i.name))} dst ${other.ip} self permanent`);
          }
        } else create.add(vxlanCommand(ns, i, hostNames));
        break;
      }
      case 'ipip':
        ipipDevices.push(i.name);
        create.add(
          `if [ "$PW_HAVE_IPIP" = 1 ]; then`,
          i.name === 'tunl0'
            ? `  ip -n ${ns} link show tunl0 >/dev/null 2>&1 || ip -n ${ns} link add tunl0 type ipip`
            : `  ip -n ${ns} link add ${name} type ipip${i.ipip?.local ? ` local ${i.ipip.local}` : ''}${i.ipip?.remote ? ` remote ${i.ipip.remote}` : ''}`,
          ...(i.mtu > 0 ? [`  ip -n ${ns} link set ${name} mtu ${i.mtu}`] : []),
          `fi`,
        );
        break;
      case 'dummy':
        create.add(
          `if [ "$PW_HAVE_DUMMY" = 1 ]; then`,
          `  ip -n ${ns} link add ${name}${linkOpts(i)} type dummy`,
          `else  # nearest equivalent: a veth whose peer stays down holds the addresses just the same`,
          `  ip -n ${ns} link add ${name}${linkOpts(i)} type veth peer name ${sh(labIfName(`${i.name}-peer`))}`,
          `fi`,
        );
        break;
      case 'veth': {
        const peer = hostVethPeer(nd, layout, ln, i);
        if (peer && peer.netns === ns) {
          create.add(`ip -n ${ns} link add ${name}${linkOpts(i)} type veth peer name ${sh(labIfName(peer.name))}${linkOpts(peer.iface)}`);
          made.add(`${ns}/${peer.name}`);
        } else if (peer) {
          create.add(
            `ip -n ${ns} link add ${name}${linkOpts(i)} type veth peer name ${sh(labIfName(peer.name))}${linkOpts(peer.iface)} netns ${peer.netns}`,
          );
          made.add(`${peer.netns}/${peer.name}`);
        } else {
          notes.push(`${nd.node}: veth ${i.name} has no peer in the model; its lab peer stays down`);
          create.add(`ip -n ${ns} link add ${name}${linkOpts(i)} type veth peer name ${sh(labIfName(`${i.name}p`))}`);
        }
        break;
      }
      default:
        notes.push(`${nd.node}: ${i.name} (${i.kind}) is not built`);
    }
    made.add(`${ns}/${i.name}`);
  }

  // Pod interfaces that no host veth claimed (a model that lists only the pod side).
  for (const p of layout.pods.filter((x) => x.node === nd.node)) {
    for (const i of nd.pods[p.pod]!.interfaces) {
      if (i.kind === 'loopback' || made.has(`${p.netns}/${i.name}`)) continue;
      const hostName = i.peer?.iface ?? `${i.name}-${p.netns.slice(-6)}`;
      create.add(
        `ip -n ${p.netns} link add ${sh(labIfName(i.name))}${linkOpts(i)} type veth peer name ${sh(labIfName(hostName))} netns ${ns}`,
      );
      made.add(`${p.netns}/${i.name}`);
    }
  }

  for (const i of nd.host.interfaces) {
    if (i.master && hostNames.has(i.master)) masters.add(`ip -n ${ns} link set ${sh(labIfName(i.name))} master ${sh(labIfName(i.master))}`);
  }
  // br_netfilter must not see frames crossing a stand-in for the Open vSwitch datapath: the netns-wide
  // switch goes off and each modelled Linux bridge turns it back on for itself.
  if (nd.host.interfaces.some((i) => i.kind === 'openvswitch') && nd.host.sysctls['net.bridge.bridge-nf-call-iptables'] === '1') {
    masters.add(`pw_sysctl ${ns} net/bridge/bridge-nf-call-iptables 0  # per bridge below, not on the datapath stand-in`);
    for (const b of nd.host.interfaces.filter((i) => i.kind === 'bridge')) masters.add(`ip -n ${ns} link set ${sh(labIfName(b.name))} type bridge nf_call_iptables 1`);
  }
  return { create, masters, ipipDevices };
}
