import { playbookFromFile } from '../../src/playbook-format/load';

/** Extortion by DDoS threat, version 1: a playbook written only as a file. */
export const ddosExtortionV1 = playbookFromFile(new URL('./v1.playbook.yaml', import.meta.url));
