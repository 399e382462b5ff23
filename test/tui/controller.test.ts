import { describe, expect, it } from 'vitest';
import { createController, type CommandOutcome } from '../../src/tui/controller.js';
import { encodeKey } from '../../src/tui/keys.js';
import { noFaults } from '../../src/net/fault-filter.js';
import { healthySnapshot, nodeView, withNodes } from './fixtures.js';

function setup(snapshot = healthySnapshot(), answer: (line: string) => CommandOutcome = () => ({ ok: true, message: 'done' })) {
  const ran: string[] = [];
  const notes: string[] = [];
  let quits = 0;
  const controller = createController({
    ids: snapshot.nodes.map((n) => n.id),
    run: async (line) => {
      ran.push(line);
      return answer(line);
    },
    snapshot: () => snapshot,
    note: (text) => notes.push(text),
    onQuit: () => quits++,
  });
  return { controller, ran, notes, quits: () => quits };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('controller', () => {
  it('runs a typed line on Enter and shows its outcome', async () => {
    const { controller, ran } = setup();
    controller.input('SET x = 1');
    controller.input('\r');
    expect(controller.getState().line).toBe('');
    await settle();
    expect(ran).toEqual(['SET x = 1']);
    expect(controller.getState().result).toEqual({ line: 'SET x = 1', status: 'ok', message: 'done' });
  });

  it('prints the answer of every pasted line, not only the last', async () => {
    const { controller, notes } = setup(healthySnapshot(), (line) =>
      line.startsWith('crash 7')
        ? { ok: false, message: 'unknown node 7: this cluster has nodes 1-5' }
        : { ok: true, message: `${line} → done` },
    );
    controller.input('SET a = 1\rcrash 7\rSET b = 2\r');
    await settle();
    await settle();
    expect(notes.filter((n) => n.startsWith('  ✔') || n.startsWith('  ✘'))).toEqual([
      '  ✔ SET a = 1 → done',
      '  ✘ crash 7: unknown node 7: this cluster has nodes 1-5',
      '  ✔ SET b = 2 → done',
    ]);
  });

  it('shows the log grid, filters and scrolls the events through the one key table and the console', async () => {
    const { controller } = setup(healthySnapshot(), (line) =>
      line === 'view log'
        ? { ok: true, message: 'grid', view: 'log' }
        : line === '/vote'
          ? { ok: true, message: 'filtered', filter: 'vote' }
          : { ok: true, message: '' },
    );
    controller.input(encodeKey('f6'));
    expect(controller.getState().view).toBe('log');
    controller.input(encodeKey('ctrl-g'));
    expect(controller.getState().view).toBe('nodes');
    controller.input('view log\r');
    await settle();
    expect(controller.getState().view).toBe('log');
    controller.input('/vote\r');
    await settle();
    expect(controller.getState().eventFilter).toBe('vote');
    controller.input(encodeKey('page-up'));
    controller.input(encodeKey('wheel-up'));
    expect(controller.getState().eventScroll).toBe(8);
    controller.input(encodeKey('page-down'));
    expect(controller.getState().eventScroll).toBe(3);
    controller.limitEventScroll(1);
    expect(controller.getState().eventScroll).toBe(1);
  });

  it('saves the event history through the dashboard and says where', async () => {
    const saved: string[] = [];
    const controller = createController({
      ids: [1, 2, 3],
      run: async () => ({ ok: true, message: 'saving', saveLog: 'out.txt' }),
      snapshot: () => healthySnapshot(3),
      note: () => undefined,
      saveLog: async (file) => {
        saved.push(file);
        return { ok: true, message: `saved 12 event lines to ${file}` };
      },
      onQuit: () => undefined,
    });
    await controller.runLine('save-log out.txt');
    expect(saved).toEqual(['out.txt']);
    expect(controller.getState().result?.message).toBe('saved 12 event lines to out.txt');
  });

  it('keeps keystrokes that arrive one by one in order', async () => {
    const { controller, ran } = setup();
    for (const ch of 'crash 2') controller.input(ch);
    controller.input('\r');
    await settle();
    expect(ran).toEqual(['crash 2']);
  });

  it('shows an error outcome as an error', async () => {
    const { controller, notes } = setup(healthySnapshot(), () => ({ ok: false, message: 'unknown node 7: this cluster has nodes 1-5' }));
    controller.input('crash 7\r');
    await settle();
    expect(controller.getState().result?.status).toBe('error');
    expect(notes.some((n) => n.includes('unknown node 7'))).toBe(true);
  });

  it('recalls earlier lines with Up and returns to the draft with Down', async () => {
    const { controller } = setup();
    controller.input('SET a = 1\r');
    controller.input('SET b = 2\r');
    controller.input('dra');
    controller.input(encodeKey('up'));
    expect(controller.getState().line).toBe('SET b = 2');
    controller.input(encodeKey('up'));
    expect(controller.getState().line).toBe('SET a = 1');
    controller.input(encodeKey('down'));
    controller.input(encodeKey('down'));
    expect(controller.getState().line).toBe('dra');
    await settle();
  });

  it('selects nodes with Tab, Shift-Tab and arrows on an empty line, wrapping around', () => {
    const { controller } = setup();
    expect(controller.getState().selected).toBe(1);
    controller.input(encodeKey('shift-tab'));
    expect(controller.getState().selected).toBe(5);
    controller.input(encodeKey('tab'));
    controller.input(encodeKey('right'));
    expect(controller.getState().selected).toBe(2);
    controller.input('x');
    controller.input(encodeKey('left'));
    expect(controller.getState().selected).toBe(2);
    expect(controller.getState().cursor).toBe(0);
  });

  it('F2 crashes the selected node, and restarts it once it is down', async () => {
    const up = setup();
    up.controller.input(encodeKey('tab'));
    up.controller.input(encodeKey('f2'));
    await settle();
    expect(up.ran).toEqual(['crash 2']);
    const down = setup(withNodes(healthySnapshot(), nodeView(1, { up: false })));
    down.controller.input(encodeKey('ctrl-x'));
    await settle();
    expect(down.ran).toEqual(['restart 1']);
  });

  it('F3 isolates the selected node, and rejoins it once isolated', async () => {
    const a = setup();
    a.controller.input(encodeKey('f3'));
    await settle();
    expect(a.ran).toEqual(['isolate 1']);
    const isolated = healthySnapshot(5, { faults: { ...noFaults(), partition: [[1], [2, 3, 4, 5]] } });
    const b = setup(isolated);
    b.controller.input(encodeKey('ctrl-o'));
    await settle();
    expect(b.ran).toEqual(['rejoin 1']);
  });

  it('F4 pauses a running cluster and resumes a paused one', async () => {
    const a = setup();
    a.controller.input(encodeKey('f4'));
    const b = setup(healthySnapshot(5, { paused: true }));
    b.controller.input(encodeKey('f4'));
    await settle();
    expect([...a.ran, ...b.ran]).toEqual(['pause', 'resume']);
  });

  it('toggles help with ? on an empty line but types ? otherwise', () => {
    const { controller } = setup();
    controller.input('?');
    expect(controller.getState().helpOpen).toBe(true);
    controller.input(encodeKey('escape'));
    expect(controller.getState().helpOpen).toBe(false);
    controller.input('help');
    controller.input('?');
    expect(controller.getState().line).toBe('help?');
  });

  it('clears the line with Escape and edits in the middle', () => {
    const { controller } = setup();
    controller.input('SET x = 1');
    controller.input(encodeKey('home'));
    controller.input(encodeKey('delete'));
    expect(controller.getState().line).toBe('ET x = 1');
    controller.input('\x17'); // Ctrl-W at the start deletes nothing
    controller.input(encodeKey('end'));
    controller.input('\x17');
    expect(controller.getState().line).toBe('ET x = ');
    controller.input(encodeKey('escape'));
    expect(controller.getState().line).toBe('');
  });

  it('quits on Ctrl-C, and when a command asks to', async () => {
    const a = setup();
    a.controller.input('\x03');
    expect(a.quits()).toBe(1);
    const b = setup(healthySnapshot(), () => ({ ok: true, message: 'bye', quit: true }));
    b.controller.input('quit\r');
    await settle();
    expect(b.quits()).toBe(1);
  });

  it('opens the help overlay when a command answers with help', async () => {
    const { controller } = setup(healthySnapshot(), () => ({ ok: true, message: '', help: 'crash <id|leader>: stop a node' }));
    controller.input('help crash\r');
    await settle();
    expect(controller.getState().helpOpen).toBe(true);
    expect(controller.getState().helpText).toBe('crash <id|leader>: stop a node');
  });
});
