import type { Entry, Index } from '../raft/types.js';
import type { SimStateMachine } from './types.js';

/** The simulator's default state machine: it only records which command was applied at each index. */
export class RecordingStateMachine implements SimStateMachine {
  /** Command applied at each index (position index - 1); noops are recorded as ''. */
  readonly commands: string[] = [];

  apply(entry: Entry): Index {
    this.commands[entry.index - 1] = entry.type !== 'normal' ? '' : entry.data;
    return entry.index;
  }

  snapshot(): string {
    return JSON.stringify(this.commands);
  }

  restore(_index: Index, data: string): void {
    const commands = JSON.parse(data) as string[];
    this.commands.length = 0;
    this.commands.push(...commands);
  }
}
