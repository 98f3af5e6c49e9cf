import { Adam, type AdamOptions } from "./adam.js";
import type { ParamsInput } from "./optimizer.js";

/**
 * Adam with decoupled weight decay, as `torch.optim.AdamW`: each step first shrinks the weights by
 * `lr · weightDecay`, then takes the Adam step on the plain gradient. `weightDecay` defaults to 1e-2.
 *
 * @example
 * const opt = new tg.optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class AdamW extends Adam {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...options });
  }

  protected override get decoupledWeightDecay(): boolean {
    return true;
  }
}
