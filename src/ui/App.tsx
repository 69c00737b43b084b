import { useEffect } from 'react';
import { useAppStore } from '../state/store';
import { BottomPanel } from './BottomPanel';
import { EditorPanel } from './EditorPanel';
import { NoticeToast } from './NoticeToast';
import { ScenarioBar } from './ScenarioBar';
import { SidePanel } from './SidePanel';
import { TopologyCanvas } from './topology/TopologyCanvas';
import { usePlaybackClock, usePlaybackKeys } from './playback';

export function App() {
  const theme = useAppStore((s) => s.theme);
  const editorOpen = useAppStore((s) => s.editorOpen);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  usePlaybackClock();
  usePlaybackKeys();
  return (
    <div className="app" data-editor={editorOpen ? 'open' : 'closed'}>
      <ScenarioBar />
      <EditorPanel />
      <main className="area-canvas" aria-label="Topology">
        <TopologyCanvas />
      </main>
      <BottomPanel />
      <SidePanel />
      <NoticeToast />
    </div>
  );
}
