import { memo, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ScenarioEndpoint } from '../engine/topology/types';
import type { L4Proto } from '../engine/walk/types';
import { useAppStore, type AppData } from '../state/store';
import { PresetsMenu } from './PresetsMenu';
import { ShareButton } from './share/ShareDialog';
import { ExportMenu } from './export/ExportMenu';

const GROUPS: ScenarioEndpoint['group'][] = ['Pods', 'Nodes', 'Services', 'Node ports', 'Load balancers', 'External', 'DNS names'];

const EndpointOptions = memo(function EndpointOptions({ endpoints, current }: { endpoints: ScenarioEndpoint[]; current: string }) {
  const known = endpoints.some((e) => e.spec === current);
  return (
    <>
      {!known && current && <option value={current}>{current}</option>}
      {!current && <option value="">—</option>}
      {GROUPS.map((g) => {
        const items = endpoints.filter((e) => e.group === g);
        if (items.length === 0) return null;
        return (
          <optgroup key={g} label={g}>
            {items.map((e) => (
              <option key={e.spec} value={e.spec}>
                {e.label}
              </option>
            ))}
          </optgroup>
        );
      })}
    </>
  );
});

/** Past this many choices a picker builds its options when the user reaches for it, not before. */
const LAZY_OPTIONS = 400;

/**
 * A picker over the cluster's endpoints. A big cluster has thousands: building their <option>s
 * would block the main thread right when the pasted cluster is being drawn, so until the user
 * focuses or presses the picker it holds just the current choice.
 */
function EndpointSelect({ endpoints, value, onChange }: { endpoints: ScenarioEndpoint[]; value: string; onChange: (spec: string) => void }) {
  const [engagedFor, setEngagedFor] = useState<ScenarioEndpoint[] | null>(null);
  const full = endpoints.length <= LAZY_OPTIONS || engagedFor === endpoints;
  const shown = useMemo(() => (full ? endpoints : endpoints.filter((e) => e.spec === value)), [full, endpoints, value]);
  const engage = () => {
    if (!full) setEngagedFor(endpoints);
  };
  return (
    <select value={value} onFocus={engage} onPointerDown={engage} onChange={(e) => onChange(e.target.value)}>
      <EndpointOptions endpoints={shown} current={value} />
    </select>
  );
}

const selectBar = (s: AppData) => ({ endpoints: s.endpoints, scenario: s.scenario, build: s.build, tracing: s.tracing, theme: s.theme, engineMode: s.engineMode });

export function ScenarioBar() {
  const { endpoints, scenario, build, tracing, theme, engineMode } = useAppStore(useShallow(selectBar));
  const setScenario = useAppStore((s) => s.setScenario);
  const setTheme = useAppStore((s) => s.setTheme);
  const sources = useMemo(() => endpoints.filter((e) => e.source), [endpoints]);
  const targets = useMemo(() => endpoints.filter((e) => e.target), [endpoints]);
  const status =
    build.status === 'building' ? 'Building…' : tracing ? 'Tracing…' : build.status === 'invalid' ? 'Manifests have errors' : build.status === 'ok' && build.ms !== null ? `Engine ${build.ms.toFixed(0)} ms` : '';
  return (
    <header className="area-bar bar">
      <h1 className="brand">
        <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
          <rect x="2" y="6" width="20" height="12" rx="3" fill="none" stroke="var(--accent)" strokeWidth="2" />
          <path d="M6 12h9m0 0-3-3m3 3-3 3" fill="none" stroke="var(--c-nat)" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        PacketWalk
      </h1>
      <form className="scenario" aria-label="Scenario" onSubmit={(e) => e.preventDefault()}>
        <label className="field grow">
          <span>From</span>
          <EndpointSelect endpoints={sources} value={scenario.from} onChange={(from) => setScenario({ from })} />
        </label>
        <label className="field grow">
          <span>To</span>
          <EndpointSelect
            endpoints={targets}
            value={scenario.to}
            onChange={(to) => {
              const ep = targets.find((t) => t.spec === to);
              setScenario({ to, ...(ep?.proto ? { proto: ep.proto } : {}), port: ep?.port ?? null });
            }}
          />
        </label>
        <label className="field">
          <span>Protocol</span>
          <select value={scenario.proto} onChange={(e) => setScenario({ proto: e.target.value as L4Proto })}>
            <option value="tcp">TCP</option>
            <option value="udp">UDP</option>
            <option value="icmp">ICMP</option>
          </select>
        </label>
        <label className="field port">
          <span>Port</span>
          <input
            type="number"
            min={1}
            max={65535}
            inputMode="numeric"
            value={scenario.port ?? ''}
            placeholder="auto"
            disabled={scenario.proto === 'icmp'}
            onChange={(e) => {
              const n = Number(e.target.value);
              setScenario({ port: e.target.value === '' || !Number.isInteger(n) || n < 1 || n > 65535 ? null : n });
            }}
          />
        </label>
      </form>
      <div className="bar-actions">
        <span className="status" role="status" title={`Engine runs ${engineMode === 'worker' ? 'in a Web Worker' : 'on the main thread'}`}>
          {status}
        </span>
        <PresetsMenu />
        <ShareButton />
        <ExportMenu />
        <button type="button" className="btn icon" aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'} onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
          <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
            {theme === 'dark' ? (
              <g fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
                <circle cx="12" cy="12" r="4" />
                <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
              </g>
            ) : (
              <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
            )}
          </svg>
        </button>
      </div>
    </header>
  );
}
