import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

/**
 * Parses an SVG document; returns all the text it shows (titles, axis labels, legend entries).
 * `source` is a file path, or the SVG itself when it starts with `<`.
 */
export function svgTexts(source: string): string[] {
  const text = source.trimStart().startsWith('<') ? source : readFileSync(source, 'utf8');
  expect(XMLValidator.validate(text)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, preserveOrder: true }).parse(
    text,
  ) as unknown[];
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'text' && Array.isArray(value)) {
        texts.push(
          value.map((v: { '#text'?: string | number }) => String(v['#text'] ?? '')).join(''),
        );
      } else if (key !== ':@') walk(value);
    }
  };
  const top = doc.find((n) => typeof n === 'object' && n !== null && 'svg' in n);
  expect(top, 'the document has an <svg> root').toBeDefined();
  walk(top);
  return texts;
}
