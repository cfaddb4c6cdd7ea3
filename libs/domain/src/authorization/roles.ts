/** What a caller is to Kring, from their token's `roles` claim: what each may do is in the API's access rules. */
export const ROLES = ['PROJECT_LEADER', 'FACILITATOR', 'EVALUATOR', 'AUDITOR'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);
