/**
 * Problems are values, never exceptions: every edge (editor markers, CLI stderr, problem list)
 * renders them. Positions are 1-based, as editors and compilers print them.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface SourceRef {
  /** 0-based index of the YAML document in the pasted text (`---` separated). */
  doc: number;
  /** 1-based line and column in the whole pasted text. */
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export interface Problem extends SourceRef {
  severity: Severity;
  /** Stable machine code, e.g. `yaml-syntax`, `missing-kind`, `bad-cidr`, `dangling-ref`, `ignored-kind`. */
  code: string;
  message: string;
  /** Dotted path inside the object when known, e.g. `spec.ports[0].port`. */
  path?: string;
}

export const NO_SOURCE: SourceRef = { doc: -1, line: 1, col: 1 };

export function problem(
  severity: Severity,
  code: string,
  message: string,
  at: SourceRef = NO_SOURCE,
  path?: string,
): Problem {
  const p: Problem = { severity, code, message, ...at };
  if (path !== undefined) p.path = path;
  return p;
}

/** `doc 2, line 14, col 7: message` — the one way problems are printed as text. */
export function formatProblem(p: Problem): string {
  const where = p.doc >= 0 ? `document ${p.doc + 1}, line ${p.line}, column ${p.col}` : 'input';
  return `${p.severity}: ${where}: ${p.message}${p.path ? ` (${p.path})` : ''}`;
}
