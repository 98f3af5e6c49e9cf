/**
 * Every error tensorgrad throws is a `TensorGradError` with a machine-readable `code`, so callers can
 * branch on the kind of failure without parsing messages.
 */
export type ErrorCode = "shape" | "dtype" | "dim" | "index" | "autograd" | "anomaly" | "value" | "gradcheck" | "device";

export class TensorGradError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together: broadcasting, matmul, view, cat... The message names the op and the shapes. */
export class ShapeError extends TensorGradError {
  constructor(message: string) {
    super("shape", message);
  }
}

/** A dtype the op cannot take, or two dtypes that do not go together. */
export class DTypeError extends TensorGradError {
  constructor(message: string) {
    super("dtype", message);
  }
}

/** A dimension outside `[-ndim, ndim)`. */
export class DimError extends TensorGradError {
  constructor(message: string) {
    super("dim", message);
  }
}

/** An index outside the size of the dimension it indexes. */
export class IndexError extends TensorGradError {
  constructor(message: string) {
    super("index", message);
  }
}

/** Misuse of autograd: backward through a freed graph, a modified saved tensor, grad of a non-float tensor... */
export class AutogradError extends TensorGradError {
  constructor(message: string) {
    super("autograd", message);
  }
}

/** Raised inside `detectAnomaly` when a backward function produces NaN or Inf. */
export class AnomalyError extends TensorGradError {
  constructor(message: string) {
    super("anomaly", message);
  }
}

/** An argument with a value the op cannot take (negative size, bad step, empty list...). */
export class ValueError extends TensorGradError {
  constructor(message: string) {
    super("value", message);
  }
}

/** `gradcheck` found analytical and numerical gradients that disagree. */
export class GradcheckError extends TensorGradError {
  constructor(message: string) {
    super("gradcheck", message);
  }
}

/**
 * A call whose arguments do not fit the function's signature: an unknown option, a value of the wrong type or form,
 * too many positional arguments, a required one missing. A `ValueError` (code "value") with the function, the
 * argument and the accepted forms as fields, as PyTorch's TypeError for a bad keyword names them.
 */
export class ArgumentError extends ValueError {
  constructor(
    readonly fn: string,
    readonly argument: string,
    readonly accepted: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A device problem: tensors on different devices in one op, a device that is not available (no WebGPU adapter), or a
 * synchronous read of a device that can only be read asynchronously. The message names the devices and the fix.
 */
export class DeviceError extends TensorGradError {
  constructor(message: string) {
    super("device", message);
  }
}
