import { type Args, is, required, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Transform } from "./transform.js";

/** Any transform or plain function of one argument (what Compose chains). */
export type TransformFn = (input: never) => unknown;

const COMPOSE = signature("Compose", {
  transforms: required(
    is.where<readonly TransformFn[]>(
      "an array of transforms (functions)",
      (v) => Array.isArray(v) && v.every((t) => typeof t === "function"),
    ),
  ),
});

const LAMBDA = signature("Lambda", { lambd: required(is.function) });

/**
 * Applies `transforms` one after another, as `torchvision.transforms.Compose`. The type parameters name the input
 * of the first and the output of the last (a tensor by default).
 *
 * @example
 * const T = tg.data.transforms;
 * const prep = new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]);
 * const x = prep({ data: bytes, width: 28, height: 28 }); // [1, 28, 28] float32
 */
export class Compose<In = unknown, Out = Tensor> extends Transform<In, Out> {
  readonly transforms: readonly TransformFn[];

  constructor(...args: Args<[transforms: readonly TransformFn[]], { transforms?: readonly TransformFn[] }>) {
    super();
    this.transforms = [...COMPOSE.parse(args).transforms];
  }

  forward(input: In): Out {
    let x: unknown = input;
    for (const t of this.transforms) x = (t as (v: unknown) => unknown)(x);
    return x as Out;
  }

  override toString(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${t instanceof Transform ? t.toString() : "<function>"}\n`).join("")})`;
  }
}

/**
 * A function as a transform, as `torchvision.transforms.Lambda(lambd)`.
 *
 * @example
 * const flatten = new tg.data.transforms.Lambda((x: tg.Tensor) => x.flatten());
 */
export class Lambda<In = Tensor, Out = Tensor> extends Transform<In, Out> {
  readonly lambd: (input: In) => Out;

  constructor(...args: Args<[lambd: (input: In) => Out], { lambd?: (input: In) => Out }>) {
    super();
    this.lambd = LAMBDA.parse(args).lambd as (input: In) => Out;
  }

  forward(input: In): Out {
    return this.lambd(input);
  }
}
