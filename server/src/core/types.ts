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
  /**
   * The deployment the fix makes the workload's, when a reader offers it before the fleet
   * is known (a manifest's sandbox runtime): the analysis drops it where the fleet rules
   * that deployment out, so a fix never lands on an impossible option.
   */
  lands?: Deploy;
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
  /** Set for a workload read from a Kubernetes manifest (core/manifests/k8s.ts), not from a descriptor. */
  manifest?: ManifestWorkload;
}

/**
 * What a manifest says about a workload beyond the descriptor's fields. `node` of such a
 * workload is its manifest document (or `List` item), so descriptor fixes never apply.
 */
export interface ManifestWorkload {
  format: 'kubernetes' | 'compose';
  /** `Deployment`, `StatefulSet`, … `VirtualMachine`; `service` for Compose. */
  kind: string;
  /** Compose: the project (`COMPOSE_PROJECT_NAME` in `.env`, the top-level `name:`, else the folder), the scope of its service names. */
  project?: string;
  namespace?: string;
  /** DaemonSet: one replica on every node that matches it. */
  perHost: boolean;
  /**
   * GPUs requested (`nvidia.com/gpu` and other `…/gpu` extended resources, by the same
   * rule as CPU). The descriptor's `gpus` field is being added elsewhere: wiring it is
   * `gpus: w.manifest?.gpus` where the declaration is read.
   */
  gpus?: number;
  /**
   * `topology.kubernetes.io/zone` values the workload is held to: a zone is a host's
   * `site`. When the files are linked, the workload is pinned to the hosts of those sites.
   */
  zones: string[];
  /** The hosts its zones resolved to (set when linked; undefined when the fleet declares no site). */
  zoneHosts?: string[];
  /** Where each descriptor field's value came from, for factors and hover (field name → manifest span). */
  fields: Partial<Record<string, Span>>;
  /** Claimed PersistentVolumeClaims whose size is in another document (filled when the files are linked). */
  claims: string[];
  /** The file of the HorizontalPodAutoscaler that gave `scaling` (set when the files are linked). */
  scaledBy?: string;
}

/** A HorizontalPodAutoscaler: scaling for the workload it targets, in any manifest file. */
export interface ManifestScaler {
  kind: string;
  name: string;
  namespace?: string;
  min: number;
  max: number;
  span: Span;
}

/** What a manifest file holds besides workloads, for joining across files (`linkManifests`). */
export interface ManifestFile {
  format: 'kubernetes' | 'compose';
  /** Compose: how the project's other files were read, so that an edited text (a fix being verified) is read the same way. */
  read?: (relative: string) => string | undefined;
  scalers: ManifestScaler[];
  /** PersistentVolumeClaim sizes by namespace-qualified name (`ns/name`, `/name` without a namespace). */
  claimSizes: Map<string, number>;
  /** Documents read and not made workloads nor joined into one (for `import`'s summary). */
  skipped?: ManifestSkipped[];
}

/** A manifest document that adds nothing: another kind, no name, another API group. */
export interface ManifestSkipped {
  kind: string;
  name?: string;
  reason: 'kind' | 'no name' | 'api group';
  span: Span;
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
  /** Set for a Kubernetes manifest (read whole by core/manifests/k8s.ts), not a descriptor. */
  manifest?: ManifestFile;
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
