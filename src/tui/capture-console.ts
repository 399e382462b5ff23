/**
 * Sends console.log / info / warn / error / debug to a function while the dashboard owns the
 * screen (a stray write would scribble over the frame). Returns the function that restores them.
 */
import { format } from 'node:util';

export function captureConsole(sink: (text: string) => void): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      for (const line of format(...args).split('\n')) if (line.trim()) sink(line);
    };
  }
  return () => {
    methods.forEach((m, i) => {
      const original = saved[i];
      if (original) console[m] = original;
    });
  };
}
