import type { Actor } from '../../src/playbook-kit';

export const actor = (name: string, ...roles: string[]): Actor => ({ id: `id-${name}`, name, roles });
