/**
 * A tiny report model (title, sections of text, one table and charts) and its two renderings:
 * `report.md` with the charts as `charts/<slug>.svg` image links, and a self-contained
 * `report.html` with the same SVGs inline and no external resources.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg, type RenderOptions } from './render.js';

/** A cell shown exactly as it is, never read as markdown (text from the user's data: CSV class names). */
export interface Literal {
  literal: string;
}

export interface Table {
  columns: string[];
  /** One array per row, in column order. Numbers are printed as given; format them beforehand. */
  rows: (string | number | Literal)[][];
}

export interface Chart {
  /** Heading of the figure; also names its file (`charts/<slug>.svg`). */
  title: string;
  spec: TopLevelSpec;
  caption?: string;
}

export interface Section {
  heading: string;
  /**
   * Text in a markdown subset the HTML rendering understands: paragraphs separated by blank
   * lines, `- ` bullet lists, `code` and **bold**. Anything else is shown literally.
   */
  markdown?: string;
  table?: Table;
  charts?: Chart[];
}

export interface Report {
  title: string;
  /** Text under the title, in the same markdown subset as `Section.markdown`. */
  intro?: string;
  sections: Section[];
}

/** The files `writeReport` wrote. */
export interface ReportFiles {
  markdown: string;
  html: string;
  /** One SVG per chart, in report order. */
  charts: string[];
}

/** Folder, inside the report's folder, holding one SVG file per chart. */
export const CHARTS_DIR = 'charts';

/** A file-name-safe slug of a title: lower case, runs of other characters turned into '-'. */
function slugify(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return slug === '' ? 'chart' : slug;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

function inlineHtml(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** Paragraphs and `- ` bullet lists of the markdown subset, as HTML. */
function markdownToHtml(markdown: string): string {
  return markdown
    .trim()
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split('\n').map((l) => l.trim());
      if (lines.every((l) => l.startsWith('- '))) {
        return `<ul>${lines.map((l) => `<li>${inlineHtml(l.slice(2))}</li>`).join('')}</ul>`;
      }
      return `<p>${inlineHtml(lines.join(' '))}</p>`;
    })
    .join('\n');
}

const cellText = (cell: string | number | Literal): string => (typeof cell === 'object' ? cell.literal : String(cell));

function markdownCell(cell: string | number | Literal): string {
  const text = cellText(cell).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  // Data: every character markdown could read as markup is escaped.
  return typeof cell === 'object' ? text.replace(/[`*_{}[\]()<>#+!~-]/g, '\\$&') : text;
}

function markdownTable(table: Table): string {
  const row = (cells: (string | number | Literal)[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [row(table.columns), `|${table.columns.map(() => '---').join('|')}|`, ...table.rows.map(row)].join('\n');
}

function htmlTable(table: Table): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(cellText(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/**
 * Prefixes the SVG's element ids and their `url(#…)` / `href="#…"` references, so several
 * SVGs inlined in one HTML page never resolve each other's clip paths or gradients.
 */
function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

const CSS = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; } h3 { font-size: 1rem; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; }
th { background: #f4f4f4; }
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9rem; }
code { background: #f4f4f4; padding: 0 0.2rem; }
`.trim();

interface RenderedChart {
  file: string;
  svg: string;
}

function reportMarkdown(report: Report, charts: Map<Chart, RenderedChart>): string {
  const parts = [`# ${report.title}`];
  if (report.intro) parts.push(report.intro.trim());
  for (const section of report.sections) {
    parts.push(`## ${section.heading}`);
    if (section.markdown) parts.push(section.markdown.trim());
    if (section.table) parts.push(markdownTable(section.table));
    for (const chart of section.charts ?? []) {
      const { file } = charts.get(chart) as RenderedChart;
      parts.push(`### ${chart.title}`, `![${chart.title.replace(/[[\]]/g, '')}](${CHARTS_DIR}/${file})`);
      if (chart.caption) parts.push(`*${chart.caption}*`);
    }
  }
  return `${parts.join('\n\n')}\n`;
}

function reportHtml(report: Report, charts: Map<Chart, RenderedChart>): string {
  const body = [`<h1>${escapeHtml(report.title)}</h1>`];
  if (report.intro) body.push(markdownToHtml(report.intro));
  for (const section of report.sections) {
    body.push(`<section>\n<h2>${escapeHtml(section.heading)}</h2>`);
    if (section.markdown) body.push(markdownToHtml(section.markdown));
    if (section.table) body.push(htmlTable(section.table));
    for (const chart of section.charts ?? []) {
      const { file, svg } = charts.get(chart) as RenderedChart;
      const caption = chart.caption ? `\n<figcaption>${escapeHtml(chart.caption)}</figcaption>` : '';
      body.push(`<figure>\n<h3>${escapeHtml(chart.title)}</h3>\n${scopeSvgIds(svg, path.basename(file, '.svg'))}${caption}\n</figure>`);
    }
    body.push('</section>');
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(report.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Renders every chart to SVG and writes `report.md`, `report.html` and `charts/<slug>.svg`
 * into `dir` (created if needed). Charts whose titles share a slug get `-2`, `-3`, … suffixes.
 */
export async function writeReport(dir: string, report: Report, options: RenderOptions = {}): Promise<ReportFiles> {
  const chartsDir = path.join(dir, CHARTS_DIR);
  await mkdir(chartsDir, { recursive: true });
  const rendered = new Map<Chart, RenderedChart>();
  const used = new Set<string>();
  for (const chart of report.sections.flatMap((s) => s.charts ?? [])) {
    const slug = slugify(chart.title);
    let name = slug;
    for (let i = 2; used.has(name); i++) name = `${slug}-${i}`;
    used.add(name);
    const svg = await renderSvg(chart.spec, options);
    const file = `${name}.svg`;
    await writeFile(path.join(chartsDir, file), svg);
    rendered.set(chart, { file, svg });
  }
  const markdown = path.join(dir, 'report.md');
  const html = path.join(dir, 'report.html');
  await writeFile(markdown, reportMarkdown(report, rendered));
  await writeFile(html, reportHtml(report, rendered));
  return { markdown, html, charts: [...rendered.values()].map((r) => path.join(chartsDir, r.file)) };
}
