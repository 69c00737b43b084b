import { readFileSync } from 'node:fs';
import { buildModel, type EngineModel } from '../engine/index.ts';
import { formatProblem } from '../engine/problems.ts';

/**
 * Reads manifest files ('-' is stdin), joins them as one multi-document stream and builds the model.
 * Problems go to stderr with document, line and column; errors make the command fail.
 */
export function loadModel(files: string[]): { model: EngineModel; ok: boolean } {
  const texts = files.map((f) => (f === '-' ? readFileSync(0, 'utf8') : readFileSync(f, 'utf8')));
  const text = texts.map((t) => t.replace(/\n?$/, '\n')).join('---\n');
  const model = buildModel(text);
  let ok = true;
  for (const p of model.problems) {
    if (p.severity === 'info') continue;
    console.error(formatProblem(p));
    if (p.severity === 'error') ok = false;
  }
  return { model, ok };
}
