// Runs the CLI from source (npm run train / npm run cli); the installed `tensorgrad` command runs the build.
import { main } from "../src/cli/main.ts";

process.exitCode = await main(process.argv.slice(2));
