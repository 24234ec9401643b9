// `import source from 'lgt-worker:./file'`: the file bundled on its own, as source text for a blob
// worker (scripts/build.mjs, plugin lgt-worker).
declare module 'lgt-worker:*' {
  const source: string;
  export default source;
}
