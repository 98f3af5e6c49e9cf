#!/usr/bin/env node
/**
 * The `tensorgrad` command: `train`, `eval`, `predict`, `playground`, `teach` and more (USAGE lists them). Node-only; the library itself never imports it.
 */
import { UsageError } from "./args.js";
import { doctorCommand } from "./doctor.js";
import { debugRequested, describeFailure } from "./errors.js";
import { exportCommand } from "./export.js";
import { evalCommand, predictCommand } from "./inspect.js";
import { nextCommand, sampleCommand } from "./lm_commands.js";
import { playgroundCommand } from "./playground.js";
import { analogyCommand, similarCommand } from "./similar.js";
import { teachCommand } from "./teach.js";
import { trainCommand } from "./train.js";

const USAGE = `Usage: tensorgrad <command> [options]

Commands:
  train       Train a model (default: an MLP on the bundled MNIST digits)
  eval        Evaluate a checkpoint on its dataset's test split
  predict     Show a checkpoint's predictions for some test examples or given inputs
  playground  Serve the browser playground on localhost (train networks and watch them learn)
  teach       Serve the Teachable Machine page: train an image classifier from a webcam, images or drawings
  sample      Print text sampled from a trained language model (names, words, characters)
  next        The most likely next tokens after a prompt, with probabilities (a language model)
  similar     The nearest words to a word in a word2vec checkpoint (cosine similarity)
  analogy     "a is to b as c is to ?" with a word2vec checkpoint's vectors
  export      Export a checkpoint's model: PyTorch-keyed safetensors, a PyTorch model.py, or ONNX
  doctor      Show the devices tensorgrad can use here (CPU backend, WebGPU adapter) or what to install

Run "tensorgrad <command> --help" for a command's options.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "--help":
      case "help":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      case "train":
        await trainCommand(rest);
        return 0;
      case "eval":
        await evalCommand(rest);
        return 0;
      case "predict":
        await predictCommand(rest);
        return 0;
      case "playground":
        await playgroundCommand(rest);
        return 0;
      case "teach":
        await teachCommand(rest);
        return 0;
      case "sample":
        await sampleCommand(rest);
        return 0;
      case "next":
        await nextCommand(rest);
        return 0;
      case "similar":
        await similarCommand(rest);
        return 0;
      case "analogy":
        await analogyCommand(rest);
        return 0;
      case "export":
        await exportCommand(rest);
        return 0;
      case "doctor":
        await doctorCommand(rest);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (debugRequested(argv) && e instanceof Error) console.error(e.stack);
    const { message, status } = describeFailure(e);
    if (e instanceof UsageError) {
      console.error(
        `tensorgrad: ${message}\n\n${command && command !== "help" && message.startsWith("unknown command") ? USAGE : `Run "tensorgrad ${command ?? ""} --help" for usage.`}`,
      );
    } else console.error(`tensorgrad: ${message}`);
    return status;
  }
}
