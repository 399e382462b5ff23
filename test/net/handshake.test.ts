import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ClusterSecret } from '../../src/net/cluster-secret.js';
import {
  checkHello,
  checkProof,
  encodeHello,
  encodeProof,
  type HandshakeTranscript,
  newNonce,
  parseChallenge,
} from '../../src/net/handshake.js';

const line = (s: string): string => s.replace(/\n$/, '');
const secret = ClusterSecret.generate();
const transcript = (): HandshakeTranscript => ({ connector: 2, listener: 1, connectorNonce: newNonce(), listenerNonce: newNonce() });

describe('checkHello', () => {
  const peers = new Set([2, 3]);

  it('accepts a hello from a known peer to this node and hands back its nonce', () => {
    const nonce = newNonce();
    expect(checkHello(line(encodeHello(2, 1, nonce)), 1, peers)).toEqual({ ok: true, node: 2, nonce });
  });

  it.each([
    ['not JSON', 'hello there', 'bad-hello'],
    ['the wrong protocol', `{"hello":"other","version":2,"from":2,"to":1,"nonce":"${'a'.repeat(64)}"}`, 'bad-hello'],
    ['the old hello (cluster id, no nonce)', '{"hello":"raft-tui","cluster":"raft-tui-abc","node":2}', 'bad-hello'],
    ['a short nonce', `{"hello":"raft-tui","version":2,"from":2,"to":1,"nonce":"abcd"}`, 'bad-hello'],
    ['a node that is not a number', `{"hello":"raft-tui","version":2,"from":"2","to":1,"nonce":"${'a'.repeat(64)}"}`, 'bad-hello'],
    ['an unknown node', line(encodeHello(9, 1, newNonce())), 'unknown-node'],
    ['a hello meant for another node', line(encodeHello(2, 3, newNonce())), 'unknown-node'],
  ])('refuses %s', (_, text, reason) => {
    const r = checkHello(text, 1, peers);
    expect(r.ok ? undefined : r.reason).toBe(reason);
  });

  it('names the version mismatch and what to do', () => {
    const r = checkHello(`{"hello":"raft-tui","version":1,"from":2,"to":1,"nonce":"${'a'.repeat(64)}"}`, 1, peers);
    expect(r.ok ? '' : r.detail).toContain('run the same raft-tui on every node');
  });
});

describe('handshake proofs', () => {
  it("accepts each side's own proof over the same transcript", () => {
    const t = transcript();
    expect(checkProof(line(encodeProof(secret, 'connector', t)), secret, 'connector', t)).toBe(true);
    expect(checkProof(line(encodeProof(secret, 'listener', t)), secret, 'listener', t)).toBe(true);
  });

  it('refuses a proof made with another secret', () => {
    const t = transcript();
    expect(checkProof(line(encodeProof(ClusterSecret.generate(), 'connector', t)), secret, 'connector', t)).toBe(false);
  });

  it("refuses a reflected proof: the connector's proof does not pass as the listener's", () => {
    const t = transcript();
    expect(checkProof(line(encodeProof(secret, 'connector', t)), secret, 'listener', t)).toBe(false);
  });

  it('refuses a replayed proof: a fresh nonce from either side, or other node ids, make it fail', () => {
    const t = transcript();
    const old = line(encodeProof(secret, 'connector', t));
    expect(checkProof(old, secret, 'connector', { ...t, listenerNonce: newNonce() })).toBe(false);
    expect(checkProof(old, secret, 'connector', { ...t, connectorNonce: newNonce() })).toBe(false);
    expect(checkProof(old, secret, 'connector', { ...t, connector: 3 })).toBe(false);
    expect(checkProof(old, secret, 'connector', { ...t, listener: 3 })).toBe(false);
  });

  it('refuses malformed proof lines without throwing', () => {
    const t = transcript();
    for (const text of ['', 'x', '{}', '{"proof":1}', `{"proof":"${'g'.repeat(64)}"}`, `{"proof":"${'a'.repeat(62)}"}`]) {
      expect(checkProof(text, secret, 'connector', t)).toBe(false);
    }
  });

  it('reads a challenge only when it holds a 64-hex-digit nonce', () => {
    const nonce = newNonce();
    expect(parseChallenge(JSON.stringify({ challenge: nonce }))).toBe(nonce);
    expect(parseChallenge('{"challenge":"abc"}')).toBeUndefined();
    expect(parseChallenge('nonsense')).toBeUndefined();
  });
});

describe('ClusterSecret', () => {
  it('never shows its bytes when printed, logged or serialized', () => {
    const s = ClusterSecret.fromBytes(Buffer.alloc(32, 0xab));
    const shown = [inspect(s), String(s), JSON.stringify({ s }), inspect({ nested: s }, { showHidden: true })].join(' ');
    expect(shown).not.toMatch(/ab,? ?ab|abab|171/i);
    expect(Object.keys(s)).toEqual([]);
  });

  it('is 32 bytes: other lengths are refused', () => {
    expect(() => ClusterSecret.fromBytes(Buffer.alloc(16))).toThrow(/32 bytes/);
  });

  it('generates a different secret every time', () => {
    const t = transcript();
    const a = ClusterSecret.generate().mac(JSON.stringify(t));
    const b = ClusterSecret.generate().mac(JSON.stringify(t));
    expect(a.equals(b)).toBe(false);
  });
});
