// File-local diagnostics: what one file says about itself, before the rest of the
// workspace is known (the editor opens a file while the first scan still reads the
// others). Syntax, schema and per-workload advice need only the file; what needs the
// fleet (duplicates across files, pins, the capacity placement) waits for the full
// analysis, which replaces these. Pure, like the rest of the core.

import { analyze } from './analyze';
import type { Config } from './config';
import { RULES_BY_ID, type RuleCategory } from './rules';
import type { Diagnostic, ParsedFile } from './types';

/** Categories whose findings one file settles alone (the others read the fleet). */
const LOCAL: ReadonlySet<RuleCategory> = new Set(['syntax', 'schema', 'placement']);
/** Of the local categories, the rules that read the fleet's hosts (the file alone may declare some, not all). */
const NEEDS_FLEET: ReadonlySet<string> = new Set(['pinned-host-mismatch', 'no-capable-host']);

/** Whether a rule's findings in a file depend on that file alone. */
export function isFileLocal(ruleId: string): boolean {
  const rule = RULES_BY_ID.get(ruleId as never);
  return !!rule && LOCAL.has(rule.category) && !NEEDS_FLEET.has(ruleId);
}

/** The file's diagnostics that hold whatever the other files say: the file analysed alone, filtered. */
export function fileLocalDiagnostics(file: ParsedFile, config: Config): Diagnostic[] {
  // Failure simulation reads the fleet: off (its findings are not local anyway).
  const alone = { ...config, placement: { ...config.placement, checkHostFailure: false } };
  const diags = analyze([file], alone).diagnostics.get(file.file) ?? [];
  return diags.filter((d) => isFileLocal(d.ruleId));
}
