/**
 * Runs a generated lab for real: writes the script, brings it up and down, runs commands inside its
 * namespaces, and starts/stops the listener agents. Only processes started here are ever killed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const AGENTS = join(dirname(fileURLToPath(import.meta.url)), 'agents');

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string, timeoutMs = 60_000): RunResult {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Why the kernel suite cannot run here, or null when it can (root, ip netns, iptables). */
export function labUnavailable(): string | null {
  if (process.platform !== 'linux') return 'kernel tests need Linux network namespaces';
  if (process.getuid?.() !== 0) return 'kernel tests need root (ip netns, iptables inside namespaces)';
  for (const tool of ['ip', 'iptables-restore', 'iptables-save', 'bridge']) {
    if (run('sh', ['-c', `command -v ${tool}`]).status !== 0) return `kernel tests need '${tool}'`;
  }
  const probe = `pw-probe-${process.pid}`;
  const add = run('ip', ['netns', 'add', probe]);
  if (add.status !== 0) return `ip netns add failed: ${add.stderr.trim()}`;
  run('ip', ['netns', 'del', probe]);
  return null;
}

/** python3 for the ICMP agent (raw socket), or null when there is none. */
export function python(): string | null {
  // The real interpreter, not a version-manager shim (those take a second to start).
  const r = run('python3', ['-c', 'import sys; print(sys.executable)']);
  return r.status === 0 ? r.stdout.trim() : null;
}

export class LabRunner {
  readonly dir = mkdtempSync(join(tmpdir(), 'pw-lab-'));
  readonly scriptPath = join(this.dir, 'lab.sh');
  private readonly children: ChildProcess[] = [];

  constructor(readonly script: string) {
    writeFileSync(this.scriptPath, script);
  }

  up(): RunResult {
    return run('bash', [this.scriptPath, 'up'], undefined, 120_000);
  }

  down(): RunResult {
    this.stopAgents();
    return run('bash', [this.scriptPath, 'down'], undefined, 120_000);
  }

  exec(netns: string, argv: string[], timeoutMs = 30_000): RunResult {
    return run('ip', ['netns', 'exec', netns, ...argv], undefined, timeoutMs);
  }

  /** Starts an agent inside a netns and waits for its `ready` line. */
  async startAgent(netns: string, argv: string[]): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent in ${netns} not ready: ${argv.join(' ')} ${err}`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`agent in ${netns} exited (${code}): ${argv.join(' ')} ${err}`));
      });
    });
    return child;
  }

  /** TCP/UDP listener recording peers to a file; returns the file. */
  async listen(netns: string, proto: 'tcp' | 'udp', port: number): Promise<string> {
    const out = join(this.dir, `${netns}-${proto}-${port}.jsonl`);
    await this.startAgent(netns, [process.execPath, join(AGENTS, 'listener.mjs'), proto, String(port), out]);
    return out;
  }

  agentPath(name: string): string {
    return join(AGENTS, name);
  }

  stopAgents(): void {
    for (const c of this.children.splice(0)) {
      if (c.exitCode === null && c.pid !== undefined) {
        // `ip netns exec` execs the agent in place, so this pid is the agent itself.
        try {
          process.kill(c.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
    }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function readRecords<T>(file: string): T[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as T);
  } catch {
    return [];
  }
}

/** What the host looks like from outside the lab: compared before `up` and after `down`. */
export function hostTraces(): { netns: string[]; links: string[]; iptables: string; etcNetns: string[] } {
  const netns = run('ip', ['netns', 'list']).stdout.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean).sort();
  const links = run('ip', ['-o', 'link', 'show']).stdout.split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '').filter(Boolean).sort();
  const iptables = run('iptables-save', []).stdout.split('\n').filter((l) => l && !l.startsWith('#')).join('\n');
  const etcNetns = run('sh', ['-c', 'ls -A /etc/netns 2>/dev/null || true']).stdout.split('\n').filter(Boolean).sort();
  return { netns, links, iptables, etcNetns };
}
