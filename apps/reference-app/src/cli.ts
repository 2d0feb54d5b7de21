// The `kit` binary: `node --conditions=@kit/source --import tsx src/cli.ts <command> [options]`.
import { runCli } from './main';

const controller = new AbortController();
let interrupted = 0;
const onSignal = (signal: NodeJS.Signals) => {
  interrupted += 1;
  // A second Ctrl-C means "now": skip the clean shutdown.
  if (interrupted > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
  controller.abort(new Error(`interrupted by ${signal}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv.slice(2), { signal: controller.signal });
process.exitCode = interrupted > 0 && code === 0 ? 130 : code;
// Everything the command opened is closed by now; exit rather than wait for a stray keep-alive timer.
setTimeout(() => process.exit(), 200).unref();
