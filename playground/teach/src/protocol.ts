/**
 * The messages between the teach page and its worker. Images travel as IMAGE_SIZE×IMAGE_SIZE RGBA arrays
 * (core/image.ts); the page may transfer their buffers. The worker answers every request in order; after `train` it
 * posts `progress` once per batch and then exactly one `trained` (also after `stop`), or an `error`.
 */

/** Where the worker trains: "webgpu" falls back to "cpu" (WASM) when there is no adapter; `ready` says which. */
export type TeachDevice = "cpu" | "webgpu";

/** Most classes a project may have. */
export const MAX_CLASSES = 10;
/** Most samples one training run (or one imported project) may hold. */
export const MAX_SAMPLES = 5000;

/** One image and the index of its class in `classes`. */
export interface Sample {
  label: number;
  /** IMAGE_SIZE × IMAGE_SIZE × 4 bytes, row-major RGBA. */
  rgba: Uint8ClampedArray;
}

/** The training settings ("advanced" on the page). */
export interface TrainSettings {
  /** Passes over the training samples (1–500). */
  epochs: number;
  /** Samples per optimizer step (1–512). */
  batchSize: number;
  /** Adam's learning rate (0 < lr ≤ 1). */
  learningRate: number;
  /** Share of each class held out for validation (0 to 0.5; 0: no validation, the report is on training samples). */
  validationFraction: number;
  /** Seeds the split, the initial weights, the shuffling and the augmentation. */
  seed: number;
  /** Random crop (pad 4), horizontal flip and brightness jitter on training batches. */
  augment: boolean;
}

/**
 * The page's defaults: Teachable Machine's batch size and learning rate (16, 0.001), and 30 epochs instead of its 50
 * (enough here, and training on the CPU stays within seconds for a few dozen samples per class).
 */
export const DEFAULT_SETTINGS: TrainSettings = {
  epochs: 30,
  batchSize: 16,
  learningRate: 0.001,
  validationFraction: 0.15,
  seed: 1,
  augment: true,
};

/** One exported file. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

/** One class's result on the evaluated samples. */
export interface ClassResult {
  name: string;
  correct: number;
  total: number;
}

export type ToWorker =
  /** Opens the device; answered with `ready`. Send first (other messages wait for it; without it: cpu). */
  | { type: "init"; device: TeachDevice }
  /** Trains a new model from scratch on `samples` (labels index `classes`); replaces the current model when done. */
  | { type: "train"; classes: string[]; samples: Sample[]; settings: TrainSettings }
  /** Stops training after the current batch; the model trained so far is kept and `trained` reports it. */
  | { type: "stop" }
  /** Classifies one image with the current model; answered with `prediction` carrying the same `id`. */
  | { type: "predict"; id: number; rgba: Uint8ClampedArray }
  /**
   * Exports the current model: model.safetensors, model.json, model.onnx, classify.ts and project.json (with the
   * training samples when `samples` is true). Answered with `exported`.
   */
  | { type: "export"; samples?: boolean }
  /** Imports files of an exported project (model.json + model.safetensors, project.json optional); answered with `imported`. */
  | { type: "import"; files: ExportFile[] };

export type FromWorker =
  /** The device in use; `adapter` names the WebGPU adapter, `reason` says why webgpu was asked for but not used. */
  | { type: "ready"; device: TeachDevice; adapter?: string; reason?: string }
  /** After each training batch: running loss/accuracy of the epoch so far; validation figures after an epoch's last batch. */
  | {
      type: "progress";
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      loss: number;
      accuracy: number;
      valLoss?: number;
      valAccuracy?: number;
    }
  /**
   * Training ended (finished or stopped). perClass and confusion (rows: true class, columns: predicted) are on the
   * validation samples, or on the training samples when there are none (`evaluatedOn` says which).
   */
  | {
      type: "trained";
      perClass: ClassResult[];
      confusion: number[][];
      evaluatedOn: "validation" | "training";
      trainCount: number;
      valCount: number;
      seconds: number;
      stopped: boolean;
    }
  /** Class probabilities (softmax), in the order of the classes. */
  | { type: "prediction"; id: number; probabilities: number[] }
  | { type: "exported"; files: ExportFile[] }
  /**
   * An import succeeded. `model`: model.json + model.safetensors came and that model is now the current one (false:
   * project.json alone, samples without a model, and the previous model is dropped). `samples` and `settings` are those
   * project.json held (empty / absent when none).
   */
  | { type: "imported"; classes: string[]; samples: Sample[]; model: boolean; settings?: TrainSettings }
  /** A request failed; `request` names it ("train": training stopped, the previous model is kept). */
  | { type: "error"; message: string; request: ToWorker["type"] };
