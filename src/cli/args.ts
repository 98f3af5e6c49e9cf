/** A small, strict command-line parser: declared flags only, typed values, clear errors. */

export type FlagType = "string" | "number" | "boolean" | "list";

export interface FlagSpec {
  type: FlagType;
  description: string;
  default?: string | number | boolean | number[];
  /** Allowed values for a string flag. */
  choices?: readonly string[];
}

export type FlagValues = Record<string, string | number | boolean | number[] | undefined>;

/** A bad command line: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Parses `--flag value`, `--flag=value` and boolean `--flag` / `--no-flag` against `specs`. Only `specs`' own keys are
 * flags (never `--constructor` or `--__proto__`); `given`, when passed, receives the camel-case names of the flags the
 * command line set. `--debug` is accepted everywhere (the CLI then prints stack traces).
 */
export function parseFlags(argv: readonly string[], specs: Record<string, FlagSpec>, given?: Set<string>): FlagValues {
  const values: FlagValues = {};
  const has = (name: string) => Object.hasOwn(specs, name);
  for (const [name, spec] of Object.entries(specs)) values[camel(name)] = spec.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--debug") continue;
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument "${arg}"`);
    let [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let negated = false;
    if (!has(name) && name.startsWith("no-") && has(name.slice(3)) && specs[name.slice(3)].type === "boolean") {
      name = name.slice(3);
      negated = true;
    }
    if (!has(name)) {
      const close = name.length >= 3 ? Object.keys(specs).find((k) => k.startsWith(name.slice(0, 3))) : undefined;
      throw new UsageError(`unknown flag --${name.slice(0, 60)}${close ? ` (did you mean --${close}?)` : ""}`);
    }
    const spec = specs[name];
    given?.add(camel(name));
    if (spec.type === "boolean") {
      if (inline !== undefined && !["true", "false"].includes(inline)) throw new UsageError(`--${name} takes no value (or =true/=false)`);
      values[camel(name)] = negated ? false : inline !== "false";
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined || (inline === undefined && raw.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
    values[camel(name)] = convert(name, spec, raw);
  }
  return values;
}

function convert(name: string, spec: FlagSpec, raw: string): string | number | number[] {
  switch (spec.type) {
    case "number": {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
      return n;
    }
    case "list": {
      const parts = raw.split(",").map((s) => s.trim());
      const nums = parts.map(Number);
      if (parts.some((p) => p === "") || nums.some((n) => !Number.isInteger(n) || n <= 0)) {
        throw new UsageError(`--${name} must be a comma-separated list of positive integers, got "${raw}"`);
      }
      return nums;
    }
    default:
      if (spec.choices && !spec.choices.includes(raw)) {
        throw new UsageError(`--${name} must be one of ${spec.choices.join(", ")}; got "${raw}"`);
      }
      return raw;
  }
}

/** The help text of a command: usage line, description and aligned flags with defaults. */
export function helpText(usage: string, description: string, specs: Record<string, FlagSpec>): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value =
      spec.type === "boolean" ? "" : spec.choices ? ` <${spec.choices.join("|")}>` : ` <${spec.type === "list" ? "n,n,..." : spec.type}>`;
    const def =
      spec.default === undefined ? "" : ` (default: ${Array.isArray(spec.default) ? spec.default.join(",") : String(spec.default)})`;
    return [`  --${name}${value}`, `${spec.description}${def}`];
  });
  const width = rows.reduce((m, [l]) => Math.max(m, l.length), 0) + 2;
  return [
    `Usage: ${usage}`,
    "",
    description,
    "",
    "Options:",
    ...rows.map(([l, r]) => `${l.padEnd(width)}${r}`),
    `${`  --help`.padEnd(width)}Show this help`,
  ].join("\n");
}

/** Splits `argv` into positional words and `--flag value` pairs (checked by `parseFlags` against `specs`). */
export function splitArgs(argv: readonly string[], specs: Record<string, FlagSpec>): { words: string[]; flags: FlagValues } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      words.push(a);
      continue;
    }
    rest.push(a);
    const spec = Object.hasOwn(specs, a.slice(2)) ? specs[a.slice(2)] : undefined;
    if (spec && spec.type !== "boolean" && !a.includes("=") && i + 1 < argv.length) rest.push(argv[++i]);
  }
  return { words, flags: parseFlags(rest, specs) };
}

/** The raw value of `flag` (`--flag v` or `--flag=v`) in `argv`, before parsing: how `train` picks its sub-command. */
export function peekFlag(argv: readonly string[], flag: string): string | undefined {
  const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) return undefined;
  return argv[i].includes("=") ? argv[i].slice(flag.length + 1) : argv[i + 1];
}

/** The integer flag `--name` (its parsed value, or `fallback` when unset), checked to lie in [min, max]. */
export function intFlag(flags: FlagValues, name: string, fallback: number | undefined, min: number, max: number): number {
  const raw = flags[camel(name)];
  const v = raw === undefined ? fallback : Number(raw);
  if (v === undefined || !(Number.isInteger(v) && v >= min && v <= max)) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${raw}`);
  }
  return v;
}
