// The rule catalogue moved to shared/rules.ts (the client reads it too); this
// re-export keeps the server's imports short and existing imports working.
export { RULES, RULES_BY_ID, RULES_DOC_PATH, ruleDocAnchor, ruleDocHeadings, ruleDocPath, SHOW_RULE_DOCS_COMMAND, isRuleId, type RuleCategory, type RuleDoc, type RuleId, type RuleSeverity } from '../../../shared/rules';
