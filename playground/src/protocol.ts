/** The messages between the page and the training worker. */
import type { ParsedCsv } from "./csv.ts";
import type { PlaygroundData } from "./datasets.ts";
import type { DeviceReport } from "./device.ts";
import type { PlaygroundState } from "./state.ts";
import type { Divergence, Hyper, Snapshot } from "./trainer.ts";

export type ToWorker =
  /** Which devices the worker can train on: answered with "devices" (WebGPU's adapter opens here, once). */
  | { type: "probe" }
  /** (Re)builds the data and the network from the state, on `state.device`; training pauses. */
  | { type: "init"; state: PlaygroundState; csv: ParsedCsv | null }
  /** Learning rate, optimizer, regularization or batch size changed: applied without a reset. */
  | { type: "hyper"; hyper: Hyper }
  | { type: "play" }
  | { type: "pause" }
  /** One epoch, then a snapshot. */
  | { type: "step" }
  /** Sets one weight (`from` = -1: the bias of neuron `to`) of Linear layer `layer`. */
  | { type: "setWeight"; layer: number; to: number; from: number; value: number }
  | { type: "export" }
  /** The model as ONNX (onnxruntime runs it). */
  | { type: "exportOnnx" };

export type FromWorker =
  | { type: "devices"; report: DeviceReport }
  | { type: "data"; data: PlaygroundData }
  | { type: "snapshot"; snapshot: Snapshot; playing: boolean }
  | { type: "diverged"; divergence: Divergence }
  | { type: "exported"; bytes: Uint8Array; snippet: string; fileName: string }
  | { type: "exportedOnnx"; bytes: Uint8Array; fileName: string }
  | { type: "error"; message: string };
