import { byPriority, moveRule } from './rule-order';

const rules = [
  { id: 'c', priority: 3 },
  { id: 'a', priority: 1 },
  { id: 'b', priority: 2 },
];

describe('firewall rule order', () => {
  it('lists rules by priority', () => {
    expect(byPriority(rules).map((rule) => rule.id)).toEqual(['a', 'b', 'c']);
  });

  it('moving the last rule first renumbers every rule that changes place', () => {
    const { order, changes } = moveRule(byPriority(rules), 2, 0);
    expect(order.map((rule) => rule.id)).toEqual(['c', 'a', 'b']);
    expect(changes.map(({ rule, priority }) => [rule.id, priority])).toEqual([
      ['c', 1],
      ['a', 2],
      ['b', 3],
    ]);
  });

  it('saves only what changes, and nothing for a move onto itself or out of range', () => {
    const spaced = [
      { id: 'a', priority: 1 },
      { id: 'b', priority: 2 },
      { id: 'c', priority: 10 },
    ];
    expect(moveRule(spaced, 0, 1).changes.map(({ rule, priority }) => [rule.id, priority])).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 3],
    ]);
    expect(moveRule(spaced, 1, 1).changes).toEqual([]);
    expect(moveRule(spaced, 0, 5).changes).toEqual([]);
  });
});
