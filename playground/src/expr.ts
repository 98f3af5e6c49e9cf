/**
 * The expression language of the "See backpropagation" view: numbers, variables x1..x9, + − * / ^,
 * parentheses, unary minus and a few functions. A small recursive-descent parser with limits on length, depth and
 * number of operations; never `eval`. Errors carry the character position they point at.
 */

export const FUNCTIONS = ["exp", "log", "tanh", "sigmoid", "relu"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
export type BinaryOp = "+" | "-" | "*" | "/" | "^";

export type Expr =
  | { kind: "num"; value: number }
  | { kind: "var"; name: string }
  | { kind: "neg"; arg: Expr }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr }
  | { kind: "call"; fn: FunctionName; arg: Expr };

/** A parse error with the character position it points at. */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = "ExprError";
  }
}

export const MAX_EXPR_LENGTH = 200;
/** At most this many operations (gates), so the drawing stays readable. */
export const MAX_GATES = 40;
const MAX_DEPTH = 40;

type Token =
  | { kind: "num"; value: number; pos: number; text: string }
  | { kind: "ident"; name: string; pos: number; text: string }
  | { kind: "op"; op: "+" | "-" | "*" | "/" | "^" | "(" | ")"; pos: number; text: string }
  | { kind: "end"; pos: number; text: string };

/** Typographic operators accepted as their ASCII forms. */
const ALIASES: Record<string, "+" | "-" | "*" | "/" | "^" | "(" | ")"> = {
  "+": "+",
  "-": "-",
  "−": "-",
  "–": "-",
  "*": "*",
  "×": "*",
  "·": "*",
  "/": "/",
  "÷": "/",
  "^": "^",
  "(": "(",
  ")": ")",
};

function tokenize(src: string): Token[] {
  if (src.length > MAX_EXPR_LENGTH)
    throw new ExprError(`the expression is too long (at most ${MAX_EXPR_LENGTH} characters)`, MAX_EXPR_LENGTH);
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      tokens.push({ kind: "num", value: Number(num[0]), pos: i, text: num[0] });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (ident) {
      tokens.push({ kind: "ident", name: ident[0], pos: i, text: ident[0] });
      i += ident[0].length;
      continue;
    }
    const op = ALIASES[c];
    if (op) {
      tokens.push({ kind: "op", op, pos: i, text: c });
      i++;
      continue;
    }
    throw new ExprError(`unexpected character "${c}" at position ${i + 1}`, i);
  }
  tokens.push({ kind: "end", pos: src.length, text: "the end" });
  return tokens;
}

const VAR_RE = /^x[1-9]$/;

/**
 * Parses an expression of numbers, the variables x1..x9, + − * / ^ (right-associative, binding tighter than unary
 * minus: −x1^2 is −(x1²)), parentheses, unary minus and the functions exp, log, tanh, sigmoid and relu.
 * Throws `ExprError` with the position of the problem.
 */
