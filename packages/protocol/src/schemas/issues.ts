import type { z } from 'zod';

/**
 * The status and message a command-specific check answers with (docs/reference/protocol.md §4: "then a
 * command-specific check may run"), carried in the zod issue's `params`.
 */
export interface ProtocolIssueParams {
  st: number;
  m: string;
}

/**
 * Reports a command-specific check's failure from inside a `superRefine`; `member` is the body
 * member it is about, or `null` when it is about the whole body.
 */
export function reportProtocolIssue(ctx: z.RefinementCtx, member: string | null, st: number, m: string): void {
  const params: ProtocolIssueParams = { st, m };
  ctx.addIssue({ code: 'custom', message: m, path: member === null ? [] : [member], params });
}

/** Whether an issue came from {@link reportProtocolIssue}. */
export function protocolIssueParams(issue: z.core.$ZodIssue): ProtocolIssueParams | undefined {
  const params = (issue as { params?: Partial<ProtocolIssueParams> }).params;
  return params && typeof params.st === 'number' && typeof params.m === 'string' ? { st: params.st, m: params.m } : undefined;
}
