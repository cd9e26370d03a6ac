/**
 * The `cutout` command line. Commands are thin: each parses its options, calls the library, prints.
 * Every failure ends here, is printed as one line naming the problem, and sets the exit status from
 * the error's code (src/errors.ts).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { exitCodeFor, isCutoutError } from '../src/errors.ts';
import { registerEval } from './commands/eval.ts';
import { registerMatte } from './commands/matte.ts';
import { registerModels } from './commands/models.ts';
import { registerRemove } from './commands/remove.ts';
import { registerServe } from './commands/serve.ts';

/** Exit status for a usage error (bad flags), as in sysexits' EX_USAGE. */
const EXIT_USAGE = 64;

export function buildProgram(): Command {
  const program = new Command('cutout')
    .description('Background removal and true alpha matting.')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  registerEval(program);
  registerMatte(program);
  registerModels(program);
  registerRemove(program);
  registerServe(program);
  return program;
}

function packageVersion(): string {
  const path = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version output exit 0; commander has already printed any usage error.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isCutoutError(error)) {
      process.stderr.write(`cutout: ${error.message} [${error.code}]\n`);
    } else {
      process.stderr.write(`cutout: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    return exitCodeFor(error);
  }
}
