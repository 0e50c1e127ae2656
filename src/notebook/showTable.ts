import { checkTable } from './checks';
import { show } from './show';

/**
 * Shows a table: rendered Markdown in a notebook, aligned text elsewhere.
 *
 * @param header - the column titles
 * @param rows - the cells, as text, row by row
 *
 * @category Notebook
 * @example
 * ```ts
 * import { showTable } from 'denselab/notebook';
 *
 * // Prints the aligned text outside a notebook: "epoch    loss", "    1  0.1933", ...
 * await showTable(['epoch', 'loss'], [['1', '0.1933'], ['2', '0.1017']]); // epoch loss 1 0.1933 2 0.1017
 * ```
 */
export function showTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): Promise<void> {
  const table = checkTable('showTable', header, rows);
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r.map((v, c) => v.padStart(widths[c] ?? 0)).join('  ');
  const md = (r: readonly string[]): string => `| ${r.join(' | ')} |`;
  return show({
    'text/markdown': [
      md(table.header),
      md(table.header.map(() => '---:')),
      ...table.rows.map(md),
    ].join('\n'),
    'text/plain': all.map(line).join('\n'),
  });
}
