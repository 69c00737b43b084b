/**
 * Monaco with YAML and the Kubernetes schema, all bundled (this module is its own lazy chunk).
 * The Monaco model lives here, outside the store; the store only holds the text.
 */
import type * as Monaco from 'monaco-editor';
import * as monacoRuntime from 'monaco-editor/esm/vs/editor/edcore.main.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import { configureMonacoYaml } from 'monaco-yaml';
import { useEffect, useRef, type RefObject } from 'react';
import type { Problem } from '../../engine/problems';
import { useAppStore } from '../../state/store';
import { KUBERNETES_SCHEMA } from './kubernetes-schema';
import YamlWorker from './yaml.worker.ts?worker';

const monaco: typeof Monaco = monacoRuntime;

export interface EditorHandle {
  reveal(line: number, col: number): void;
}

globalThis.MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};

// monaco-yaml asks for a worker by label; the core-only build wants the Worker itself. This is the
// adapter monaco-editor's full entry installs, without pulling in every other language.
interface LabelledWorkerOptions {
  worker?: unknown;
  label?: string;
  createData?: unknown;
  host?: unknown;
  keepIdleModels?: boolean;
}
const createCoreWorker = monaco.editor.createWebWorker as (opts: LabelledWorkerOptions) => Monaco.editor.MonacoWebWorker<object>;
(monaco.editor as { createWebWorker: unknown }).createWebWorker = (opts: LabelledWorkerOptions) => {
  if (opts.worker !== undefined) return createCoreWorker(opts);
  const worker = opts.label === 'yaml' ? new YamlWorker() : new EditorWorker();
  worker.postMessage('ignore');
  worker.postMessage(opts.createData);
  return createCoreWorker({ worker: Promise.resolve(worker), host: opts.host, keepIdleModels: opts.keepIdleModels });
};

const MODEL_URI = monaco.Uri.parse('file:///manifests.yaml');
configureMonacoYaml(monaco, {
  enableSchemaRequest: false,
  isKubernetes: true,
  yamlVersion: '1.1',
  schemas: [{ uri: 'packetwalk://schemas/kubernetes-subset.json', fileMatch: ['manifests.yaml'], schema: KUBERNETES_SCHEMA as never }],
});

const SEVERITY: Record<Problem['severity'], Monaco.MarkerSeverity> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};

function toMarkers(problems: Problem[], model: Monaco.editor.ITextModel): Monaco.editor.IMarkerData[] {
  return problems
    .filter((p) => p.doc >= 0)
    .map((p) => {
      const line = Math.min(Math.max(1, p.line), model.getLineCount());
      const endLine = p.endLine ?? line;
      const endCol = p.endCol ?? model.getLineMaxColumn(Math.min(endLine, model.getLineCount()));
      return { severity: SEVERITY[p.severity], message: p.message, startLineNumber: line, startColumn: Math.max(1, p.col), endLineNumber: endLine, endColumn: Math.max(endCol, p.col + 1), source: 'PacketWalk', code: p.code };
    });
}

export default function ManifestEditor({ handleRef }: { handleRef: RefObject<EditorHandle | null> }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const s = useAppStore.getState();
    const model = monaco.editor.getModel(MODEL_URI) ?? monaco.editor.createModel(s.text, 'yaml', MODEL_URI);
    if (model.getValue() !== s.text) model.setValue(s.text);
    const editor = monaco.editor.create(el, {
      model,
      ariaLabel: 'Manifests',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 12.5,
      lineNumbersMinChars: 3,
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      wrappingIndent: 'indent',
      tabSize: 2,
      renderWhitespace: 'none',
      theme: s.theme === 'dark' ? 'vs-dark' : 'vs',
      fixedOverflowWidgets: true,
    });
    let applying = false;
    // Monaco says "paste" (onDidPaste) right after the edit it made, in the same task; the text
    // goes to the store a microtask later so that it knows which kind of edit it was.
    let pasting = false;
    let queued = false;
    const pasteSub = editor.onDidPaste(() => {
      pasting = true;
    });
    const sub = model.onDidChangeContent(() => {
      if (applying || queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        useAppStore.getState().setText(model.getValue(), pasting ? 'paste' : 'type');
        pasting = false;
      });
    });
    const sync = (st = useAppStore.getState()) => {
      if (st.text !== model.getValue()) {
        applying = true;
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text: st.text }], () => null);
        applying = false;
      }
      monaco.editor.setModelMarkers(model, 'packetwalk', toMarkers(st.problems, model));
    };
    sync();
    const unsub = useAppStore.subscribe((st, prev) => {
      if (st.text !== prev.text || st.problems !== prev.problems) sync(st);
      if (st.theme !== prev.theme) monaco.editor.setTheme(st.theme === 'dark' ? 'vs-dark' : 'vs');
    });
    handleRef.current = {
      reveal(line, col) {
        editor.revealLineInCenter(line);
        editor.setPosition({ lineNumber: line, column: col });
        editor.focus();
      },
    };
    return () => {
      unsub();
      sub.dispose();
      pasteSub.dispose();
      editor.dispose();
      handleRef.current = null;
    };
  }, [handleRef]);

  return <div ref={host} className="monaco-host" style={{ position: 'absolute', inset: 0 }} />;
}
