/**
 * Small syntax highlighters for the two kinds of code the course shows: policy JSON and shell
 * commands. They wrap tokens in <span class="tok-…"> and never fail: unknown text is escaped
 * and passed through, so a half-written policy still renders.
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function span(cls: string, text: string): string {
  return `<span class="tok-${cls}">${escapeHtml(text)}</span>`;
}

// Order matters: a string followed by a colon is a key, not a value.
const JSON_TOKEN = /("(?:[^"\\\n]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b|([{}[\],])/g;

export function highlightJson(code: string): string {
  let out = '';
  let last = 0;
  for (const m of code.matchAll(JSON_TOKEN)) {
    const at = m.index ?? 0;
    out += escapeHtml(code.slice(last, at));
    if (m[1] !== undefined) {
      out += m[2] !== undefined ? span('key', m[1]) + escapeHtml(m[2]) : span('string', m[1]);
    } else if (m[3] !== undefined) out += span('number', m[3]);
    else if (m[4] !== undefined) out += span('literal', m[4]);
    else out += span('punct', m[5] ?? '');
    last = at + m[0].length;
  }
  return out + escapeHtml(code.slice(last));
}

/** True when a code block without a language is really JSON (a pasted policy document). */
export function looksLikeJson(code: string): boolean {
  const t = code.trim();
  if (!/^[{[]/.test(t)) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

const SHELL_TOKEN =
  /(#.*$)|('[^']*'?)|("(?:[^"\\]|\\.)*"?)|(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\()|(\s--?[A-Za-z][\w-]*)|(\|\||&&|[|;]|\\$)|([^\s'"|;&#$]+)/gm;

/**
 * Shell: comments, strings, variables, --options, and the command word at the start of each
 * command (after a line start, a pipe, && or ;) so `aws iam create-user` reads at a glance.
 * A leading "$ " prompt is marked so the copy button can leave it out.
 */
export function highlightShell(code: string): string {
  const lines = code.split('\n');
  // With "$ " prompts, the lines without one are the command's output (or its continuation).
  const hasPrompts = lines.some((l) => PROMPT.test(l));
  let continued = false;
  // A here-document (cat > policy.json <<'EOF' … EOF) is data, not commands: its body is
  // highlighted as JSON when it is a policy, else left plain.
  let heredocEnd: string | undefined;
  let heredoc: string[] = [];
  const out: string[] = [];
  for (const line of lines) {
    if (heredocEnd !== undefined) {
      if (line.trim() === heredocEnd) {
        if (heredoc.length) out.push(heredocBody(heredoc));
        out.push(escapeHtml(line));
        heredocEnd = undefined;
        heredoc = [];
      } else heredoc.push(line);
      continue;
    }
    out.push(shellLine(line));
    heredocEnd = HEREDOC.exec(line.replace(/^\s*\$\s/, ''))?.[2];
  }
  if (heredocEnd !== undefined && heredoc.length) out.push(heredocBody(heredoc));
  return out.join('\n');

  function shellLine(line: string): string {
    const prompt = PROMPT.exec(line);
    let html: string;
    if (prompt) {
      html = escapeHtml(prompt[1]) + span('prompt', '$') + prompt[2] + highlightShellLine(line.slice(prompt[0].length), true);
    } else if (hasPrompts && !continued) {
      html = line ? span('output', line) : '';
    } else {
      html = highlightShellLine(line, !continued);
    }
    continued = (prompt !== null || !hasPrompts || continued) && /\\\s*$/.test(line);
    return html;
  }
}

function heredocBody(lines: string[]): string {
  const text = lines.join('\n');
  return /^\s*[{[]/.test(text) ? highlightJson(text) : escapeHtml(text);
}

const PROMPT = /^(\s*)\$(\s)/;
/** `<<EOF`, `<<'EOF'`, `<<-"EOF"`, but not the here-string `<<<` */
const HEREDOC = /(?<!<)<<(?!<)-?\s*(['"]?)([A-Za-z_][\w-]*)\1/;

/**
 * The text the copy button puts on the clipboard: with prompts, only the commands (and their
 * backslash continuations), without the "$ "; without prompts, the block as written.
 */
export function copyText(kind: CodeKind, code: string): string {
  if (kind !== 'shell') return code;
  const lines = code.split('\n');
  if (!lines.some((l) => PROMPT.test(l))) return code;
  const out: string[] = [];
  let continued = false;
  let heredocEnd: string | undefined;
  for (const line of lines) {
    if (heredocEnd !== undefined) {
      // a here-document's body is part of the command
      out.push(line);
      if (line.trim() === heredocEnd) heredocEnd = undefined;
      continue;
    }
    const prompt = PROMPT.exec(line);
    if (prompt) out.push(line.slice(prompt[0].length));
    else if (continued) out.push(line);
    if (prompt || continued) heredocEnd = HEREDOC.exec(line)?.[2];
    continued = (prompt !== null || continued) && /\\\s*$/.test(line);
  }
  return out.join('\n');
}

function highlightShellLine(line: string, startsCommand: boolean): string {
  let out = '';
  let last = 0;
  let expectCommand = startsCommand;
  for (const m of line.matchAll(SHELL_TOKEN)) {
    const at = m.index ?? 0;
    out += escapeHtml(line.slice(last, at));
    if (m[1] !== undefined) out += span('comment', m[1]);
    else if (m[2] !== undefined || m[3] !== undefined) out += span('string', m[2] ?? m[3] ?? '');
    else if (m[4] !== undefined) {
      out += span('variable', m[4]);
      // $( starts a command of its own: $(aws sts get-caller-identity …)
      if (m[4] === '$(') {
        expectCommand = true;
        last = at + m[0].length;
        continue;
      }
    }
    else if (m[5] !== undefined) out += escapeHtml(m[5].slice(0, 1)) + span('option', m[5].slice(1));
    else if (m[6] !== undefined) {
      out += span('operator', m[6]);
      if (m[6] !== '\\') expectCommand = true;
      last = at + m[0].length;
      continue;
    } else if (m[7] !== undefined) {
      // An assignment (FOO=bar) before the command keeps the next word a command.
      if (expectCommand && /^[A-Za-z_][A-Za-z0-9_]*=/.test(m[7])) {
        out += span('variable', m[7]);
        last = at + m[0].length;
        continue;
      }
      out += expectCommand ? span('command', m[7]) : escapeHtml(m[7]);
    }
    expectCommand = false;
    last = at + m[0].length;
  }
  return out + escapeHtml(line.slice(last));
}

const SHELL_LANGS = new Set(['sh', 'shell', 'bash', 'zsh', 'console', 'shell-session', 'terminal']);
const JSON_LANGS = new Set(['json', 'jsonc', 'json5']);

export type CodeKind = 'json' | 'shell' | 'text';

export function codeKind(lang: string | undefined, code: string): CodeKind {
  const l = (lang ?? '').trim().split(/\s+/)[0].toLowerCase();
  if (JSON_LANGS.has(l)) return 'json';
  if (SHELL_LANGS.has(l)) return 'shell';
  if (!l && looksLikeJson(code)) return 'json';
  return 'text';
}

export function highlight(kind: CodeKind, code: string): string {
  if (kind === 'json') return highlightJson(code);
  if (kind === 'shell') return highlightShell(code);
  return escapeHtml(code);
}
