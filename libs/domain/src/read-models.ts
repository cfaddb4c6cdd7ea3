import { accessProjection } from './access/read-model';
import { scopeProjection } from './authorization/scope';
import { networksProjection } from './network/read-model';
import { careProjection, knowledgeProjection } from './participant/read-model';
import { referralsProjection } from './referral/read-model';
import type { ProjectionDefinition } from './shared/projection';

/** Every read model Kring keeps: what the API reads and the projector builds. */
export const PROJECTIONS: readonly ProjectionDefinition[] = [
  networksProjection,
  careProjection,
  referralsProjection,
  knowledgeProjection,
  accessProjection,
  scopeProjection,
];
