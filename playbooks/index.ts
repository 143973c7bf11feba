import type { PlaybookDefinition } from '../src/playbook-kit';
import { crossCustomerExposureV1 } from './cross-customer-exposure';
import { ransomDemandV1, ransomDemandV2 } from './ransom-demand';

/** Every registered playbook version: open incidents stay on the version they were opened with. */
export const playbooks: readonly PlaybookDefinition[] = [
  ransomDemandV1,
  ransomDemandV2,
  crossCustomerExposureV1,
];
