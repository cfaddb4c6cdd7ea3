import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  PROJECT_LEADER = 'PROJECT_LEADER',
  FACILITATOR = 'FACILITATOR',
  EVALUATOR = 'EVALUATOR',
  AUDITOR = 'AUDITOR',
}

registerEnumType(Role, {
  name: 'Role',
  valuesMap: {
    PROJECT_LEADER: { description: 'starts networks, assigns facilitators, sees every network' },
    FACILITATOR: { description: 'network coach, process guide or moderator: acts on the networks assigned to them' },
    EVALUATOR: { description: 'pseudonymised figures and replays only, never names or shared information' },
    AUDITOR: { description: 'access log and knowledge trail only' },
  },
});

export const ROLES: readonly string[] = Object.values(Role);
