import { Refusal } from './errors';

/** A person or a service that holds tokens: what events and two-person rules are about. */
export const principalKinds = ['person', 'service'] as const;
export type PrincipalKind = (typeof principalKinds)[number];

export interface Principal {
  id: string;
  name: string;
  kind: PrincipalKind;
}

/** What `HOLDFAST_ADMIN_TOKEN` acts as; its id is the one events and machine facts always recorded for it. */
export const systemAdminPrincipal: Principal = {
  id: 'admin-token',
  name: 'admin (HOLDFAST_ADMIN_TOKEN)',
  kind: 'service',
};

/** Characters that do not show, or that steer how text shows: controls, format characters, fillers. */
const invisible = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;
/** Only the plain space separates words: other spaces and line breaks would make look-alikes. */
const oddSpace = /[^\S ]/u;

/** Names the system's own actors use (the timer, the tabletop's simcell, the admin token). */
const reservedNames = new Set(['timer', 'system', 'holdfast', 'simcell', 'admin-token']);
const reservedPattern = /^(holdfast:|admin\s*\()/;

/**
 * The name as stored (NFKC, trimmed, single spaces) and the key it is unique by (lower case); a name that
 * hides characters or imitates one of the system's actors is a 400.
 */
export function canonicalName(raw: string): { name: string; key: string } {
  const name = raw.normalize('NFKC').trim().replace(/ {2,}/g, ' ');
  if (name.length === 0 || name.length > 100) {
    throw new Refusal('invalid_request', 'a name is 1 to 100 characters');
  }
  if (invisible.test(name) || oddSpace.test(name)) {
    throw new Refusal(
      'invalid_request',
      'a name may not hold control, invisible or formatting characters, or spaces other than U+0020',
    );
  }
  const key = nameKey(name);
  if (reservedNames.has(key) || reservedPattern.test(key)) {
    throw new Refusal('invalid_request', `"${name}" is reserved for holdfast's own actors`);
  }
  return { name, key };
}

/** Two names are the same principal's when their keys are equal. */
export const nameKey = (name: string): string => name.normalize('NFKC').toLowerCase().normalize('NFKC');
