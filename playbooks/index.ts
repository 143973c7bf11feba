import type { PlaybookDefinition } from '../src/playbook-kit';
import { cardDataExposureV1 } from './card-data-exposure';
import { credentialStuffingV1, credentialStuffingV2 } from './credential-stuffing';
import { crossCustomerExposureV1, crossCustomerExposureV2 } from './cross-customer-exposure';
import { ddosExtortionV1 } from './ddos-extortion';
import { insiderDataTheftV1 } from './insider-data-theft';
import { privilegedAccessAbuseV1 } from './privileged-access-abuse';
import { ransomDemandV1, ransomDemandV2, ransomDemandV3 } from './ransom-demand';
import { staffAccountCompromiseV1 } from './staff-account-compromise';
import { thirdPartySiteCompromiseV1 } from './third-party-site-compromise';

/** Every registered playbook version: open incidents stay on the version they were opened with. */
export const playbooks: readonly PlaybookDefinition[] = [
  ransomDemandV1,
  ransomDemandV2,
  ransomDemandV3,
  credentialStuffingV1,
  credentialStuffingV2,
  staffAccountCompromiseV1,
  insiderDataTheftV1,
  privilegedAccessAbuseV1,
  thirdPartySiteCompromiseV1,
  cardDataExposureV1,
  crossCustomerExposureV1,
  crossCustomerExposureV2,
  ddosExtortionV1,
];
