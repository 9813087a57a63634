// SARIF 2.1.0 for code-scanning services (GitHub code scanning and others): the rule
// catalogue as `tool.driver.rules` with help, one result per diagnostic with a region
// and, where a fix exists, its replacements. Artifact URIs are relative to the working
// directory (the repository root in CI), resolved against `%SRCROOT%`.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { RULES, type RuleDoc } from '../core/rules';
import type { Severity } from '../core/types';
import type { Range, Report, ReportFix } from './report';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function toSarif(report: Report, cwd: string): Sarif.Log {
  const index = new Map<string, number>(RULES.map((r, i) => [r.id, i]));
  const artifacts: Sarif.Artifact[] = [];
  const artifactIndex = new Map<string, number>();
  const location = (file: string): Sarif.ArtifactLocation => {
    let i = artifactIndex.get(file);
    if (i === undefined) {
      i = artifacts.length;
      artifactIndex.set(file, i);
      artifacts.push({ location: uriOf(file, cwd), sourceLanguage: 'yaml' });
    }
    return { ...uriOf(file, cwd), index: i };
  };
  for (const f of report.files) location(f);

  const results: Sarif.Result[] = report.diagnostics.map((d) => {
    const result: Sarif.Result = {
      ruleId: d.rule,
      level: level(d.severity),
      message: { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: location(d.file), region: region(d.range) } }],
    };
    const ruleIndex = index.get(d.rule);
    if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
    const fixes = d.fixes.filter((f) => f.edits.length).map((f) => fixOf(f, location(d.file)));
    if (fixes.length) result.fixes = fixes;
    return result;
  });

  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'workload-placement',
            fullName: 'Workload Placement Advisor',
            version: report.tool.version,
            semanticVersion: /^\d+\.\d+\.\d+/.test(report.tool.version) ? report.tool.version : undefined,
            rules: RULES.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
        artifacts,
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function ruleDescriptor(r: RuleDoc): Sarif.ReportingDescriptor {
  const markdown = [
    `**${r.summary}**`,
    '',
    `**Why:** ${r.why}`,
    '',
    'Example:',
    '',
    '```yaml',
    r.example,
    '```',
    '',
    `**Fix:** ${r.fix}`,
  ].join('\n');
  return {
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.summary },
    fullDescription: { text: `${r.summary} ${r.why}` },
    help: { text: `${r.summary}\nWhy: ${r.why}\nExample:\n${r.example}\nFix: ${r.fix}`, markdown },
    // No helpUri: SARIF wants an absolute URI that a code-scanning service can open, and
    // the docs ship with the tool, not at an address; the help above is the whole entry.
    defaultConfiguration: r.defaultSeverity === 'off' ? { enabled: false, level: 'none' } : { level: level(r.defaultSeverity) },
    properties: { tags: [r.category], category: r.category, fixable: r.fixable },
  };
}

function fixOf(f: ReportFix, artifactLocation: Sarif.ArtifactLocation): Sarif.Fix {
  return {
    description: { text: f.title },
    artifactChanges: [
      {
        artifactLocation,
        replacements: f.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
      },
    ],
  };
}

function region(r: Range): Sarif.Region {
  return { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

function level(s: Severity): Sarif.Result.level {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function uriOf(file: string, cwd: string): Sarif.ArtifactLocation {
  if (!file.startsWith('../') && !path.isAbsolute(file)) {
    return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(path.resolve(cwd, file)).href };
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}
