import type { Args } from "../../args.js";
import { ValueError } from "../../errors.js";
import { type AnyOptimizer, checkOptimizer, LRScheduler } from "./base.js";
import { LAMBDA_LR } from "./signatures.js";

/** A learning-rate multiplier as a function of the epoch. */
export type LrLambda = (epoch: number) => number;

/**
 * Sets each group's learning rate to its base times `lrLambda(epoch)`, as `torch.optim.lr_scheduler.LambdaLR`.
 * Give one function for every group or one per group. The functions are not part of the state dict.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const opt = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new tg.optim.lrScheduler.LambdaLR(opt, (epoch) => 0.95 ** epoch);
 * sched.step(); // lr = 0.095
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];

  constructor(
    optimizer: AnyOptimizer,
    ...args: Args<
      [lrLambda: LrLambda | readonly LrLambda[], lastEpoch: number],
      { lrLambda?: LrLambda | readonly LrLambda[]; lastEpoch?: number }
    >
  ) {
    const { lrLambda, lastEpoch } = LAMBDA_LR.parse(args);
    checkOptimizer("LambdaLR", optimizer);
    const n = optimizer.paramGroups.length;
    let lambdas: LrLambda[];
    if (typeof lrLambda === "function") {
      lambdas = new Array<LrLambda>(n).fill(lrLambda);
    } else {
      if (!Array.isArray(lrLambda) || lrLambda.length !== n) {
        throw new ValueError(`LambdaLR: expected ${n} lrLambdas, got ${Array.isArray(lrLambda) ? lrLambda.length : String(lrLambda)}`);
      }
      for (const f of lrLambda) if (typeof f !== "function") throw new ValueError(`LambdaLR: lrLambda must be functions, got ${String(f)}`);
      lambdas = [...lrLambda];
    }
    super(optimizer, lastEpoch);
    this.lrLambdas = lambdas;
    this.initialStep();
  }

  protected override excludedStateKeys(): string[] {
    return [...super.excludedStateKeys(), "lrLambdas"];
  }

  protected override getLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }
}
