import { Adam, type AdamOptions, type AdamRest, adamSignature } from "./adam.js";
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
  static override readonly signature = adamSignature("AdamW", 1e-2);

  /** PyTorch's `AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, maximize=False)`. */
  constructor(params: ParamsInput<AdamOptions>, ...rest: AdamRest) {
    super(params, ...rest);
  }

  protected override get decoupledWeightDecay(): boolean {
    return true;
  }
}
