import type { ValueSummary } from '../ports.ts';
import type { Quadrant, Value, ValueGrade } from './value-score.ts';

/** Counts contacts by value grade and quadrant as a scoring run decides them (ValueSummary). */
export class ValueTally {
  contacts = 0;
  private buyers = 0;
  private readonly grades: Record<ValueGrade, number> = { high: 0, mid: 0, low: 0 };
  private readonly quadrants: Record<Quadrant, number> = { star: 0, flow: 0, stream: 0, burden: 0 };

  add(value: Value, buyer: boolean): void {
    this.count(value, buyer, 1);
  }

  /** Takes back an `add` (a contact decided again). */
  remove(value: Value, buyer: boolean): void {
    this.count(value, buyer, -1);
  }

  summary(at: number): ValueSummary {
    return { at, contacts: this.contacts, buyers: this.buyers, grades: { ...this.grades }, quadrants: { ...this.quadrants } };
  }

  private count(value: Value, buyer: boolean, n: 1 | -1): void {
    this.contacts += n;
    if (buyer) this.buyers += n;
    this.grades[value.grade] += n;
    if (value.quadrant) this.quadrants[value.quadrant] += n;
  }
}
