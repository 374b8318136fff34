import { ReportSchema, type Report } from '../schema/report.js';

/**
 * The report as the JSON contract of metrics.md §6: validated against `ReportSchema` (a report
 * that breaks the contract throws a `ZodError` instead of being written), pretty-printed with
 * two spaces and ending with a newline. Only schema keys are kept, in the schema's order.
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(ReportSchema.parse(report), null, 2)}\n`;
}
