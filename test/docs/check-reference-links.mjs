// After `typedoc` (npm run docs): follows every link in the built reference (docs-site/), the
// README and the guides (docs/*.md), and fails on any that leads nowhere:
// - a relative link must name a file that exists, and its #anchor an id in that page (HTML) or
//   a heading of that file (Markdown, as GitHub makes anchors from headings);
// - a source link (https://github.com/denselab/denselab/blob/main/PATH#LN) must name a file of
//   this repository with at least N lines;
// - other external links cannot be followed from here and are only counted.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SITE = 'docs-site';
const SOURCE = 'https://github.com/denselab/denselab/blob/main/';
const broken = [];
const counts = { site: 0, markdown: 0, source: 0, external: 0 };

const walk = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
const decode = (s) => decodeURIComponent(s.replace(/&amp;/g, '&'));

/** The ids an HTML page defines. */
const htmlIds = new Map();
function idsOf(file) {
  if (!htmlIds.has(file)) {
    const text = readFileSync(file, 'utf8');
    htmlIds.set(
      file,
      new Set([...text.matchAll(/\s(?:id|name)="([^"]+)"/g)].map((m) => decode(m[1]))),
    );
  }
  return htmlIds.get(file);
}

/** GitHub's anchors for a Markdown file's headings. */
function headingsOf(file) {
  const seen = new Map();
  const anchors = new Set();
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const [, title] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = title
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function checkSource(from, url) {
  counts.source++;
  const [path, line] = url.slice(SOURCE.length).split('#L');
  if (!existsSync(path)) return void broken.push(`${from}: ${url} (no file ${path})`);
  const lines = readFileSync(path, 'utf8').split('\n').length;
  if (line !== undefined && Number(line) > lines)
    broken.push(`${from}: ${url} (${path} has ${lines} lines)`);
}

function checkHref(from, href, kind) {
  if (href.startsWith(SOURCE)) return checkSource(from, href);
  if (/^[a-z]+:/i.test(href) || href.startsWith('//')) return void counts.external++;
  counts[kind]++;
  const [rawPath, rawAnchor] = href.split('#');
  const target = rawPath === '' ? from : join(dirname(from), decode(rawPath.split('?')[0]));
  if (!existsSync(target)) return void broken.push(`${from}: ${href} (no ${target})`);
  if (rawAnchor === undefined || rawAnchor === '') return;
  const anchor = decode(rawAnchor);
  const known = target.endsWith('.html')
    ? idsOf(target)
    : target.endsWith('.md')
      ? headingsOf(target)
      : undefined;
  if (known !== undefined && !known.has(anchor))
    broken.push(`${from}: ${href} (no #${anchor} in ${target})`);
}

for (const file of walk(SITE).filter((f) => f.endsWith('.html'))) {
  const text = readFileSync(file, 'utf8');
  for (const [, href] of text.matchAll(/\shref="([^"]*)"/g)) checkHref(file, decode(href), 'site');
}
const markdown = ['README.md', ...walk('docs').filter((f) => f.endsWith('.md'))];
for (const file of markdown) {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const [, href] of text.matchAll(/\]\(([^)\s]+)\)/g)) checkHref(file, href, 'markdown');
}
if (broken.length > 0) {
  console.error(`links that lead nowhere:\n${broken.join('\n')}`);
  process.exit(1);
}
console.log(
  `links: ${counts.site} in the reference and ${counts.markdown} in ${markdown.length} Markdown files resolve; ` +
    `${counts.source} source links name lines that exist; ${counts.external} external links not followed`,
);
