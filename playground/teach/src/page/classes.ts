/**
 * The project's classes and their samples, as the page holds them (no DOM here). Class ids are stable while names
 * change; the worker sees classes by position (`trainingSet`).
 */
import { MAX_CLASSES, MAX_SAMPLES, type Sample } from "../protocol.ts";

/** Longest class name. */
export const MAX_NAME_LENGTH = 40;

export interface PageSample {
  id: number;
  rgba: Uint8ClampedArray;
}

export interface PageClass {
  id: number;
  name: string;
  samples: PageSample[];
}

/** Why a class name can't be used ("" when it can). */
export function nameProblem(name: string, others: readonly string[]): string {
  const n = name.trim();
  if (n === "") return "A class needs a name.";
  if (n.length > MAX_NAME_LENGTH) return `Class names are at most ${MAX_NAME_LENGTH} characters.`;
  if (others.some((o) => o.trim().toLowerCase() === n.toLowerCase())) return `There is already a class named "${n}".`;
  return "";
}

export class ClassList {
  readonly list: PageClass[] = [];
  private nextId = 1;
  private nextSample = 1;

  constructor(names: readonly string[] = ["Class 1", "Class 2"]) {
    for (const n of names) this.add(n);
  }

  get total(): number {
    return this.list.reduce((s, c) => s + c.samples.length, 0);
  }

  get full(): boolean {
    return this.list.length >= MAX_CLASSES;
  }

  byId(id: number): PageClass | undefined {
    return this.list.find((c) => c.id === id);
  }

  /** Adds a class ("Class N", the first N not taken, unless named); null when there are MAX_CLASSES already. */
  add(name?: string): PageClass | null {
    if (this.full) return null;
    let n = name;
    for (let i = this.list.length + 1; n === undefined; i++) {
      const candidate = `Class ${i}`;
      if (!this.list.some((c) => c.name === candidate)) n = candidate;
    }
    const c: PageClass = { id: this.nextId++, name: n, samples: [] };
    this.list.push(c);
    return c;
  }

  remove(id: number): void {
    const i = this.list.findIndex((c) => c.id === id);
    if (i >= 0) this.list.splice(i, 1);
  }

  /** Renames a class; the problem with the name when it can't be used ("" when renamed). */
  rename(id: number, name: string): string {
    const c = this.byId(id);
    if (!c) return "That class no longer exists.";
    const problem = nameProblem(
      name,
      this.list.filter((o) => o.id !== id).map((o) => o.name),
    );
    if (problem === "") c.name = name.trim();
    return problem;
  }

  /** Adds samples to a class, as many as the project's cap allows; how many were added. */
  addSamples(id: number, samples: readonly Uint8ClampedArray[]): number {
    const c = this.byId(id);
    if (!c) return 0;
    const room = Math.max(0, MAX_SAMPLES - this.total);
    const taken = samples.slice(0, room);
    for (const rgba of taken) c.samples.push({ id: this.nextSample++, rgba });
    return taken.length;
  }

  removeSample(classId: number, sampleId: number): void {
    const c = this.byId(classId);
    if (c) c.samples = c.samples.filter((s) => s.id !== sampleId);
  }

  clearSamples(classId: number): void {
    const c = this.byId(classId);
    if (c) c.samples = [];
  }

  /** Replaces everything (an imported project). */
  replace(classes: readonly string[], samples: readonly Sample[]): void {
    this.list.splice(0);
    for (const name of classes) this.add(name);
    for (const s of samples) {
      const c = this.list[s.label];
      if (c) this.addSamples(c.id, [s.rgba]);
    }
  }

  /** Why the classes can't be trained yet ("" when they can). */
  trainProblem(): string {
    if (this.list.length < 2) return "Training needs at least two classes: add a class.";
    const empty = this.list.filter((c) => c.samples.length === 0).map((c) => `"${c.name}"`);
    if (empty.length > 0) return `${empty.join(", ")} ${empty.length === 1 ? "has" : "have"} no samples: add some, or delete the class.`;
    const few = this.list.filter((c) => c.samples.length < 2).map((c) => `"${c.name}"`);
    if (few.length > 0) return `${few.join(", ")} ${few.length === 1 ? "needs" : "need"} at least 2 samples.`;
    return "";
  }

  /** The class names and the samples labelled by position, for the worker. */
  trainingSet(): { classes: string[]; samples: Sample[] } {
    return {
      classes: this.list.map((c) => c.name),
      samples: this.list.flatMap((c, label) => c.samples.map((s) => ({ label, rgba: s.rgba }))),
    };
  }
}
