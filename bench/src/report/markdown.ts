// The report's building blocks: Markdown tables, sections, verdicts.

export interface Table {
  header: string[];
  rows: string[][];
}

export interface Section {
  title: string;
  /** How it was measured, one paragraph or a few bullet lines. */
  method: string[];
  tables: Table[];
  notes?: string[];
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(t: Table): string {
  const lines = [
    `| ${t.header.map(cell).join(' | ')} |`,
    `|${t.header.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function renderSection(s: Section): string {
  const parts = [`### ${s.title}`, '', ...s.method.map((m) => m), ''];
  for (const t of s.tables) parts.push(renderTable(t), '');
  if (s.notes?.length) parts.push(...s.notes.map((n) => `- ${n}`), '');
  return parts.join('\n');
}

/** "met", "**not met**", or "–" when there is nothing to judge. */
export function verdict(ok: boolean | undefined): string {
  return ok === undefined ? '–' : ok ? 'met' : '**not met**';
}
