/** Rule metadata shared by every report: levels, scores and the docs link computed from the id. */
import type { Confidence, RuleSpec, Severity } from '../rules/types.js';

export const DOCS_BASE = 'https://github.com/unsprawl/unsprawl/blob/main/docs/rules.md';

export function ruleHelpUri(ruleId: string): string {
  return `${DOCS_BASE}#${ruleId}`;
}

const SEVERITY_SCORE: Record<Severity, number> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  low: 3.0,
};
const CONFIDENCE_DISCOUNT: Record<Confidence, number> = { high: 0, medium: 1.0, low: 2.5 };

/** GitHub code scanning ranks by this 0–10 score: the rule's severity, discounted by doubt. */
export function securitySeverity(severity: Severity, confidence: Confidence): string {
  return Math.max(0.1, SEVERITY_SCORE[severity] - CONFIDENCE_DISCOUNT[confidence]).toFixed(1);
}

export function sarifLevel(confidence: Confidence): 'error' | 'warning' | 'note' {
  return confidence === 'high' ? 'error' : confidence === 'medium' ? 'warning' : 'note';
}

/** SARIF `precision` from our confidence. */
export function precision(confidence: Confidence): 'very-high' | 'high' | 'medium' | 'low' {
  return confidence === 'high' ? 'very-high' : confidence === 'medium' ? 'high' : 'low';
}

export function pascalName(rule: RuleSpec): string {
  return rule.id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
