/**
 * Terminal input decoded into keys: named keys (arrows, Enter, F1, Ctrl-X…) and runs of typed
 * text. A pasted or scripted line arrives as one text run and stays intact.
 */

/** A key with a name; Ctrl-letters are "ctrl-a" … "ctrl-z". */
export type KeyName =
  | 'enter'
  | 'tab'
  | 'shift-tab'
  | 'escape'
  | 'backspace'
  | 'delete'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'page-up'
  | 'page-down'
  | 'f1'
  | 'f2'
  | 'f3'
  | 'f4'
  | 'f5'
  | 'f6'
  | 'f7'
  | 'f8'
  | 'f9'
  | 'f10'
  | 'wheel-up'
  | 'wheel-down'
  | `ctrl-${string}`;

export type KeyToken = { key: KeyName } | { text: string };

/** Escape sequences of xterm, VT100 application mode, rxvt and the Linux console. */
const SEQUENCES: Record<string, KeyName> = {
  '\x1b[A': 'up',
  '\x1b[B': 'down',
  '\x1b[C': 'right',
  '\x1b[D': 'left',
  '\x1bOA': 'up',
  '\x1bOB': 'down',
  '\x1bOC': 'right',
  '\x1bOD': 'left',
  '\x1b[H': 'home',
  '\x1b[F': 'end',
  '\x1bOH': 'home',
  '\x1bOF': 'end',
  '\x1b[1~': 'home',
  '\x1b[4~': 'end',
  '\x1b[7~': 'home',
  '\x1b[8~': 'end',
  '\x1b[3~': 'delete',
  '\x1b[5~': 'page-up',
  '\x1b[6~': 'page-down',
  '\x1b[Z': 'shift-tab',
  '\x1bOP': 'f1',
  '\x1bOQ': 'f2',
  '\x1bOR': 'f3',
  '\x1bOS': 'f4',
  '\x1b[11~': 'f1',
  '\x1b[12~': 'f2',
  '\x1b[13~': 'f3',
  '\x1b[14~': 'f4',
  '\x1b[15~': 'f5',
  '\x1b[17~': 'f6',
  '\x1b[18~': 'f7',
  '\x1b[19~': 'f8',
  '\x1b[20~': 'f9',
  '\x1b[21~': 'f10',
  '\x1b[[A': 'f1',
  '\x1b[[B': 'f2',
  '\x1b[[C': 'f3',
  '\x1b[[D': 'f4',
  '\x1b[[E': 'f5',
  '\x1b': 'escape',
  '\x1b\x1b': 'escape',
};

/**
 * Decodes one chunk of terminal input. Escape sequences Ink has already split off arrive whole;
 * an unknown one is dropped rather than typed. Control bytes inside text become keys.
 */
export function decodeInput(chunk: string): KeyToken[] {
  if (chunk.startsWith('\x1b')) {
    // SGR mouse reports (the dashboard asks for them): only the wheel means something here.
    const mouse = /^\x1b\[<(\d+);\d+;\d+[Mm]/.exec(chunk);
    if (mouse) {
      const button = Number(mouse[1]) & ~(4 | 8 | 16); // without Shift, Alt, Ctrl
      const rest = chunk.slice(mouse[0].length);
      const wheel: KeyToken[] = button === 64 ? [{ key: 'wheel-up' }] : button === 65 ? [{ key: 'wheel-down' }] : [];
      return [...wheel, ...(rest ? decodeInput(rest) : [])];
    }
    const named = SEQUENCES[chunk];
    if (named) return [{ key: named }];
    // ESC ESC [A and the like: Alt held with a known key.
    const inner = SEQUENCES[chunk.slice(1)];
    if (chunk.startsWith('\x1b\x1b') && inner) return [{ key: inner }];
    // Anything else starting with ESC (Alt-letter, modified keys, unknown) would type garbage.
    const rest = chunk.slice(1);
    if (rest.length === 1 || rest.startsWith('[') || rest.startsWith('O')) return [];
    return decodeInput(rest);
  }
  const tokens: KeyToken[] = [];
  let text = '';
  const flush = (): void => {
    if (text) tokens.push({ text });
    text = '';
  };
  for (let i = 0; i < chunk.length; i++) {
    const ch = chunk[i] as string;
    const code = ch.charCodeAt(0);
    if (ch === '\r' || ch === '\n') {
      flush();
      // CR LF is one Enter.
      if (ch === '\r' && chunk[i + 1] === '\n') i++;
      tokens.push({ key: 'enter' });
    } else if (ch === '\t') {
      flush();
      tokens.push({ key: 'tab' });
    } else if (ch === '\x7f' || ch === '\b') {
      flush();
      tokens.push({ key: 'backspace' });
    } else if (ch === '\x1b') {
      flush();
      tokens.push(...decodeInput(chunk.slice(i)));
      return tokens;
    } else if (code < 0x20) {
      flush();
      tokens.push({ key: `ctrl-${String.fromCharCode(code + 96)}` });
    } else if (code >= 0x80 && code < 0xa0) {
      // C1 controls: never typed on purpose.
    } else {
      text += ch;
    }
  }
  flush();
  return tokens;
}

/** The raw bytes a terminal sends for a named key (tests and the e2e driver use this). */
export function encodeKey(key: KeyName): string {
  if (key.startsWith('ctrl-')) return String.fromCharCode(key.charCodeAt(5) - 96);
  switch (key) {
    case 'enter':
      return '\r';
    case 'tab':
      return '\t';
    case 'backspace':
      return '\x7f';
    case 'escape':
      return '\x1b';
  }
  if (key === 'wheel-up') return '\x1b[<64;1;1M';
  if (key === 'wheel-down') return '\x1b[<65;1;1M';
  for (const [seq, name] of Object.entries(SEQUENCES)) if (name === key) return seq;
  throw new Error(`no encoding for key ${key}`);
}
