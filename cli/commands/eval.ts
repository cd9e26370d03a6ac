import type { Command } from 'commander';
import { type EvaluationReport, evaluateFolders } from '../../src/evaluate/evaluate-folders.ts';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'score predicted alpha mattes against ground truth (SAD, MSE ×1e3, Grad, Conn as in Deep Image Matting); ' +
        'files are matched by name, extension ignored; an RGBA prediction is scored by its alpha',
    )
    .requiredOption('--pred <path>', 'folder (or file) of predicted mattes')
    .requiredOption('--gt <path>', 'folder (or file) of ground-truth alpha mattes')
    .option(
      '--trimap <path>',
      'folder (or file) of trimaps: score only where 0 < trimap < 255 (default: every pixel)',
    )
    .option('--json', 'print one JSON object {images:[{name,sad,mse,grad,conn}],mean:{…}}')
    .action(async (options: { pred: string; gt: string; trimap?: string; json?: boolean }) => {
      const report = await evaluateFolders(options);
      process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatTable(report));
    });
}

function formatTable(report: EvaluationReport): string {
  const nameWidth = Math.max(5, ...report.images.map((row) => row.name.length));
  const number = (value: number) => value.toFixed(4).padStart(11);
  const line = (name: string, row: { sad: number; mse: number; grad: number; conn: number }) =>
    `${name.padEnd(nameWidth)}${number(row.sad)}${number(row.mse)}${number(row.grad)}${number(row.conn)}\n`;
  const header = `${'image'.padEnd(nameWidth)}${['SAD', 'MSE', 'Grad', 'Conn'].map((h) => h.padStart(11)).join('')}\n`;
  const rows = report.images.map((row) => line(row.name, row)).join('');
  return `${header}${rows}${line(`mean (${report.images.length})`.padEnd(nameWidth), report.mean)}`;
}
