/**
 * The words of a Markdown text as they can appear once rendered for the terminal: emphasis
 * markers and backticks dropped, a link shown as its text then its address in parentheses, and
 * each word also without the brackets or punctuation around it. Tests use it to tell a word the
 * wrapper cut in two (a piece that is no word of the source) from a word of the source.
 */
export function renderedWordsOf(md: string): Set<string> {
  return new Set(
    [md, md.replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 ($2)')]
      .flatMap((m) => [m.replace(/\*\*|`|__/g, ' '), m.replace(/\*\*|`|__/g, '')])
      .join(' ')
      .split(/\s+/)
      .flatMap((w) => [w, w.replace(/^[*_]+|[*_]+$/g, ''), w.replace(/^[*_(]+|[*_)]+$/g, ''), w.replace(/^[*_(]+|[*_):,.;]+$/g, ''), w.replace(/[.,;:)]+$/, '')]),
  );
}
