// Plain data shared by every stage of the core. Spans are UTF-16 offsets into a
// file's text; the protocol shell turns them into LSP ranges.

import type { RuleId } from '../../../shared/rules';
import type { SourceText } from './sourceText';

export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface TextEdit {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe fixes are applied by "fix all" and `check --fix`. */
  safe: boolean;
  preferred?: boolean;
}

/** A finding before severities and suppressions are applied. */
export interface Finding {
  /** Checked against the catalogue (shared/rules.ts) by the compiler. */
  ruleId: RuleId;
  message: string;
  span: Span;
  /** Overrides the rule's default severity for this finding (e.g. by strength). */
  severity?: Severity;
  fixes?: Fix[];
}

/** A finding after configuration: what the user sees. */
export interface Diagnostic extends Finding {
  severity: Severity;
  file: string;
}

// A syntax tree independent of the YAML library, so later stages need not know it.
export type YNode = YMap | YSeq | YScalar;

export interface YMap {
  kind: 'map';
  span: Span;
  flow: boolean;
  entries: YEntry[];
}

export interface YEntry {
  key: string;
  keySpan: Span;
  value: YNode | null;
  /** Where a value would go when there is none: just after the colon. */
  colonEnd: number;
}

export interface YSeq {
  kind: 'seq';
  span: Span;
  flow: boolean;
  items: YNode[];
}

export interface YScalar {
  kind: 'scalar';
  span: Span;
  value: string | number | boolean | null;
  /** True when the scalar was quoted: `"1"` is a string, `1` a number. */
  quoted: boolean;
}

export type Role = 'hypervisor' | 'container-host';
export type Deploy = 'vm' | 'container' | 'container-in-vm';
export const DEPLOYS: readonly Deploy[] = ['vm', 'container', 'container-in-vm'];

export interface NameRef {
  name: string;
  span: Span;
}

export interface HostDecl {
  kind: 'host';
  file: string;
  node: YMap;
  /** The whole item, from its dash to its last line. */
  span: Span;
  name?: string;
  nameSpan: Span;
  role?: Role;
  hypervisor?: string;
  runtime?: string;
  os?: string;
  cpu?: number;
  memory?: number;
  storage?: number;
  site?: string;
  cluster?: string;
  zone?: string;
  arch?: string;
  gpus?: number;
  overcommit: { cpu?: number; memory?: number };
}

export interface VolumeDecl {
  name?: string;
  size?: number;
  span: Span;
}

export interface WorkloadDecl {
  kind: 'workload';
  file: string;
  node: YMap;
  span: Span;
  name?: string;
  nameSpan: Span;
  os?: string;
  kernel?: 'shared' | 'custom';
  architecture?: 'microservice' | 'monolith' | 'batch';
  state?: 'stateless' | 'stateful';
  volumes: VolumeDecl[];
  /** True when `volumes` is written (even empty). */
  hasVolumesKey: boolean;
  replicas?: number;
  scaling?: { min: number; max: number };
  startup?: 'fast' | 'normal';
  isolation?: 'standard' | 'strict';
  liveMigration?: boolean;
  disasterRecovery?: boolean;
  cpu?: number;
  memory?: number;
  zone?: string;
  gpus?: number;
  arch?: string;
  deploy?: Deploy;
  pins: NameRef[];
}

export type Decl = HostDecl | WorkloadDecl;

export interface Suppressions {
  /** Rule ids ignored in the whole file; '*' means every rule. */
  file: Set<string>;
  /** 0-based line → rule ids ignored on that line ('*' = all). */
  lines: Map<number, Set<string>>;
}

export interface ParsedFile {
  file: string;
  /**
   * The whole text. After an incremental edit it is built on first read (a copy of the
   * file, see sourceText.ts): per-keystroke work (the parse, the analysis, diagnostics)
   * reads `source` instead.
   */
  readonly text: string;
  /** The text, read in ranges without building it whole. */
  source: SourceText;
  hosts: HostDecl[];
  workloads: WorkloadDecl[];
  /** The root mapping, when there is one (for completion and hover). */
  root: YMap | null;
  findings: Finding[];
  suppressions: Suppressions;
  /** Offsets where each line starts (only `[0]` for a file refused as too large). */
  lineStarts: number[];
  /** Tells this parse from every other one (of any file). */
  parseId?: number;
  /** How the declarations taken over from the previous parse of the same cache moved, when known. */
  moves?: DeclMoves;
}

/**
 * How the declarations a parse took over from the one before it (`since`) moved: for
 * hosts and for workloads, runs over their index in this parse's list, flat: first index,
 * count, offset delta. A declaration taken over and not in a run did not move; the others
 * are new objects. Lets a consumer that kept positions from the previous parse move
 * them without reading each declaration (the layout's refs).
 */
export interface DeclMoves {
  since: number;
  hosts: number[];
  workloads: number[];
}
