/** One typo the policy lint found (lint.ts), in its own module so every lint part can name it. */
export interface LintFinding {
  /** JSON path of the element, e.g. "Statement[0].Action[1]" */
  path: string;
  /** learner-language message with the suggestion when there is one */
  message: string;
  /** the corrected value, when a single one is likely */
  suggestion?: string;
}
