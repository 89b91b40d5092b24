import pc from 'picocolors';

/** The colour functions the CLI uses; every one is the identity when colour is off. */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Whether to colour what goes to `stream`: never with `NO_COLOR` (any non-empty value, as
 * no-color.org asks) or `--no-color`; always with `FORCE_COLOR` (not `0`); otherwise only on a
 * terminal, so that pipes and files get plain text.
 */
export function colorEnabled(stream: { isTTY?: boolean }, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}
