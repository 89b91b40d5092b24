/**
 * A binary min-heap of numbers. Written here rather than taken from a library because the expiry
 * queue only ever stores plain slot numbers: a comparator-free heap over a number array keeps that
 * path free of callbacks and boxing, and it is a few lines.
 */
export class MinHeap {
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  push(value: number): void {
    const items = this.items;
    let index = items.length;
    items.push(value);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = items[parent]!;
      if (above <= value) break;
      items[index] = above;
      index = parent;
    }
    items[index] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) this.siftDown(0, last);
    return top;
  }

  /** Replaces the content with `values` in O(n). */
  rebuild(values: Iterable<number>): void {
    this.items = Array.from(values);
    for (let index = (this.items.length >> 1) - 1; index >= 0; index--) this.siftDown(index, this.items[index]!);
  }

  clear(): void {
    this.items = [];
  }

  private siftDown(start: number, value: number): void {
    const items = this.items;
    const length = items.length;
    let index = start;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && items[right]! < items[child]!) child = right;
      if (items[child]! >= value) break;
      items[index] = items[child]!;
      index = child;
    }
    items[index] = value;
  }
}
