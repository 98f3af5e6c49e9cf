/** The training worker: a module Web Worker running tensorgrad (see worker_core.ts). */
import type { ToWorker } from "./protocol.ts";
import { WorkerCore } from "./worker_core.ts";

/** The part of DedicatedWorkerGlobalScope used here (the WebWorker lib clashes with the DOM lib in one program). */
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}

const scope = self as unknown as WorkerScope;
const channel = new MessageChannel();
let next: (() => void) | null = null;
channel.port1.onmessage = () => {
  const fn = next;
  next = null;
  fn?.();
};
const core = new WorkerCore(
  (msg, transfer) => scope.postMessage(msg, transfer ?? []),
  (fn) => {
    next = fn;
    channel.port2.postMessage(null);
  },
);
scope.onmessage = (e: MessageEvent<ToWorker>) => core.handle(e.data);
