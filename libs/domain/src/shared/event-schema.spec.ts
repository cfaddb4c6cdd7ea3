import { eventProblem } from './event-schema';

const schemas = {
  MeetingHeld: {
    version: 1,
    data: { networkId: 'string', heldOn: 'date', attended: 'strings', sequence: 'number', excused: 'strings?' },
    personal: { activity: 'text' },
  },
};
const fitting = () => ({
  type: 'MeetingHeld',
  version: 1,
  data: {
    networkId: 'n-1',
    heldOn: '2026-01-05',
    attended: ['p-1'],
    sequence: 1,
    personal: { subjectId: 'n-1', activity: 'ks1.x' },
  } as Record<string, unknown>,
});

describe('event schemas', () => {
  it('passes an event that fits, with or without its optional fields', () => {
    expect(eventProblem(schemas, fitting())).toBeUndefined();
    const withOptional = fitting();
    withOptional.data.excused = ['p-2'];
    expect(eventProblem(schemas, withOptional)).toBeUndefined();
    withOptional.data.excused = null;
    expect(eventProblem(schemas, withOptional)).toBeUndefined();
  });

  it.each([
    ['networkId', undefined, 'networkId is missing'],
    ['networkId', 7, 'networkId is not a string'],
    ['heldOn', '5 January', 'heldOn is not a date'],
    ['attended', ['p-1', 2], 'attended is not a strings'],
    ['sequence', Number.NaN, 'sequence is not a number'],
    ['excused', 'p-2', 'excused is not a strings'],
    ['personal', null, 'personal is missing'],
    ['personal', { subjectId: 'n-1', activity: 3 }, 'personal.activity is not personal text'],
    ['personal', { activity: 'ks1.x' }, 'personal.subjectId is missing'],
  ])('names the first field that does not fit: %s = %p', (field, value, problem) => {
    const event = fitting();
    event.data[field] = value;
    expect(eventProblem(schemas, event)).toBe(problem);
  });

  it('names an unknown type and a version no upcaster reached', () => {
    expect(eventProblem(schemas, { ...fitting(), type: 'MeetingCancelled' })).toBe('MeetingCancelled is no event this reader knows');
    expect(eventProblem(schemas, { ...fitting(), version: 2 })).toBe('version 2 of MeetingHeld is not 1, and no upcaster made it so');
  });

  it('refuses a schema whose field name is no identifier, since its check is written as code', () => {
    const odd = { Odd: { version: 1, data: { 'a-b': 'string' } } };
    expect(() => eventProblem(odd, { type: 'Odd', version: 1, data: { 'a-b': 'x' } })).toThrow(
      'a schema field is named "a-b", which is no identifier',
    );
  });
});
