/** Shared values and arrays (Python's `Value` and `Array`), kept in the hub. */
export class ValueState {
  constructor(
    readonly id: string,
    readonly typecode: string,
    /** One entry for a Value, `length` entries for an array. */
    readonly items: unknown[],
  ) {}

  get(index: number): unknown {
    return this.items[index];
  }

  /** Returns an error message for an index out of range. */
  set(index: number, value: unknown): string | null {
    if (!Number.isInteger(index) || index < 0 || index >= this.items.length) {
      return `index ${index} out of range for ${this.id} of length ${this.items.length}`;
    }
    this.items[index] = value;
    return null;
  }
}