export function parseExpr(src: string): Expr {
  const tokens = tokenize(src);
  let k = 0;
  let gates = 0;
  const peek = () => tokens[k];
  const gate = (pos: number) => {
    if (++gates > MAX_GATES) throw new ExprError(`the expression has too many operations (at most ${MAX_GATES})`, pos);
  };
  const isOp = (t: Token, op: string): boolean => t.kind === "op" && t.op === op;
  const where = (t: Token) => (t.kind === "end" ? "at the end" : `at position ${t.pos + 1}`);

  function expr(depth: number): Expr {
    if (depth > MAX_DEPTH) throw new ExprError("the expression is nested too deeply", peek().pos);
    let left = term(depth);
    for (let t = peek(); isOp(t, "+") || isOp(t, "-"); t = peek()) {
      k++;
      gate(t.pos);
      left = { kind: "binary", op: (t as { op: BinaryOp }).op, left, right: term(depth) };
    }
    return left;
  }
  function term(depth: number): Expr {
    let left = unary(depth);
    for (let t = peek(); isOp(t, "*") || isOp(t, "/"); t = peek()) {
      k++;
      gate(t.pos);
      left = { kind: "binary", op: (t as { op: BinaryOp }).op, left, right: unary(depth) };
    }
    return left;
  }
  function unary(depth: number): Expr {
    const t = peek();
    if (depth > MAX_DEPTH) throw new ExprError("the expression is nested too deeply", t.pos);
    if (isOp(t, "-")) {
      k++;
      gate(t.pos);
      return { kind: "neg", arg: unary(depth + 1) };
    }
    if (isOp(t, "+")) {
      k++;
      return unary(depth + 1);
    }
    return power(depth);
  }
  function power(depth: number): Expr {
    const base = primary(depth);
    const t = peek();
    if (isOp(t, "^")) {
      k++;
      gate(t.pos);
      return { kind: "binary", op: "^", left: base, right: unary(depth + 1) };
    }
    return base;
  }
  function primary(depth: number): Expr {
    const t = peek();
    if (t.kind === "num") {
      k++;
      if (!Number.isFinite(t.value)) throw new ExprError(`the number ${t.text} is too large`, t.pos);
      return { kind: "num", value: t.value };
    }
    if (t.kind === "ident") {
      k++;
      if (VAR_RE.test(t.name)) return { kind: "var", name: t.name };
      const fn = FUNCTIONS.find((f) => f === t.name);
      if (fn) {
        if (!isOp(peek(), "(")) throw new ExprError(`${fn} needs its argument in parentheses, as ${fn}(x1), ${where(peek())}`, peek().pos);
        k++;
        gate(t.pos);
        const arg = expr(depth + 1);
        expectClose(t);
        return { kind: "call", fn, arg };
      }
      throw new ExprError(
        `unknown name "${t.name}" at position ${t.pos + 1}: use the variables x1 to x9 and the functions ${FUNCTIONS.join(", ")}`,
        t.pos,
      );
    }
    if (isOp(t, "(")) {
      k++;
      const inner = expr(depth + 1);
      expectClose(t);
      return inner;
    }
    if (t.kind === "end") throw new ExprError(k === 0 ? "the expression is empty" : "the expression ends too early", t.pos);
    throw new ExprError(`unexpected "${t.text}" ${where(t)}`, t.pos);
  }
  function expectClose(open: Token): void {
    const t = peek();
    if (!isOp(t, ")"))
      throw new ExprError(
        `missing ")" for the "(" at position ${open.pos + 1} (found ${t.kind === "end" ? "the end" : `"${t.text}"`})`,
        t.pos,
      );
    k++;
  }

  const e = expr(0);
  const t = peek();
  if (t.kind !== "end") throw new ExprError(`unexpected "${t.text}" ${where(t)}`, t.pos);
  return e;
}

/** The variables an expression uses, in order x1..x9. */
export function variablesOf(e: Expr): string[] {
  const seen = new Set<string>();
  const walk = (x: Expr): void => {
    if (x.kind === "var") seen.add(x.name);
    else if (x.kind === "neg" || x.kind === "call") walk(x.arg);
    else if (x.kind === "binary") {
      walk(x.left);
      walk(x.right);
    }
  };
  walk(e);
  return [...seen].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** The expression written back, fully parenthesized where needed (for labels). */
export function exprToString(e: Expr): string {
  const prec = (x: Expr): number =>
    x.kind === "binary" ? (x.op === "+" || x.op === "-" ? 1 : x.op === "^" ? 4 : 2) : x.kind === "neg" ? 3 : 5;
  const wrap = (x: Expr, min: number) => (prec(x) < min ? `(${exprToString(x)})` : exprToString(x));
  switch (e.kind) {
    case "num":
      return fmtNumber(e.value);
    case "var":
      return e.name;
    case "neg":
      return `−${wrap(e.arg, 3)}`;
    case "call":
      return `${e.fn}(${exprToString(e.arg)})`;
    case "binary": {
      const p = prec(e);
      const sym = { "+": " + ", "-": " − ", "*": "·", "/": " / ", "^": "^" }[e.op];
      return `${wrap(e.left, e.op === "^" ? p + 1 : p)}${sym}${wrap(e.right, e.op === "^" ? p : p + 1)}`;
    }
  }
}

/** A number for display: up to 4 significant digits, a real minus sign, no trailing zeros. */
export function fmtNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const r = Math.abs(v) >= 1e-4 || v === 0 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
  return r.replace("-", "−");
}
