/**
 * Roles of API tokens, weakest first: each role may do what the roles before it may.
 * - **viewer**: read workflows, tasks, logs and events.
 * - **operator**: also submit, cancel, retry and resume workflows.
 * - **admin**: also create, list and revoke tokens, and read the audit log.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `held` may do what needs `needed` (admin ≥ operator ≥ viewer). */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}
