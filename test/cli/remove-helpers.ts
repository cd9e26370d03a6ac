/** Helpers of the main command's subprocess tests: the CLI with its own environment and binary stdout. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../fixtures.ts';

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: Buffer;
  timeoutMs?: number;
  /** Called with the child once it runs (to signal or kill it). */
  onSpawn?: (child: ChildProcess) => void;
}

export const cutoutBin = join(repoRoot, 'bin', 'cutout.js');

export function runCutout(args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cutoutBin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const bytes = Buffer.concat(out);
      resolve({ status, signal, stdout: bytes.toString('utf8'), stdoutBytes: bytes, stderr });
    });
    child.stdin.end(options.input);
    options.onSpawn?.(child);
  });
}
