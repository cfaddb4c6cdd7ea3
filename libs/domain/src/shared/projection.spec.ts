import { pairKey } from './projection';

describe('pair keys', () => {
  it('joins two ids with a slash, and gives the same string for the same two ids', () => {
    const first = pairKey('network-1', 'participant-1');
    expect(first).toBe('network-1/participant-1');
    expect(pairKey(['network', '1'].join('-'), ['participant', '1'].join('-'))).toBe(first);
    expect(pairKey('network-1', 'participant-2')).toBe('network-1/participant-2');
    expect(pairKey('network-2', 'participant-1')).toBe('network-2/participant-1');
  });
});
