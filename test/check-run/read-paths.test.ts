import { describe, expect, it } from 'vitest';
import { runCheckSeed } from '../../src/sim/check-run.js';
import { defaultSettings, seedSettings } from '../../src/sim/check-run-settings.js';

describe('raft-tui check: GETs by both read paths (thesis §6.4)', () => {
  it('a run answers GETs through the log and by ReadIndex, and its history is linearizable', () => {
    const lines: string[] = [];
    const r = runCheckSeed(seedSettings(5, { ...defaultSettings(undefined), nodes: 5, timeMs: 20_000 }), {
      trace: (_at, text) => lines.push(text),
    });
    expect(r.failure).toBeNull();
    expect(r.linearizability).toMatchObject({ ok: true });
    // Which operations were GETs, then how each GET was answered.
    const gets = new Set(lines.flatMap((l) => /calls #(\d+) GET /.exec(l)?.[1] ?? []));
    let byIndex = 0;
    let byLog = 0;
    for (const l of lines) {
      const m = /#(\d+) returns .*\((n\d+ applied index \d+|read by ReadIndex on n\d+)\)$/.exec(l);
      if (!m || !gets.has(m[1]!)) continue;
      if (m[2]!.startsWith('read by ReadIndex')) byIndex++;
      else byLog++;
    }
    expect(byIndex).toBeGreaterThan(20);
    expect(byLog).toBeGreaterThan(20);
  });
});
