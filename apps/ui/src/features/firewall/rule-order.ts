export interface Prioritised {
  id: string;
  priority: number;
}

/** Rules in the order the gateway evaluates them: lower priority first, ties by id so the order is stable. */
export function byPriority<T extends Prioritised>(rules: readonly T[]): T[] {
  return [...rules].sort((first, second) => first.priority - second.priority || first.id.localeCompare(second.id));
}

/**
 * Moves the rule at `from` to `to` and returns the new order with the priority each rule then needs (1, 2, 3 …),
 * and which rules must be saved: only those whose priority changes.
 */
export function moveRule<T extends Prioritised>(
  ordered: readonly T[],
  from: number,
  to: number,
): { order: T[]; changes: Array<{ rule: T; priority: number }> } {
  const order = [...ordered];
  if (from < 0 || from >= order.length || to < 0 || to >= order.length || from === to) return { order, changes: [] };
  const [moved] = order.splice(from, 1);
  order.splice(to, 0, moved);
  const changes = order.flatMap((rule, index) => (rule.priority === index + 1 ? [] : [{ rule, priority: index + 1 }]));
  return { order, changes };
}
