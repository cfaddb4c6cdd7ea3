import { ROLES, type Role as DomainRole } from '@kring/domain';
import { graphqlEnum } from '../graphql/enums';

export const Role = graphqlEnum('Role', ROLES, {
  PROJECT_LEADER: 'starts networks, assigns facilitators, sees every network',
  FACILITATOR: 'network coach, process guide or moderator: acts on the networks assigned to them',
  EVALUATOR: 'pseudonymised figures and replays only, never names or shared information',
  AUDITOR: 'access log and knowledge trail only',
});
export type Role = DomainRole;
