import { applyEvents, ProjectedEvent, ProjectionDefinition } from '../shared/projection';
import { MembershipDoc, reachesParticipant, RegistrationDoc, scopeProjection, StaffingDoc } from './scope';

let position = 0n;
const e = (type: string, data: Record<string, unknown>, actorId?: string): ProjectedEvent => ({
  id: `e${++position}`,
  type,
  data,
  position,
  recordedAt: new Date('2024-01-01T00:00:00Z'),
  ...(actorId ? { metadata: { actorId } } : {}),
});
const given = (events: ProjectedEvent[]) => applyEvents(scopeProjection as ProjectionDefinition<ProjectedEvent>, {}, events);
const docs = <Doc>(table: Map<string, unknown>) => [...table.values()].filter((doc) => doc !== undefined) as Doc[];

describe('scope read model: who a facilitator reaches', () => {
  const assigned = (staffId: string, replacesStaffId?: string) =>
    e('FacilitatorAssigned', {
      networkId: 'n1',
      staffId,
      ...(replacesStaffId ? { replacesStaffId } : {}),
      personal: { subjectId: staffId },
    });

  it('Given a facilitator replaced by another, Then only the new one facilitates the network', () => {
    const tables = given([assigned('coach-a'), assigned('coach-b', 'coach-a')]);
    expect(docs<StaffingDoc>(tables.staffing)).toEqual([{ networkId: 'n1', staffId: 'coach-b' }]);
  });

  it('Given members who join, leave and are involved as neighbours, Then memberships are the current members', () => {
    const tables = given([
      e('ParticipantJoined', { networkId: 'n1', participantId: 'p1', role: 'PARTICIPANT', joinedOn: '2024-01-01' }),
      e('ParticipantJoined', { networkId: 'n1', participantId: 'p2', role: 'PARTICIPANT', joinedOn: '2024-01-01' }),
      e('NeighbourInvolved', { networkId: 'n1', participantId: 'buur', involvedOn: '2024-01-01', personal: { subjectId: 'buur' } }),
      e('ParticipantLeft', { networkId: 'n1', participantId: 'p2', leftOn: '2024-02-01', personal: { subjectId: 'p2' } }),
    ]);
    expect(docs<MembershipDoc>(tables.memberships).map((m) => m.participantId)).toEqual(['p1', 'buur']);
  });

  it('Given a registration, Then it remembers who registered the person (the actor of the event)', () => {
    const tables = given([
      e('ParticipantRegistered', { participantId: 'p9', municipality: 'Baarn', consentToEvaluation: true }, 'coach-a'),
    ]);
    expect(docs<RegistrationDoc>(tables.registrations)).toEqual([{ participantId: 'p9', registeredBy: 'coach-a' }]);
  });

  it('reaches a participant registered by the facilitator, or a current member of a network they facilitate, and no one else', () => {
    const registration = (registeredBy: string): RegistrationDoc => ({ participantId: 'p', registeredBy });
    const member = (networkId: string): MembershipDoc => ({ networkId, participantId: 'p' });
    const staffed = new Set(['n1']);
    expect(reachesParticipant('coach-a', { staffed, registration: registration('coach-a'), memberships: [] })).toBe(true);
    expect(reachesParticipant('coach-a', { staffed, registration: registration('coach-b'), memberships: [member('n1')] })).toBe(true);
    expect(reachesParticipant('coach-a', { staffed, registration: registration('coach-b'), memberships: [member('n2')] })).toBe(false);
    expect(reachesParticipant('coach-a', { staffed: new Set(), registration: undefined, memberships: [] })).toBe(false);
  });
});
