// Modules the build makes (tsup.config.ts).

declare module 'virtual:command-parameters' {
  /**
   * Command → its top-level request parameters `[name, documented type, required]`, read from
   * docs/commands/*.md at build time (the shape of command-docs.ts's CommandParameters).
   */
  const table: Readonly<Record<string, readonly (readonly [name: string, type: string, required: boolean])[]>>;
  export default table;
}
