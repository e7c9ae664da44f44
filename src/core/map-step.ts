/**
 * How one of an organisation's Maps differs from the Map it replaced, when the
 * OrganisationBuilder knows it (it replaced, deleted or appended entries in place). Indexes
 * built from a Map and kept by its identity (changes by target, by schedule, deployments by
 * service) are then derived from the previous Map's index in the size of the difference,
 * instead of built again over every document: the audit's walk over a year of history hands
 * out a new changes Map of 20k entries for every unit of work, each differing by one.
 */
export interface MapStep<V> {
  /** The Map before; held weakly, so a long walk does not keep every Map it passed alive. */
  readonly from: WeakRef<ReadonlyMap<string, V>>;
  /** Entries the step took out of the Map (replaced or deleted), by name. */
  readonly removed: readonly (readonly [string, V])[];
  /** Entries the step put in (replacing or new), by name. */
  readonly added: readonly (readonly [string, V])[];
}

const steps = new WeakMap<object, MapStep<unknown>>();

export function recordStep<V>(map: ReadonlyMap<string, V>, step: MapStep<V>): void {
  steps.set(map, step as MapStep<unknown>);
}

export function stepOf<V>(map: ReadonlyMap<string, V>): MapStep<V> | undefined {
  return steps.get(map) as MapStep<V> | undefined;
}

/**
 * An index of a Map, kept by the Map's identity: derived from the index of the Map it was
 * stepped from when that index is still held, otherwise built over the whole Map. `derive`
 * must not change `prev` (the earlier Map may still be read) and must answer every query as
 * `build` would.
 */
export function indexOfMap<V, I>(cache: WeakMap<object, I>, map: ReadonlyMap<string, V>, build: () => I, derive: (prev: I, step: MapStep<V>) => I): I {
  let index = cache.get(map);
  if (index !== undefined) return index;
  const step = stepOf(map);
  const from = step?.from.deref();
  const prev = from ? cache.get(from) : undefined;
  index = prev !== undefined ? derive(prev, step!) : build();
  cache.set(map, index);
  return index;
}
