import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildModel, type EngineModel } from '../engine/index.ts';
import type { Problem } from '../engine/problems.ts';

/** What the CLI reads when no file is named: the app's first preset (DESIGN §3's demo cluster). */
export const DEMO_FILE = fileURLToPath(new URL('../presets/demo.yaml', import.meta.url));

interface Source {
  name: string;
  text: string;
  /** First line of this file in the joined stream (1-based). */
  firstLine: number;
}

const DOC_START = /^---(\s|$)/;

/**
 * Where a problem is, in the file the user wrote: the engine sees one joined stream, so its line
 * is mapped back to a file, and the document is counted within that file (`---` lines before it;
 * content before the first `---` is a document of its own).
 */
function locate(p: Problem, sources: Source[], lines: string[][]): string {
  if (p.doc < 0) return 'input';
  let i = sources.length - 1;
  while (i > 0 && sources[i]!.firstLine > p.line) i--;
  const src = sources[i]!;
  const own = lines[i]!;
  const line = p.line - src.firstLine + 1;
  const before = own.slice(0, line);
  const firstContent = own.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const leading = firstContent >= 0 && !DOC_START.test(own[firstContent]!) && firstContent < line ? 1 : 0;
  const doc = Math.max(1, before.filter((l) => DOC_START.test(l)).length + leading);
  const file = sources.length > 1 || src.name !== '-' ? `${src.name}, ` : '';
  return `${file}document ${doc}, line ${line}, column ${p.col}`;
}

export function formatCliProblem(p: Problem, sources: Source[], lines: string[][]): string {
  const label = p.severity === 'info' ? 'note' : p.severity;
  return `${label}: ${locate(p, sources, lines)}: ${p.message}${p.path ? ` (${p.path})` : ''}`;
}

/**
 * Reads manifest files ('-' is stdin; none: the demo cluster), joins them as one multi-document
 * stream and builds the model. Problems go to stderr naming the file, document, line and column
 * (notes too: an ignored kind is worth knowing); errors, and a file that cannot be read, fail.
 */
export function loadModel(files: string[]): { model: EngineModel; ok: true } | { model: null; ok: false } {
  const names = files.length > 0 ? files : [DEMO_FILE];
  const sources: Source[] = [];
  let line = 1;
  for (const name of names) {
    let text: string;
    try {
      text = name === '-' ? readFileSync(0, 'utf8') : readFileSync(name, 'utf8');
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err);
      console.error(`error: cannot read ${name === '-' ? 'standard input' : name}: ${why}`);
      return { model: null, ok: false };
    }
    text = text.replace(/\n?$/, '\n');
    sources.push({ name, text, firstLine: line });
    line += text.split('\n').length - 1 + 1; // its lines, then the '---' joining it to the next
  }
  const model = buildModel(sources.map((s) => s.text).join('---\n'));
  const lines = sources.map((s) => s.text.split('\n'));
  let ok = true;
  for (const p of model.problems) {
    console.error(formatCliProblem(p, sources, lines));
    if (p.severity === 'error') ok = false;
  }
  return ok ? { model, ok } : { model: null, ok };
}
