import type { PlaybookDefinition } from '../src/playbook-kit';
import { ransomDemandV1 } from './ransom-demand';

/** Every playbook version an open incident may still use; new incidents get the latest of each id. */
export const playbooks: PlaybookDefinition[] = [ransomDemandV1];
