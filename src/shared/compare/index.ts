// Comparing two runs, execution by execution: the alignment model the CLI's `diff` (and a panel
// comparison) is built on. Pure: no vscode, no DOM, no Node.
export { compareRuns, compareDigests, contextFor, fromStep } from './compare';
export { digestRun, type RunDigest, type DigestExec, type CompareContext } from './digest';
export { align, type Pair } from './align';
export { DEFAULT_IGNORES, IGNORED, IgnoreMatcher, IgnorePatternError, ignoreMatcher, normalize, canonical, parsePattern, type IgnoreRule } from './ignore';
export type { Comparison, CompareRow, CompareOptions, RowKind, RowSide, NodeTiming, RunFacts } from './types';
export { runSegments, segmentModel, segmentHow, type RunSegment } from './segments';
