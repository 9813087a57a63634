// `workload-placement rules`: the catalogue, as a table or as JSON, or one rule's
// documentation in full.

import { RULES, RULES_BY_ID } from '../core/rules';
import { anchorLink } from '../ruleDocs';
import { closest } from '../core/text';
import { UsageError } from './args';
import { safe, safeJson } from './style';

export function runRules(format: 'text' | 'json', ids: readonly string[]): string {
  for (const id of ids) {
    if (!RULES_BY_ID.has(id)) {
      const guess = closest(id, RULES_BY_ID.keys());
      throw new UsageError(`Unknown rule '${safe(id)}'.${guess ? ` Did you mean '${guess}'?` : ''} Run \`workload-placement rules\` for the list.`);
    }
  }
  const rules = ids.length ? ids.map((id) => RULES_BY_ID.get(id)!) : RULES;
  if (format === 'json') return `${safeJson(JSON.stringify(rules.map((r) => ({ ...r, docs: anchorLink(r.id) })), null, 2))}\n`;
  if (ids.length) {
    return rules
      .map((r) =>
        [
          `${r.id} (${r.category}, default ${r.defaultSeverity}${r.fixable ? ', quick fix' : ''})`,
          `  ${r.summary}`,
          `  Why: ${r.why}`,
          '  Example:',
          ...r.example.split('\n').map((l) => `    ${l}`),
          `  Fix: ${r.fix}`,
          `  Docs: ${anchorLink(r.id)}`,
        ].join('\n'),
      )
      .join('\n\n')
      .concat('\n');
  }
  const idW = Math.max(...rules.map((r) => r.id.length));
  const sevW = Math.max('SEVERITY'.length, ...rules.map((r) => r.defaultSeverity.length));
  const catW = Math.max(...rules.map((r) => r.category.length), 'CATEGORY'.length);
  const rows = [`${'RULE'.padEnd(idW)}  ${'SEVERITY'.padEnd(sevW)}  ${'CATEGORY'.padEnd(catW)}  FIX  SUMMARY`];
  for (const r of rules) rows.push(`${r.id.padEnd(idW)}  ${r.defaultSeverity.padEnd(sevW)}  ${r.category.padEnd(catW)}  ${(r.fixable ? 'yes' : '').padEnd(3)}  ${r.summary}`);
  return `${rows.join('\n')}\n`;
}
