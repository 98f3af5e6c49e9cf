/**
 * `tensorgrad teach`: serves the browser build (the same server and files as `tensorgrad playground`) and prints the
 * URL of the Teachable Machine page, teach.html: train an image classifier from the webcam, images or drawings.
 */
import { serveCommand } from "./playground.js";

/** The command: serves until interrupted (Ctrl-C). */
export async function teachCommand(argv: readonly string[]): Promise<void> {
  await serveCommand(argv, {
    command: "teach",
    summary: "Serve the Teachable Machine page on localhost: train an image classifier from your webcam, images or drawings.",
    page: "teach.html",
  });
}
