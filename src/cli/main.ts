// Entry point: runs the CLI on this process's arguments and exits with its code (execute.ts).
import { main } from './execute.js';

process.exitCode = await main(process.argv);
