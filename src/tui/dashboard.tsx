/**
 * The dashboard screen: a pure function of the cluster snapshot, the event lines, the
 * interaction state and the terminal size (see frame.ts for what goes where).
 */
import { Box } from 'ink';
import { useMemo } from 'react';
import { dashboardFrame, type FrameInput } from './frame.js';
import { LineView } from './line-view.js';
import type { Line } from './spans.js';

export type DashboardProps = FrameInput;

export function Dashboard(props: DashboardProps) {
  const { snapshot, events, origin, ui, columns, rows } = props;
  const frame = useMemo(
    () => dashboardFrame({ snapshot, events, origin, ui, columns, rows }),
    [snapshot, events, origin, ui, columns, rows],
  );
  return <FrameView lines={frame.lines} width={columns} />;
}

/** Lines of a computed frame, one Ink text each. */
export function FrameView({ lines, width }: { lines: Line[]; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <LineView key={i} line={line} />
      ))}
    </Box>
  );
}
