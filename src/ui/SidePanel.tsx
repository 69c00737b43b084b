import { useAppStore } from '../state/store';
import { Inspector } from './Inspector';
import { TerminalView } from './TerminalView';

export function SidePanel() {
  const tab = useAppStore((s) => s.sideTab);
  const setTab = useAppStore((s) => s.setSideTab);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const next = tab === 'hop' ? 'terminal' : 'hop';
      setTab(next);
      document.getElementById(`tab-${next}`)?.focus();
      e.preventDefault();
    }
  };
  return (
    <aside className="area-side panel side" aria-label="Inspector">
      <div className="tabs" role="tablist" aria-label="Inspector views" onKeyDown={onKeyDown}>
        <button type="button" role="tab" id="tab-hop" aria-selected={tab === 'hop'} aria-controls="panel-hop" tabIndex={tab === 'hop' ? 0 : -1} onClick={() => setTab('hop')}>
          Hop
        </button>
        <button type="button" role="tab" id="tab-terminal" aria-selected={tab === 'terminal'} aria-controls="panel-terminal" tabIndex={tab === 'terminal' ? 0 : -1} onClick={() => setTab('terminal')}>
          Terminal
        </button>
      </div>
      {tab === 'hop' ? (
        <div className="tabpanel inspector" role="tabpanel" id="panel-hop" aria-labelledby="tab-hop" tabIndex={0}>
          <Inspector />
        </div>
      ) : (
        <div className="tabpanel" role="tabpanel" id="panel-terminal" aria-labelledby="tab-terminal" tabIndex={0}>
          <TerminalView />
        </div>
      )}
    </aside>
  );
}
