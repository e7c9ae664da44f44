/**
 * A Map that is another, plain Map with a few of its names replaced or deleted and a few names
 * appended after all of its own, read through instead of copied. The OrganisationBuilder hands
 * out a new changes Map for every unit of work of a history, each differing from the last by a
 * document or two: a copy of 20k entries each time cost the audit more than the rest of the
 * unit. The layers are copied at each step (they are small) and folded into a plain Map once
 * they grow past FOLD, so a lookup costs at most three Map lookups and a step costs a copy of
 * the layers, with a full copy every FOLD steps.
 *
 * It reads as the Map of the same entries in the same order would (get, has, size, iteration,
 * forEach), and refuses to be changed: organisations handed out are never changed afterwards.
 */
const GONE: unique symbol = Symbol('gone');
const FOLD = 256;

export class LayeredMap<V> extends Map<string, V> {
  /** @internal Made by MapDraft.done alone. */
  constructor(
    readonly under: ReadonlyMap<string, V>,
    /** Names of `under` replaced (a value) or deleted (GONE). */
    readonly over: ReadonlyMap<string, V | typeof GONE>,
    /** Names after every name of `under`, in order. */
    readonly tail: ReadonlyMap<string, V>,
    private readonly count: number,
  ) {
    super();
  }

  override get(name: string): V | undefined {
    const t = this.tail.get(name);
    if (t !== undefined) return t;
    const o = this.over.get(name);
    if (o !== undefined) return o === GONE ? undefined : o;
    return this.under.get(name);
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  override get size(): number {
    return this.count;
  }

  override *entries(): MapIterator<[string, V]> {
    if (this.over.size) {
      for (const [name, v] of this.under) {
        const o = this.over.get(name);
        if (o === undefined) yield [name, v];
        else if (o !== GONE) yield [name, o];
      }
    } else yield* this.under;
    yield* this.tail;
  }

  override *keys(): MapIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  override *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  override forEach(f: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    for (const [name, v] of this.entries()) f.call(thisArg, v, name, this);
  }

  override set(): this {
    throw new TypeError('a LayeredMap is never changed');
  }

  override delete(): boolean {
    throw new TypeError('a LayeredMap is never changed');
  }

  override clear(): void {
    throw new TypeError('a LayeredMap is never changed');
  }
}

/** The next Map, made from `prev` by replacing, deleting and appending names; `done` gives it. */
export class MapDraft<V> {
  private readonly under: ReadonlyMap<string, V>;
  private readonly over: Map<string, V | typeof GONE>;
  private readonly tail: Map<string, V>;

  constructor(prev: ReadonlyMap<string, V>) {
    if (prev instanceof LayeredMap) {
      const p = prev as LayeredMap<V>;
      this.under = p.under;
      this.over = new Map(p.over);
      this.tail = new Map(p.tail);
    } else {
      this.under = prev;
      this.over = new Map();
      this.tail = new Map();
    }
  }

  get(name: string): V | undefined {
    const t = this.tail.get(name);
    if (t !== undefined) return t;
    const o = this.over.get(name);
    if (o !== undefined) return o === GONE ? undefined : o;
    return this.under.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** A new value for a name the Map holds, where it stands. */
  replace(name: string, value: V): void {
    if (this.tail.has(name)) this.tail.set(name, value);
    else this.over.set(name, value);
  }

  delete(name: string): void {
    if (this.tail.has(name)) this.tail.delete(name);
    else this.over.set(name, GONE);
  }

  /** A name the Map does not hold, after every other. */
  append(name: string, value: V): void {
    this.tail.set(name, value);
  }

  done(): Map<string, V> {
    let count = this.under.size + this.tail.size;
    for (const v of this.over.values()) if (v === GONE) count--;
    const layered = new LayeredMap<V>(this.under, this.over, this.tail, count);
    return this.over.size + this.tail.size > FOLD ? new Map(layered) : layered;
  }
}

/**
 * A draft of a Map of lists whose lists are copied on first touch: the previous Map's lists stay
 * as they were (an index derived from them may still be read), and a name it lacks is appended.
 */
export function ownedLists<T>(draft: MapDraft<T[]>): (name: string) => T[] {
  const own = new Set<string>();
  return (name) => {
    let list = draft.get(name);
    if (!own.has(name)) {
      own.add(name);
      list = [...(list ?? [])];
      if (draft.has(name)) draft.replace(name, list);
      else draft.append(name, list);
    }
    return list!;
  };
}
