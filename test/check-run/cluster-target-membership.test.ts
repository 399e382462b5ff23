import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/cluster/create-cluster.js';
import { clusterTarget } from '../../src/sim/nemesis-cluster-target.js';
import { waitFor } from '../helpers/wait-for.js';

describe('the real cluster as the nemesis target: membership changes (thesis ch. 4)', () => {
  it('one change at a time, never below 3 voters; a removed node leaves ids and is never restarted; a new id joins them', {
    timeout: 20_000,
  }, async () => {
    const cluster = await createCluster({ nodes: 4, transport: 'memory', seed: 7 });
    const notes: string[] = [];
    const target = clusterTarget(cluster, () => performance.now(), undefined, { note: (t) => notes.push(t) });
    const m = target.membership!;
    try {
      await waitFor('a leader', () => cluster.leader());
      const follower = m.voters().find((id) => id !== cluster.leader())!;
      // Down when its removal is asked, and asked to restart while it is being removed.
      target.crash(follower);
      expect(m.remove(follower, 500)).toBe(`remove n${follower}, then it stops`);
      expect(m.add()).toBe(`add: wait, removing n${follower} is under way`);
      target.restart(follower);
      expect(target.isUp(follower)).toBe(false);
      await target.settled();
      // The nemesis's own restart, once its crash is over, comes after the removal.
      target.restart(follower);
      await target.settled();
      expect(target.error()).toBeUndefined();
      expect(target.ids).not.toContain(follower);
      expect(cluster.status().find((n) => n.id === follower)).toMatchObject({ up: false, removed: true });
      expect(m.voters()).toHaveLength(3);
      expect(m.remove(m.voters()[0]!, null)).toBe('remove: only 3 voters left');
      expect(m.add()).toMatch(/^add a node/);
      await target.settled();
      expect(target.ids).toContain(5);
      expect(m.voters()).toContain(5);
      expect(target.changes!.stats).toMatchObject({ added: 1, promoted: 1, removed: 1 });
    } finally {
      target.stop();
      target.changes?.dispose();
      await cluster.stop();
    }
  });
});
