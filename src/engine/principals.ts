import { hash } from 'node:crypto';
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
  const name = tidyName(raw);
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

/** The key of the principal a name as typed refers to (an existing name need not be a valid new one). */
export const keyOfName = (raw: string): string => nameKey(tidyName(raw));

const tidyName = (raw: string): string => raw.normalize('NFKC').trim().replace(/ {2,}/g, ' ');

/** Who the OpenID provider says signed in: `<iss>#<sub>`, and the names its claims give, preferred first. */
export interface SignedInIdentity {
  subject: string;
  names: string[];
  email?: string | undefined;
}

/** `<iss>#<sub>`: an issuer URL (which has no fragment) and a subject of printable characters. */
export function parseOidcSubject(raw: string): string {
  const subject = raw.startsWith('oidc:') ? raw.slice('oidc:'.length) : raw;
  const split = subject.indexOf('#');
  const issuer = subject.slice(0, split);
  if (split <= 0 || !URL.canParse(issuer) || !/^[\x21-\x7e]{1,255}$/.test(subject.slice(split + 1))) {
    throw new Refusal(
      'invalid_request',
      `"${raw}" is not <issuer>#<sub>, e.g. https://id.example.com#248289761001`,
    );
  }
  return subject;
}

/**
 * The names a signed-in person's principal may take, in order: the first of their claimed names that is a valid
 * name, then the same with their e-mail, `(sso)`, and a tag of the subject appended, for when another principal
 * holds it. Never the bare name of someone else: only an admin's link makes a sign-in and a token one person.
 */
export function signedInNames(identity: SignedInIdentity): { name: string; key: string }[] {
  const tag = hash('sha256', identity.subject, 'hex').slice(0, 12);
  const base = identity.names.map(validName).find((name) => name !== undefined)?.name ?? `sso user ${tag}`;
  const suffixes = [
    identity.email && identity.email !== base ? `(${identity.email})` : '',
    '(sso)',
    `(sso ${tag})`,
  ];
  const names = [
    base,
    ...suffixes.filter(Boolean).map((suffix) => `${cut(base, 99 - suffix.length)} ${suffix}`),
  ];
  return names.map(validName).filter((name) => name !== undefined);
}

function validName(raw: string): { name: string; key: string } | undefined {
  try {
    return canonicalName(raw);
  } catch {
    return undefined;
  }
}

/** `text` cut to at most `max` UTF-16 units, whole characters only. */
function cut(text: string, max: number): string {
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out.trimEnd();
}
