import { describe, expect, it } from 'vitest';
import { castToSvg } from '../../scripts/docs/cast-to-svg.js';

const cast = [
  JSON.stringify({ version: 2, width: 12, height: 2, title: 'demo' }),
  JSON.stringify([0.1, 'o', '\x1b[31mhi\x1b[0m <&>']),
  JSON.stringify([0.2, 'o', '\r\n\x1b[7minv\x1b[27m']),
  JSON.stringify([0.3, 'o', '\x1b[2J\x1b[Hgone']),
].join('\n');

describe('cast → SVG (the README picture)', () => {
  it('draws the screen the terminal shows, in its colours, up to the marker', async () => {
    const svg = await castToSvg(cast, { before: 'gone' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
    expect(svg).toContain('<title>demo</title>');
    expect(svg).toMatch(/<text [^>]*fill="#f14c4c"[^>]*>hi<\/text>/); // ANSI red
    expect(svg).toContain('&lt;&amp;&gt;'); // escaped
    expect(svg).toMatch(/<rect [^>]*fill="#d4d4d4"\/>/); // inverse: the foreground becomes the background
    expect(svg).not.toContain('gone');
  });

  it('without a marker, plays the whole cast', async () => {
    const svg = await castToSvg(cast);
    expect(svg).toContain('gone');
    expect(svg).not.toContain('>hi<');
  });
});
