/** The teach page's worker: a module Web Worker running tensorgrad; core/session.ts does the work. */
import { TeachSession } from "./core/session.ts";
import type { ToWorker } from "./protocol.ts";

/** The part of DedicatedWorkerGlobalScope used here (the WebWorker lib clashes with the DOM lib in one program). */
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}

const scope = self as unknown as WorkerScope;
// A zero-delay turn of the event loop between training batches (setTimeout would wait ≥ 4 ms when nested).
const channel = new MessageChannel();
const pending: (() => void)[] = [];
channel.port1.onmessage = () => pending.shift()?.();
const session = new TeachSession(
  (msg, transfer) => scope.postMessage(msg, transfer ?? []),
  (fn) => {
    pending.push(fn);
    channel.port2.postMessage(null);
  },
);
scope.onmessage = (e: MessageEvent<ToWorker>) => session.handle(e.data);
